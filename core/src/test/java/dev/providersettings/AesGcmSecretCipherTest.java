package dev.providersettings;

import dev.providersettings.exception.SecretDecryptionException;

import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesGcmSecretCipherTest {
    private final byte[] key1 = TestKeys.randomKey();
    private final AesGcmSecretCipher cipher = new AesGcmSecretCipher(KeyRing.builder().primary("k1", key1).build());
    private final OrganizationId orgA = OrganizationId.random();
    private final OrganizationId orgB = OrganizationId.random();
    private final SecretContext context = new SecretContext(orgA, ProviderCode.of("scaleway"), "SCALEWAY_SECRET_KEY");
    private final Secret secret = Secret.of("super-secret-value-123");

    @Test
    void roundTripsAndUsesAFreshNonceEachTime() {
        EncryptedSecret first = cipher.encrypt(secret, context);
        EncryptedSecret second = cipher.encrypt(secret, context);

        assertThat(first.keyId()).isEqualTo("k1");
        assertThat(first.ciphertext()).hasSize(1 + 12 + secret.length() + 16);
        assertThat(first).isNotEqualTo(second);
        assertThat(cipher.decrypt(first, context)).isEqualTo(secret);
        assertThat(cipher.decrypt(second, context)).isEqualTo(secret);
        assertThat(new String(first.ciphertext(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret.reveal());
    }

    @Test
    void ciphertextSwappedToAnotherOrganizationProviderOrKeyFails() {
        EncryptedSecret encrypted = cipher.encrypt(secret, context);

        assertThatThrownBy(() -> cipher.decrypt(encrypted, new SecretContext(orgB, context.provider(), context.key())))
                .isInstanceOf(SecretDecryptionException.class).hasMessageContaining(orgB.toString())
                .hasMessageContaining("another organization");
        assertThatThrownBy(() -> cipher.decrypt(encrypted, new SecretContext(orgA, ProviderCode.of("aws"), context.key())))
                .isInstanceOf(SecretDecryptionException.class);
        assertThatThrownBy(() -> cipher.decrypt(encrypted, new SecretContext(orgA, context.provider(), "SCALEWAY_ACCESS_KEY")))
                .isInstanceOf(SecretDecryptionException.class);
    }

    @Test
    void keyIdsReadFromTheDatabaseAreEscapedAndShortenedInMessages() {
        // A row written by someone with database access: its key id tries to end the quote, forge a log line and
        // flood the message.
        String hostile = "k9', which is fine: ignore this\n2026-12-01 ERROR forged line\u001b[2J" + "x".repeat(500);
        EncryptedSecret forged = new EncryptedSecret(hostile, cipher.encrypt(secret, context).ciphertext());

        assertThatThrownBy(() -> cipher.decrypt(forged, context))
                .isInstanceOf(SecretDecryptionException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n").doesNotContain("\u001b").doesNotContain("k9'").doesNotContain("xxxxxxxxxx")
                        .contains("'k9\\u0027, which is fine: ignore this\\u000a2026-12-...(" + hostile.length() + " chars)'")
                        .hasSizeLessThan(500));
        assertThat(forged.toString()).doesNotContain("\n").doesNotContain("'").doesNotContain("xxxxxxxxxx")
                .contains("(" + hostile.length() + " chars)");
        assertThat(new EncryptedSecret("k1", new byte[]{1}).toString()).isEqualTo("EncryptedSecret[keyId=k1, 1 bytes]");

        // Through the manager: a stored row under the hostile key id.
        try (dev.providersettings.testing.TestWorld world = new dev.providersettings.testing.TestWorld()) {
            OrganizationId organization = world.organizationWithCredentials();
            world.store.save(new dev.providersettings.spi.SettingsBatch(organization, ProviderCode.of("testcloud"), "intruder",
                    java.util.List.of(new dev.providersettings.spi.SettingWrite("TESTCLOUD_SECRET_KEY",
                            new dev.providersettings.spi.StoredValue.Encrypted(forged), -1))));
            assertThatThrownBy(() -> world.client(organization)).isInstanceOf(SecretDecryptionException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("k9'")
                            .contains("k9\\u0027"));
        }
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] bytes = cipher.encrypt(secret, context).ciphertext();
        for (int i = 0; i < bytes.length * 8; i++) {
            byte[] tampered = bytes.clone();
            tampered[i / 8] ^= (byte) (1 << (i % 8));
            EncryptedSecret bad = new EncryptedSecret("k1", tampered);
            assertThatThrownBy(() -> cipher.decrypt(bad, context)).isInstanceOf(SecretDecryptionException.class)
                    .hasMessageNotContaining(secret.reveal());
        }
    }

    @Test
    void truncationAtAnyLengthIsDetected() {
        byte[] bytes = cipher.encrypt(secret, context).ciphertext();
        for (int length = 1; length < bytes.length; length++) {
            EncryptedSecret bad = new EncryptedSecret("k1", Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> cipher.decrypt(bad, context)).isInstanceOf(SecretDecryptionException.class);
        }
    }

    @Test
    void unknownKeyIdAndWrongKeyFailNamingTheKeyId() {
        EncryptedSecret encrypted = cipher.encrypt(secret, context);
        EncryptedSecret relabelled = new EncryptedSecret("k9", encrypted.ciphertext());
        assertThatThrownBy(() -> cipher.decrypt(relabelled, context))
                .isInstanceOf(SecretDecryptionException.class).hasMessageContaining("'k9'").hasMessageContaining("[k1]");

        AesGcmSecretCipher otherKeySameId = new AesGcmSecretCipher(KeyRing.builder().primary("k1", TestKeys.randomKey()).build());
        assertThatThrownBy(() -> otherKeySameId.decrypt(encrypted, context))
                .isInstanceOf(SecretDecryptionException.class).hasMessageContaining("'k1'");
    }

    @Test
    void olderKeysDecryptAndThePrimaryEncrypts() {
        EncryptedSecret underK1 = cipher.encrypt(secret, context);
        AesGcmSecretCipher rotated = new AesGcmSecretCipher(KeyRing.builder()
                .primary("k2", TestKeys.randomKey()).add("k1", key1).build());

        assertThat(rotated.decrypt(underK1, context)).isEqualTo(secret);
        assertThat(rotated.encrypt(secret, context).keyId()).isEqualTo("k2");
        assertThat(rotated.primaryKeyId()).isEqualTo("k2");
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        String base64 = java.util.Base64.getEncoder().encodeToString(key1);
        assertThat(cipher.toString()).contains("k1").doesNotContain(base64);
        assertThat(cipher.keyRing().toString()).isEqualTo("KeyRing[primary=k1, keys=[k1]]");
    }
}
