package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredValue;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared test values. */
final class Fixtures {
    static final ProviderCode SCALEWAY = ProviderCode.of("scaleway");
    static final ProviderCode OTHER = ProviderCode.of("other");

    private Fixtures() {
    }

    static StoredValue text(String value) {
        return new StoredValue.Text(value);
    }

    static StoredValue secret(String keyId, String ciphertext) {
        return new StoredValue.Encrypted(new EncryptedSecret(keyId, ciphertext.getBytes(StandardCharsets.UTF_8)));
    }

    static SettingWrite put(String key, StoredValue value) {
        return new SettingWrite(key, value, SettingWrite.ANY_VERSION);
    }

    static SettingWrite put(String key, StoredValue value, long expected) {
        return new SettingWrite(key, value, expected);
    }

    static SettingsBatch batch(OrganizationId org, SettingWrite... writes) {
        return new SettingsBatch(org, SCALEWAY, "test", List.of(writes));
    }
}
