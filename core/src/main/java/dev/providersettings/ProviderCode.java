package dev.providersettings;

import dev.providersettings.exception.InvalidIdentifierException;

import java.util.regex.Pattern;

/**
 * The short code that names a provider, such as {@code scaleway}: lower-case letters, digits, {@code -} and
 * {@code _}, starting with a letter, 2 to 32 characters.
 *
 * @param value the code
 */
public record ProviderCode(String value) implements Comparable<ProviderCode> {
    private static final Pattern FORMAT = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

    public ProviderCode {
        if (value == null || value.isBlank()) {
            throw new InvalidIdentifierException("provider code is " + (value == null ? "null" : "blank")
                    + ": pass a registered provider code such as 'scaleway'");
        }
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidIdentifierException("provider code '" + OrganizationId.abbreviate(value)
                    + "' is malformed: use 2-32 lower-case letters, digits, '-' or '_', starting with a letter (e.g. 'scaleway')");
        }
    }

    /** Validates and wraps a code. */
    public static ProviderCode of(String value) {
        return new ProviderCode(value);
    }

    @Override
    public int compareTo(ProviderCode other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
