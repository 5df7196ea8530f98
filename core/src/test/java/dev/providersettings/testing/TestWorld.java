package dev.providersettings.testing;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a core test needs, wired: an in-memory store, the {@link TestProviderFactory}, an AES-GCM cipher with a
 * random key, a fake nanosecond ticker and a {@link ProviderManager}. Credentials are
 * {@link TestProviderFactory#credentials}, derived from the organization id.
 */
public final class TestWorld implements AutoCloseable {
    public final InMemoryCredentialStore store = new InMemoryCredentialStore();
    public final TestProviderFactory factory = new TestProviderFactory();
    public final AesGcmSecretCipher cipher = TestKeys.cipher();
    public final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    public final ProviderManager manager;

    public TestWorld() {
        this(Duration.ofMinutes(10), Duration.ofMinutes(5), 0);
    }

    public TestWorld(Duration ttl, Duration staleIfError, long maximumSize) {
        this(ttl, staleIfError, maximumSize, Duration.ZERO, false);
    }

    public TestWorld(Duration ttl, Duration staleIfError, long maximumSize, Duration refreshAfter, boolean recordHits) {
        this.manager = ProviderManager.builder()
                .refreshAfter(refreshAfter)
                // Tests check that removed clients are closed, so close them at once.
                .closeDelay(Duration.ZERO)
                .recordHits(recordHits)
                .store(store)
                .registry(ProviderRegistry.builder().register(factory).build())
                .cipher(cipher)
                .cacheTtl(ttl)
                .staleIfError(staleIfError)
                .maximumSize(maximumSize)
                .ticker(nanos::get)
                .build();
    }

    /** Moves the fake clock forward and lets the manager expire entries at once. */
    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
        manager.cleanUp();
    }

    /** A new organization known to the store. */
    public OrganizationId organization() {
        OrganizationId organization = OrganizationId.random();
        store.addOrganization(organization);
        return organization;
    }

    /** A new organization with complete credentials. */
    public OrganizationId organizationWithCredentials() {
        OrganizationId organization = organization();
        manager.settings().update("test", organization, TestProviderFactory.CODE,
                TestProviderFactory.credentials(organization, "v1"));
        return organization;
    }

    /** The client of the test provider for an organization. */
    public TestClient client(OrganizationId organization) {
        return manager.get(organization, TestProviderFactory.CODE, TestClient.class);
    }

    @Override
    public void close() {
        manager.close();
    }
}
