package dev.providersettings.spi;

import dev.providersettings.CredentialStoreUnavailableException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.VersionConflictException;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Persistence of settings. Keeps typed values and ciphertext only, never plaintext secrets. Implementations are
 * thread-safe; failures to reach the backing store surface as {@link CredentialStoreUnavailableException}.
 */
public interface CredentialStore extends AutoCloseable {

    /** Everything stored for one (organization, provider), in one call (one statement for SQL stores). */
    StoredSettings load(OrganizationId organization, ProviderCode provider);

    /** {@link #load} for many organizations; stores override it to read in bulk. */
    default Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizations) {
        Map<OrganizationId, StoredSettings> result = new LinkedHashMap<>();
        for (OrganizationId organization : organizations) {
            result.put(organization, load(organization, provider));
        }
        return result;
    }

    /**
     * Applies one batch atomically with check-and-set on versions, writes its audit rows, and publishes a change
     * event after commit.
     *
     * @return the new version of each written key (0 for deleted keys)
     * @throws VersionConflictException if a version differs from the expected one; nothing is written
     * @throws dev.providersettings.MissingOrganizationException if the organization does not exist
     */
    Map<String, Long> save(SettingsBatch batch);

    /**
     * Applies many batches (many organizations, e.g. seeding) in one transaction: all or nothing. Stores override
     * it to avoid a round trip per row.
     */
    default void saveAll(List<SettingsBatch> batches) {
        for (SettingsBatch batch : batches) {
            save(batch);
        }
    }

    /** Deletes every setting of one (organization, provider), audited. @return how many were deleted */
    int deleteAll(OrganizationId organization, ProviderCode provider, String actor);

    /** Every organization known to the store (for seeding), in id order. */
    List<OrganizationId> listOrganizations();

    /** Up to {@code limit} stored secrets not encrypted under {@code keyId} (for rewrap after a key rotation). */
    List<SecretRef> findSecretsNotEncryptedWith(String keyId, int limit);

    /** Registers a listener of change events; events may arrive on any thread. */
    Subscription subscribe(Consumer<ChangeEvent> listener);

    /** Releases what the store created (never a pool handed to it). */
    @Override
    default void close() {
    }

    /** A registration of a change listener. */
    interface Subscription extends AutoCloseable {
        /** Stops delivering events to the listener. */
        @Override
        void close();
    }
}
