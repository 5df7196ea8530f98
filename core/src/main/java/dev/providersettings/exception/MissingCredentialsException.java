package dev.providersettings.exception;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SettingsService;

import java.util.List;

/** The organization has no settings for the provider, or lacks required ones. Names the missing keys. */
public class MissingCredentialsException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final OrganizationId organization;
    private final ProviderCode provider;
    private final List<String> missingKeys;

    public MissingCredentialsException(OrganizationId organization, ProviderCode provider, List<String> missingKeys,
                                       boolean nothingStored) {
        super("organization " + organization + " has " + (nothingStored ? "no settings" : "incomplete settings")
                + " for provider " + provider + ": missing required " + missingKeys
                + "; store them with SettingsService.update(...) or seed them, there is no fallback to other credentials");
        this.organization = organization;
        this.provider = provider;
        this.missingKeys = List.copyOf(missingKeys);
    }

    public OrganizationId organization() {
        return organization;
    }

    public ProviderCode provider() {
        return provider;
    }

    /** The required keys that are not stored. */
    public List<String> missingKeys() {
        return missingKeys;
    }
}
