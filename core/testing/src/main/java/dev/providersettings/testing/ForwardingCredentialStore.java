package dev.providersettings.testing;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link CredentialStore} that forwards every call to another one: override the calls a test wants to count, slow
 * down, fail or break, and the rest behaves like the delegate. {@link #close()} closes the delegate.
 */
public class ForwardingCredentialStore implements CredentialStore {
    private final CredentialStore delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingCredentialStore(CredentialStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public StoredSettings load(OrganizationId organization, ProviderCode provider) {
        return delegate.load(organization, provider);
    }

    @Override
    public Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizations) {
        return delegate.loadMany(provider, organizations);
    }

    @Override
    public Map<String, Long> save(SettingsBatch batch) {
        return delegate.save(batch);
    }

    @Override
    public void saveAll(List<SettingsBatch> batches) {
        delegate.saveAll(batches);
    }

    @Override
    public int deleteAll(OrganizationId organization, ProviderCode provider, String actor) {
        return delegate.deleteAll(organization, provider, actor);
    }

    @Override
    public List<OrganizationId> listOrganizations() {
        return delegate.listOrganizations();
    }

    @Override
    public List<SecretRef> findSecretsNotEncryptedWith(String keyId, int limit) {
        return delegate.findSecretsNotEncryptedWith(keyId, limit);
    }

    @Override
    public Subscription subscribe(Consumer<ChangeEvent> listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
