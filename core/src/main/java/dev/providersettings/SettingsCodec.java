package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.SecretDecryptionException;

import dev.providersettings.internal.JsonSyntax;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validation of values against declared settings, and conversion between typed values and stored values. Shared by
 * the settings service, the seeder and the provider manager so that all three apply the same rules.
 */
final class SettingsCodec {
    /** Longest accepted actor name (audit trails are not a place for essays). */
    static final int MAX_ACTOR_LENGTH = 200;

    private SettingsCodec() {
    }

    /** The problem with an actor, or empty. */
    static Optional<String> actorProblem(String actor) {
        if (actor == null) {
            return Optional.of("is null: pass who makes the change (a user id, 'seed', 'admin-api') for the audit trail");
        }
        if (actor.isBlank()) {
            return Optional.of("is blank: pass who makes the change (a user id, 'seed', 'admin-api') for the audit trail");
        }
        if (actor.length() > MAX_ACTOR_LENGTH || hasControl(actor, false)) {
            return Optional.of("must be at most " + MAX_ACTOR_LENGTH + " printable characters");
        }
        return Optional.empty();
    }

    /** Throws {@link InvalidSettingException} if the actor is unusable. */
    static void checkActor(String actor) {
        actorProblem(actor).ifPresent(problem -> {
            throw new InvalidSettingException("actor " + problem);
        });
    }

    /**
     * Checks a value against its definition and returns it in its canonical Java type ({@link Long} for integers),
     * or null after adding the problems to {@code violations}. Messages never quote the value.
     */
    static Object check(SettingDefinition definition, Object value, List<SettingViolation> violations) {
        String key = definition.key();
        Object typed = switch (definition.type()) {
            case TEXT, JSON -> value instanceof String s ? s : null;
            case INTEGER -> value instanceof Long l ? l
                    : value instanceof Integer || value instanceof Short || value instanceof Byte
                    ? Long.valueOf(((Number) value).longValue()) : null;
            case BOOLEAN -> value instanceof Boolean b ? b : null;
            case SECRET -> value instanceof Secret s ? s : null;
        };
        if (typed == null) {
            String hint = definition.isSecret() ? "a Secret (use setSecret)" : switch (definition.type()) {
                case TEXT -> "a String";
                case JSON -> "a String holding JSON";
                case INTEGER -> "a Long or Integer";
                case BOOLEAN -> "a Boolean";
                default -> definition.type().javaType().getSimpleName();
            };
            violations.add(new SettingViolation(key, "has the wrong type " + (value == null ? "null" : value.getClass().getSimpleName())
                    + ": it is declared " + definition.type().code() + ", pass " + hint));
            return null;
        }
        int before = violations.size();
        String text = typed instanceof String s ? s : typed instanceof Secret s ? s.reveal() : null;
        if (text != null) {
            if (text.length() > definition.maxLength()) {
                violations.add(new SettingViolation(key, "is " + text.length() + " characters long, more than the maximum of "
                        + definition.maxLength()));
            }
            if (text.isEmpty() && definition.type() != SettingType.JSON) {
                violations.add(new SettingViolation(key, "is empty: remove the setting instead of storing an empty value"));
            }
            if (definition.type() == SettingType.JSON) {
                JsonSyntax.problem(text).ifPresent(problem -> violations.add(new SettingViolation(key, problem)));
            } else if (definition.type() == SettingType.SECRET) {
                // Multi-line secrets (PEM keys) are legitimate; surrounding whitespace is a copy or file mistake.
                if (hasControl(text, true)) {
                    violations.add(new SettingViolation(key, "contains control characters other than tab and newline: "
                            + "remove them"));
                } else if (!text.isEmpty() && !text.equals(text.strip())) {
                    violations.add(new SettingViolation(key, "has leading or trailing whitespace (a newline from a "
                            + "secret file?): strip it"));
                }
            } else if (hasControl(text, false)) {
                violations.add(new SettingViolation(key, "contains control characters (a newline from a secret file?): "
                        + "remove them"));
            }
        }
        if (violations.size() == before) {
            try {
                definition.rule().check(typed).ifPresent(problem -> violations.add(new SettingViolation(key, problem)));
            } catch (RuntimeException e) {
                violations.add(new SettingViolation(key, "its validation rule failed (" + e.getClass().getSimpleName()
                        + "): check the provider's declaration"));
            }
        }
        return violations.size() == before ? typed : null;
    }

    private static boolean hasControl(String text, boolean allowWhitespace) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) && !(allowWhitespace && (c == '\t' || c == '\n' || c == '\r'))) {
                return true;
            }
        }
        return false;
    }

    /** A checked value as the store keeps it; secrets are encrypted bound to (organization, provider, key). */
    static StoredValue toStored(SettingDefinition definition, Object value, SecretCipher cipher, SecretContext context) {
        return switch (definition.type()) {
            case TEXT -> new StoredValue.Text((String) value);
            case JSON -> new StoredValue.Json((String) value);
            case INTEGER -> new StoredValue.Integer((Long) value);
            case BOOLEAN -> new StoredValue.Bool((Boolean) value);
            case SECRET -> new StoredValue.Encrypted(cipher.encrypt((Secret) value, context));
        };
    }

    /** A stored value as a typed value, decrypting secrets. */
    static Object fromStored(OrganizationId organization, ProviderCode provider, String key, StoredValue value,
                             SecretCipher cipher) {
        if (value instanceof StoredValue.Text t) {
            return t.value();
        } else if (value instanceof StoredValue.Json j) {
            return j.value();
        } else if (value instanceof StoredValue.Integer i) {
            return i.value();
        } else if (value instanceof StoredValue.Bool b) {
            return b.value();
        } else if (value instanceof StoredValue.Encrypted e) {
            SecretContext context = new SecretContext(organization, provider, key);
            try {
                return cipher.decrypt(e.secret(), context);
            } catch (SecretDecryptionException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw new SecretDecryptionException("secret " + key + " of organization " + organization + ", provider "
                        + provider + " (key id '" + dev.providersettings.internal.UntrustedText.quote(e.secret().keyId()) + "') cannot be decrypted ("
                        + ex.getClass().getSimpleName() + "); check the cipher configuration", ex);
            }
        }
        throw new IllegalStateException("unknown stored value type " + value.getClass().getName());
    }

    /** The decoded values and the missing required keys of one (organization, provider). */
    record Decoded(Map<String, Object> values, List<String> missingRequired, boolean nothingStored) {
    }

    /**
     * Decodes the declared settings (ignoring stored keys the provider no longer declares), fills defaults and lists
     * missing required keys.
     */
    static Decoded decode(StoredSettings stored, Map<String, SettingDefinition> definitions, SecretCipher cipher) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (SettingDefinition definition : definitions.values()) {
            StoredSetting setting = stored.settings().get(definition.key());
            if (setting != null) {
                if (setting.value().type() != definition.type()) {
                    throw new ConfigurationException("stored setting " + definition.key() + " of organization "
                            + stored.organization() + ", provider " + stored.provider() + " has type "
                            + setting.value().type().code() + " but the provider declares " + definition.type().code()
                            + ": write it again with SettingsService.update(...)");
                }
                values.put(definition.key(), fromStored(stored.organization(), stored.provider(), definition.key(),
                        setting.value(), cipher));
            } else if (definition.defaultValue() != null) {
                values.put(definition.key(), definition.defaultValue());
            } else if (definition.isRequired()) {
                missing.add(definition.key());
            }
        }
        return new Decoded(values, missing, stored.settings().isEmpty());
    }
}
