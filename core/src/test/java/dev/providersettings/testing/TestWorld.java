package dev.providersettings.testing;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.SettingsUpdate;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a core test needs, wired: an in-memory store, the {@link TestProviderFactory}, an AES-GCM cipher with a
 * random key, a fake nanosecond ticker and a {@link ProviderManager}. Credentials written by {@link #credentials}
 * are derived from the organization id, so a test can tell whose keys a client carries.
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
        manager.settings().update("test", organization, TestProviderFactory.CODE, credentials(organization, "v1"));
        return organization;
    }

    /** A complete update whose values are derived from the organization and a generation tag. */
    public static SettingsUpdate credentials(OrganizationId organization, String generation) {
        return SettingsUpdate.builder()
                .set(TestProviderFactory.PROJECT_ID, projectId(organization))
                .set(TestProviderFactory.ACCESS_KEY, accessKey(organization, generation))
                .setSecret(TestProviderFactory.SECRET_KEY, secretKey(organization, generation))
                .build();
    }

    /** The project id derived from the organization. */
    public static String projectId(OrganizationId organization) {
        return UUID.nameUUIDFromBytes(("project-" + organization).getBytes()).toString();
    }

    public static String accessKey(OrganizationId organization, String generation) {
        return "AK-" + organization.value().toString().substring(0, 8) + "-" + generation;
    }

    public static Secret secretKey(OrganizationId organization, String generation) {
        return Secret.of("sk-" + organization + "-" + generation + "-s3cr3t");
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
