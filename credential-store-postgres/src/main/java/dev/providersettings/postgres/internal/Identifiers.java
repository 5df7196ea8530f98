package dev.providersettings.postgres.internal;

import dev.providersettings.exception.ConfigurationException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates SQL identifiers given in configuration (schema, organizations table and column) and quotes them. A name is
 * taken exactly as written, case included ({@code App} is the schema {@code "App"}, not {@code app}), and is always
 * used double-quoted: in jOOQ queries, in the Flyway placeholders of the migrations and in the change feed's schema
 * filter. Only letters, digits and {@code _} are accepted, so quoting never needs escaping and nothing can be injected.
 */
public final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Identifiers() {
    }

    /** Checks one identifier. */
    public static String check(String what, String value) {
        if (value != null && value.length() > 2 && value.startsWith("\"") && value.endsWith("\"")
                && IDENTIFIER.matcher(value.substring(1, value.length() - 1)).matches()) {
            throw new ConfigurationException(what + " " + value + " is written with double quotes: pass the name"
                    + " without them (" + value.substring(1, value.length() - 1) + "); names are always quoted by the"
                    + " library and used exactly as written, case included");
        }
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new ConfigurationException(what + " '" + value + "' is not a plain SQL identifier: use letters, digits"
                    + " and '_' starting with a letter or '_', at most 63 characters (e.g. 'organizations')");
        }
        return value;
    }

    /** The identifier double-quoted, so Postgres keeps its case ({@code App} → {@code "App"}). */
    public static String quote(String identifier) {
        return '"' + check("identifier", identifier) + '"';
    }

    /** Each part double-quoted and joined with dots ({@code [App, Orgs]} → {@code "App"."Orgs"}). */
    public static String quote(List<String> parts) {
        StringBuilder quoted = new StringBuilder();
        for (String part : parts) {
            if (quoted.length() > 0) {
                quoted.append('.');
            }
            quoted.append(quote(part));
        }
        return quoted.toString();
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
