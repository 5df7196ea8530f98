package dev.providersettings.exception;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

/**
 * A check-and-set write found a different version than expected: someone else changed the setting. Nothing of
 * the batch was written; read again and retry.
 */
public class VersionConflictException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final OrganizationId organization;
    private final ProviderCode provider;
    private final String key;
    private final long expectedVersion;
    private final long actualVersion;

    /**
     * @param actualVersion the stored version, 0 when the setting does not exist
     */
    public VersionConflictException(OrganizationId organization, ProviderCode provider, String key,
                                    long expectedVersion, long actualVersion) {
        super("version conflict on organization " + organization + ", provider " + provider + ", key " + key
                + ": expected version " + expectedVersion + " but found " + actualVersion
                + " (nothing was written); read the settings again and retry");
        this.organization = organization;
        this.provider = provider;
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public OrganizationId organization() {
        return organization;
    }

    public ProviderCode provider() {
        return provider;
    }

    public String key() {
        return key;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    public long actualVersion() {
        return actualVersion;
    }
}
