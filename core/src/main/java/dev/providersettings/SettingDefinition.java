package dev.providersettings;

import dev.providersettings.exception.InvalidIdentifierException;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One setting a provider declares: its key, type, whether it is required, a default (never for secrets), a
 * validation rule, and where seeding finds its value (a secret file name and environment variable names).
 *
 * <p>Built fluently: {@code SettingDefinition.secret("SCALEWAY_SECRET_KEY").required().rule(SettingRule.uuid())
 * .secretFile("scaleway_secret_key").environment("SCW_SECRET_KEY")}.
 *
 * @param key            the key, upper-case letters, digits and {@code _} ({@code SCALEWAY_PROJECT_ID})
 * @param type           the type
 * @param isRequired     whether a provider cannot be created without it
 * @param defaultValue   the value used when the setting is absent (never for secrets), or null
 * @param rule           validation on write
 * @param description    a human description used in messages and documentation
 * @param secretFileName the file name seeding reads in a secrets directory, or null
 * @param environmentNames environment variable names seeding reads, in order of preference
 * @param maxLength      the longest accepted text, JSON or secret (characters)
 */
public record SettingDefinition(
        String key,
        SettingType type,
        boolean isRequired,
        Object defaultValue,
        SettingRule rule,
        String description,
        String secretFileName,
        java.util.List<String> environmentNames,
        int maxLength) {

    /** Keys: upper-case letters, digits and underscores, starting with a letter, at most 64 characters. */
    public static final Pattern KEY_FORMAT = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    /** The default longest accepted text value. */
    public static final int DEFAULT_MAX_LENGTH = 4096;

    public SettingDefinition {
        Objects.requireNonNull(type, "type");
        checkKey(key);
        rule = rule == null ? SettingRule.none() : rule;
        description = description == null ? key : description;
        environmentNames = environmentNames == null ? java.util.List.of() : java.util.List.copyOf(environmentNames);
        if (maxLength <= 0) {
            throw new IllegalArgumentException("setting " + key + ": maxLength must be positive");
        }
        if (defaultValue != null) {
            if (type == SettingType.SECRET) {
                throw new IllegalArgumentException("setting " + key + " is a secret: secrets cannot have a default");
            }
            if (!type.javaType().isInstance(defaultValue)) {
                throw new IllegalArgumentException("setting " + key + ": default must be a "
                        + type.javaType().getSimpleName());
            }
        }
    }

    /**
     * Checks a setting key's format.
     *
     * @throws InvalidIdentifierException if it is null, blank or malformed
     */
    public static String checkKey(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidIdentifierException("setting key is " + (key == null ? "null" : "blank")
                    + ": use the provider's declared key such as SCALEWAY_PROJECT_ID");
        }
        if (!KEY_FORMAT.matcher(key).matches()) {
            throw new InvalidIdentifierException("setting key '" + OrganizationId.abbreviate(key)
                    + "' is malformed: use upper-case letters, digits and '_' starting with a letter, at most 64 characters");
        }
        return key;
    }

    private static SettingDefinition of(String key, SettingType type) {
        return new SettingDefinition(key, type, false, null, null, null, null, null, DEFAULT_MAX_LENGTH);
    }

    /** An optional text setting. */
    public static SettingDefinition text(String key) {
        return of(key, SettingType.TEXT);
    }

    /** An optional integer setting. */
    public static SettingDefinition integer(String key) {
        return of(key, SettingType.INTEGER);
    }

    /** An optional boolean setting. */
    public static SettingDefinition bool(String key) {
        return of(key, SettingType.BOOLEAN);
    }

    /** An optional JSON setting. */
    public static SettingDefinition json(String key) {
        return of(key, SettingType.JSON);
    }

    /** An optional secret setting. */
    public static SettingDefinition secret(String key) {
        return of(key, SettingType.SECRET);
    }

    /** This definition, required. */
    public SettingDefinition required() {
        return new SettingDefinition(key, type, true, defaultValue, rule, description, secretFileName, environmentNames, maxLength);
    }

    /** This definition with a default value (not for secrets). */
    public SettingDefinition defaultValue(Object value) {
        return new SettingDefinition(key, type, isRequired, value, rule, description, secretFileName, environmentNames, maxLength);
    }

    /** This definition with a validation rule. */
    public SettingDefinition rule(SettingRule value) {
        return new SettingDefinition(key, type, isRequired, defaultValue, value, description, secretFileName, environmentNames, maxLength);
    }

    /** This definition with a description. */
    public SettingDefinition description(String value) {
        return new SettingDefinition(key, type, isRequired, defaultValue, rule, value, secretFileName, environmentNames, maxLength);
    }

    /** This definition, seeded from the named file of a secrets directory (e.g. {@code scaleway_secret_key}). */
    public SettingDefinition secretFile(String fileName) {
        return new SettingDefinition(key, type, isRequired, defaultValue, rule, description, fileName, environmentNames, maxLength);
    }

    /** This definition, seeded from these environment variables (first present wins). */
    public SettingDefinition environment(String... names) {
        return new SettingDefinition(key, type, isRequired, defaultValue, rule, description, secretFileName, java.util.List.of(names), maxLength);
    }

    /** This definition with a maximum length for text, JSON and secret values. */
    public SettingDefinition maxLength(int value) {
        return new SettingDefinition(key, type, isRequired, defaultValue, rule, description, secretFileName, environmentNames, value);
    }

    /** The secret file name, if declared. */
    public Optional<String> secretFile() {
        return Optional.ofNullable(secretFileName);
    }

    /** Whether this setting is a secret. */
    public boolean isSecret() {
        return type == SettingType.SECRET;
    }
}
