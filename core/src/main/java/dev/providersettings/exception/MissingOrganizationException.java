package dev.providersettings.exception;

import dev.providersettings.OrganizationId;

/**
 * No organization was given (an instance or a user without one), or the given organization does not exist.
 * There is no fallback to another organization or to the environment.
 */
public class MissingOrganizationException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final OrganizationId organization;

    public MissingOrganizationException(String message) {
        super(message);
        this.organization = null;
    }

    public MissingOrganizationException(OrganizationId organization, String message) {
        super(message);
        this.organization = organization;
    }

    /** The organization that does not exist, or null when none was given. */
    public OrganizationId organization() {
        return organization;
    }
}
