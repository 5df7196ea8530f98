package dev.providersettings.spi;

import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.VersionConflictException;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Persistence of settings. Keeps typed values and ciphertext only, never plaintext secrets. Implementations are
 * thread-safe; failures to reach the backing store surface as {@link CredentialStoreUnavailableException}.
 *
 * <h2>Versions</h2>
 * Every stored setting carries a version, the basis of check-and-set ({@link SettingWrite#expectedVersion()}).
 * Implementations draw versions from one store-wide counter that only increases:
 * <ul>
 *   <li>a version is never used twice for an (organization, provider, key), not even after the key, all of the
 *       provider's settings ({@link #deleteAll}) or the organization itself were deleted and the key written again:
 *       a write expecting a version read before such a delete and re-create fails with
 *       {@link VersionConflictException} instead of overwriting the new value;</li>
 *   <li>a write gives the key a version greater than the one it replaces, and a write that starts after the key's
 *       delete committed gives it a version greater than any it had;</li>
 *   <li>versions are positive ({@link SettingWrite#ABSENT} = 0 means "does not exist") but not consecutive: callers
 *       compare them for equality and order, never count writes with them. The keys written by one call may share a
 *       version.</li>
 * </ul>
 *
 * <h2>Arguments</h2>
 * A null argument (organization, provider, batch, batch list, listener) is a programming error: a
 * {@link NullPointerException}. Malformed input fails with the library's typed exceptions before anything is written:
 * a malformed key with {@link dev.providersettings.exception.InvalidIdentifierException}, a key written twice in one
 * batch or a null text/JSON value with {@link dev.providersettings.exception.InvalidSettingException}.
 *
 * <p>{@code dev.providersettings.testing.CredentialStoreContract} (artifact {@code provider-settings-core-testing})
 * checks all of this for an implementation.
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
     * @throws dev.providersettings.exception.MissingOrganizationException if the organization does not exist
     */
    Map<String, Long> save(SettingsBatch batch);

    /**
     * Applies many batches (many organizations, e.g. seeding) atomically: all or nothing, with the same checks as
     * {@link #save} for each batch; one change event per written (organization, provider) after commit. There is no
     * default: a loop over {@link #save} would leave the batches before a failing one written.
     *
     * @throws VersionConflictException if a version differs from the expected one; nothing is written
     * @throws dev.providersettings.exception.MissingOrganizationException if an organization does not exist; nothing is written
     */
    void saveAll(List<SettingsBatch> batches);

    /** Deletes every setting of one (organization, provider), audited. @return how many were deleted */
    int deleteAll(OrganizationId organization, ProviderCode provider, String actor);

    /** Every organization known to the store (for seeding), in id order. */
    List<OrganizationId> listOrganizations();

    /**
     * Up to {@code limit} stored secrets not encrypted under {@code keyId} (for rewrap after a key rotation).
     *
     * @throws dev.providersettings.exception.InvalidSettingException if {@code keyId} is null or blank or
     *                                                                {@code limit} is less than 1
     */
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
