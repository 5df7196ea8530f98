package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;

import dev.providersettings.spi.SecretContext;
import dev.providersettings.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRingTest {
    private final byte[] k1 = TestKeys.randomKey();
    private final byte[] k2 = TestKeys.randomKey();

    @Test
    void readsAKeyFileWithThePrimaryFirst(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("provider_settings_key");
        Files.writeString(file, "# rotated 2026-11\n" + TestKeys.line("k2", k2) + "\n\n" + TestKeys.line("k1", k1) + "\n");

        KeyRing ring = KeyRing.fromFile(file);

        assertThat(ring.primaryKeyId()).isEqualTo("k2");
        assertThat(ring.keyIds()).containsExactly("k2", "k1");
        SecretContext context = new SecretContext(OrganizationId.random(), ProviderCode.of("scaleway"), "KEY");
        AesGcmSecretCipher fromFile = new AesGcmSecretCipher(ring);
        AesGcmSecretCipher fromBuilder = new AesGcmSecretCipher(KeyRing.builder().primary("k2", k2).build());
        assertThat(fromBuilder.decrypt(fromFile.encrypt(Secret.of("x-secret"), context), context).reveal()).isEqualTo("x-secret");
    }

    @Test
    void readsTheEnvironmentWithCommaSeparatedEntries() {
        KeyRing ring = KeyRing.fromEnvironment(Map.of("PS_KEYS", TestKeys.line("a", k1) + "," + TestKeys.line("b", k2)), "PS_KEYS");
        assertThat(ring.primaryKeyId()).isEqualTo("a");
        assertThat(ring.contains("b")).isTrue();
    }

    @Test
    void missingShortMalformedAndDuplicateKeysAreClearErrorsWithoutKeyMaterial(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> KeyRing.fromFile(dir.resolve("absent")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist").hasMessageContaining("head -c 32");
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of(), "PS_KEYS"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PS_KEYS is not set");
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of("K", "k1:" + shortKey), "K"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'k1' is 16 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of("K", "k1:not base64!!"), "K"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not valid Base64")
                .hasMessageNotContaining("not base64!!");
        String full = Base64.getEncoder().encodeToString(k1);
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of("K", full), "K"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keyId:base64key")
                .hasMessageNotContaining(full);
        assertThatThrownBy(() -> KeyRing.builder().primary("k1", k1).add("k1", k2).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> KeyRing.builder().add("k1", k1).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no primary");
        assertThatThrownBy(() -> KeyRing.builder().primary("bad id", k1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("malformed");
        Path empty = Files.writeString(dir.resolve("empty"), "\n# nothing\n");
        assertThatThrownBy(() -> KeyRing.fromFile(empty))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contains no key");
    }

    @Test
    void builderCopiesKeysSoCallersMayWipeThem() {
        byte[] key = k1.clone();
        KeyRing ring = KeyRing.builder().primary("k1", key).build();
        java.util.Arrays.fill(key, (byte) 0);
        SecretContext context = new SecretContext(OrganizationId.random(), ProviderCode.of("scaleway"), "KEY");
        AesGcmSecretCipher a = new AesGcmSecretCipher(ring);
        AesGcmSecretCipher b = new AesGcmSecretCipher(KeyRing.builder().primary("k1", k1).build());
        assertThat(b.decrypt(a.encrypt(Secret.of("v-secret"), context), context).reveal()).isEqualTo("v-secret");
        assertThat(ring.toString()).doesNotContain(Base64.getEncoder().encodeToString(k1));
    }
}
