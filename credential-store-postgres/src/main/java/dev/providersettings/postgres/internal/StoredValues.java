package dev.providersettings.postgres.internal;

import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.StoredValue;
import org.jooq.JSONB;

/**
 * Maps {@link StoredValue}s to the typed columns of {@code provider_settings} and back. Exactly one value column
 * is set, matching the table's check constraint.
 *
 * @param valueType  the value_type column
 * @param text       text_value
 * @param integer    int_value
 * @param bool       bool_value
 * @param json       json_value
 * @param ciphertext secret_ciphertext
 * @param keyId      secret_key_id
 */
public record StoredValues(String valueType, String text, Long integer, Boolean bool, JSONB json, byte[] ciphertext,
                           String keyId) {

    /** The columns of a value. */
    public static StoredValues of(StoredValue value) {
        String type = value.type().code();
        if (value instanceof StoredValue.Text t) {
            return new StoredValues(type, requireText(t.value()), null, null, null, null, null);
        } else if (value instanceof StoredValue.Integer i) {
            return new StoredValues(type, null, i.value(), null, null, null, null);
        } else if (value instanceof StoredValue.Bool b) {
            return new StoredValues(type, null, null, b.value(), null, null, null);
        } else if (value instanceof StoredValue.Json j) {
            return new StoredValues(type, null, null, null, JSONB.valueOf(requireText(j.value())), null, null);
        } else if (value instanceof StoredValue.Encrypted e) {
            EncryptedSecret secret = e.secret();
            return new StoredValues(type, null, null, null, null, secret.ciphertext(), secret.keyId());
        }
        throw new IllegalStateException("unknown stored value type " + value.getClass().getName());
    }

    private static String requireText(String text) {
        if (text == null) {
            throw new InvalidSettingException("a text or JSON value is null: pass a value, or null as the whole"
                    + " StoredValue to delete the setting");
        }
        return text;
    }

    /** The value held by columns read back. */
    public static StoredValue read(String valueType, String text, Long integer, Boolean bool, JSONB json,
                                   byte[] ciphertext, String keyId) {
        switch (valueType) {
            case "text":
                return new StoredValue.Text(text);
            case "integer":
                return new StoredValue.Integer(integer);
            case "boolean":
                return new StoredValue.Bool(bool);
            case "json":
                return new StoredValue.Json(json.data());
            case "secret":
                return new StoredValue.Encrypted(new EncryptedSecret(keyId, ciphertext));
            default:
                throw new ProviderSettingsException("provider_settings holds an unknown value_type '" + valueType
                        + "': the table was changed outside this library or by a newer version of it");
        }
    }

    @Override
    public String toString() {
        return "StoredValues[" + valueType + "]";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
