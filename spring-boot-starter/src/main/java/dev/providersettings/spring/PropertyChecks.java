package dev.providersettings.spring;

import java.time.Duration;
import java.util.regex.Pattern;

/** The checks the property groups share; each failure names the full property and its fix. */
final class PropertyChecks {
    /** A plain SQL identifier, as Postgres accepts it unquoted (at most 63 characters). */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** An identifier optionally qualified by a schema. */
    static final Pattern QUALIFIED = Pattern.compile(IDENTIFIER.pattern() + "(\\." + IDENTIFIER.pattern() + ")?");

    private PropertyChecks() {
    }

    /** The failure of {@code provider-settings.<property>}. */
    static ProviderSettingsPropertyException invalid(String property, String problem, String fix) {
        return new ProviderSettingsPropertyException(ProviderSettingsProperties.PREFIX + "." + property, problem, fix,
                null);
    }

    /** Fails unless {@code value} is null or a positive duration. */
    static void requirePositive(String property, Duration value, String example) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw invalid(property, "is " + value + ", not a positive duration", "set it to e.g. " + example);
        }
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /** A wrong value made printable and short enough to quote in a message. */
    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
