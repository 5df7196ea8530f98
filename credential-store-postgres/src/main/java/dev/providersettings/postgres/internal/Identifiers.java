package dev.providersettings.postgres.internal;

import dev.providersettings.ConfigurationException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates SQL identifiers given in configuration (schema, organizations table and column). They end up in DDL
 * through Flyway placeholders, so only plain identifiers are accepted: no quoting, no injection.
 */
public final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Identifiers() {
    }

    /** Checks one identifier. */
    public static String check(String what, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new ConfigurationException(what + " '" + value + "' is not a plain SQL identifier: use letters, digits"
                    + " and '_' starting with a letter or '_', at most 63 characters (e.g. 'organizations')");
        }
        return value;
    }

    /** Checks {@code name} or {@code schema.name}; returns the parts. */
    public static List<String> checkQualified(String what, String value) {
        if (value == null) {
            throw new ConfigurationException(what + " is null: pass a table name such as 'organizations' or 'public.organizations'");
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length > 2) {
            throw new ConfigurationException(what + " '" + value + "' has more than two parts: use 'table' or 'schema.table'");
        }
        for (String part : parts) {
            check(what, part);
        }
        return List.of(parts);
    }
}
