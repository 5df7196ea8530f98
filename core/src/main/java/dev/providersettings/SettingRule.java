package dev.providersettings;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validation rule of a declared setting. It inspects a value of the setting's Java type (for secrets the
 * revealed text) and describes the problem, or returns empty when the value is valid.
 *
 * <p>The description must never quote the value: it names the rule ("must be a UUID"), because the value may be
 * a secret.
 */
@FunctionalInterface
public interface SettingRule {

    /** The problem with {@code value}, or empty if it is valid. */
    Optional<String> check(Object value);

    /** Accepts everything. */
    static SettingRule none() {
        return value -> Optional.empty();
    }

    /** The text (or secret text) must match the regular expression entirely; {@code description} says what it is. */
    static SettingRule matches(String regex, String description) {
        Pattern pattern = Pattern.compile(regex);
        return value -> pattern.matcher(textOf(value)).matches()
                ? Optional.empty()
                : Optional.of("must be " + description);
    }

    /** The text (or secret text) must be a UUID in canonical form. */
    static SettingRule uuid() {
        return matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
                "a UUID like 1f0e7f4c-2f4b-4a5e-9a57-7a0c2d1f8b11");
    }

    /** The text must be one of the given values. */
    static SettingRule oneOf(String... allowed) {
        java.util.List<String> list = java.util.List.of(allowed);
        return value -> list.contains(textOf(value))
                ? Optional.empty()
                : Optional.of("must be one of " + list);
    }

    /** The integer must lie within {@code [min, max]}. */
    static SettingRule range(long min, long max) {
        return value -> {
            long v = ((Number) value).longValue();
            return v >= min && v <= max ? Optional.empty() : Optional.of("must be between " + min + " and " + max);
        };
    }

    /** This rule and then {@code next}. */
    default SettingRule and(SettingRule next) {
        return value -> {
            Optional<String> first = check(value);
            return first.isPresent() ? first : next.check(value);
        };
    }

    private static String textOf(Object value) {
        return value instanceof Secret s ? s.reveal() : String.valueOf(value);
    }
}
