package dev.providersettings.spi;

import dev.providersettings.SettingType;

/**
 * A setting value as a store keeps it: typed values, and secrets only as ciphertext. A store never sees plaintext
 * secrets.
 */
public sealed interface StoredValue {

    /** The setting type this value holds. */
    SettingType type();

    /** A text value. */
    record Text(String value) implements StoredValue {
        public SettingType type() {
            return SettingType.TEXT;
        }
    }

    /** An integer value. */
    record Integer(long value) implements StoredValue {
        public SettingType type() {
            return SettingType.INTEGER;
        }
    }

    /** A boolean value. */
    record Bool(boolean value) implements StoredValue {
        public SettingType type() {
            return SettingType.BOOLEAN;
        }
    }

    /** A JSON document (valid JSON text). */
    record Json(String value) implements StoredValue {
        public SettingType type() {
            return SettingType.JSON;
        }
    }

    /** An encrypted secret. */
    record Encrypted(EncryptedSecret secret) implements StoredValue {
        public SettingType type() {
            return SettingType.SECRET;
        }
    }
}
