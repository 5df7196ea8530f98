package dev.providersettings;

import dev.providersettings.exception.InvalidIdentifierException;

import java.util.Objects;
import java.util.UUID;

/**
 * The id of one tenant organization of the host service (a UUID, as in the host's {@code organizations} table).
 *
 * @param value the UUID, never null
 */
public record OrganizationId(UUID value) implements Comparable<OrganizationId> {

    public OrganizationId {
        if (value == null) {
            throw new InvalidIdentifierException("organization id is null: pass the UUID of an existing organization");
        }
    }

    /** Wraps a UUID. */
    public static OrganizationId of(UUID value) {
        return new OrganizationId(value);
    }

    /**
     * Parses the canonical text form of a UUID ({@code 8-4-4-4-12} hex digits).
     *
     * @throws InvalidIdentifierException if the text is null, blank or not a UUID
     */
    public static OrganizationId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidIdentifierException(
                    "organization id is " + (text == null ? "null" : "blank")
                            + ": pass the UUID of an existing organization, e.g. 1f0e7f4c-2f4b-4a5e-9a57-7a0c2d1f8b11");
        }
        String trimmed = text.strip();
        if (trimmed.length() != 36 || !trimmed.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new InvalidIdentifierException("organization id '" + abbreviate(trimmed)
                    + "' is not a UUID: expected 36 characters like 1f0e7f4c-2f4b-4a5e-9a57-7a0c2d1f8b11");
        }
        return new OrganizationId(UUID.fromString(trimmed));
    }

    /** A new random id (for tests and for hosts that create organizations). */
    public static OrganizationId random() {
        return new OrganizationId(UUID.randomUUID());
    }

    @Override
    public int compareTo(OrganizationId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value.toString();
    }

    static String abbreviate(String text) {
        Objects.requireNonNull(text);
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
