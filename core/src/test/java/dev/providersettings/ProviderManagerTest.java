package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.ProviderCreationException;

import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.testing.TestProviderFactory.CODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderManagerTest {
    private TestWorld world = new TestWorld(Duration.ofMinutes(1), Duration.ofMinutes(5), 0);
    private final ExecutorService executor = Executors.newFixedThreadPool(16);

    @AfterEach
    void close() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        world.close();
    }

    @Test
    void aHitReturnsTheCachedClient() {
        OrganizationId organization = world.organizationWithCredentials();
        TestClient first = world.client(organization);
        long loads = world.store.loadCount();

        for (int i = 0; i < 100; i++) {
            assertThat(world.client(organization)).isSameAs(first);
        }
        assertThat(world.store.loadCount()).isEqualTo(loads);
        assertThat(world.factory.createCount()).isEqualTo(1);
        assertThat(world.manager.get(organization, CODE, Object.class)).isSameAs(first);
        assertThat(world.manager.cachedCount()).isEqualTo(1);
    }

    @Test
    void aHitAllocatesNothing() {
        assertHitsAllocateNothing();
    }

    @Test
    void aHitOfABoundedRefreshingCacheAllocatesNothingEither() {
        // Bounded and refreshing caches report sampled hits to Caffeine: that path must not allocate either.
        world.close();
        world = new TestWorld(Duration.ofMinutes(10), Duration.ofMinutes(5), 1_000, Duration.ofMinutes(5), true);
        assertHitsAllocateNothing();
    }

    private void assertHitsAllocateNothing() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "needs per-thread allocation counters (HotSpot)");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        List<OrganizationId> organizations = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            organizations.add(world.organizationWithCredentials());
            world.client(organizations.get(i));
        }
        OrganizationId[] ids = organizations.toArray(new OrganizationId[0]);
        long thread = Thread.currentThread().getId();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += world.manager.get(ids[i & 15], CODE, TestClient.class).hashCode();
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 200_000; i++) {
            sink += world.manager.get(ids[i & 15], CODE, TestClient.class).hashCode();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sink).isNotZero();
        // Even one small object per hit would be several megabytes here; the slack covers the counter itself.
        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void anOrganizationWithTwoProvidersHasOneClientPerProviderAndHitsEachByCode() {
        TestProviderFactory other = new TestProviderFactory("othercloud");
        try (ProviderManager manager = ProviderManager.builder().store(world.store)
                .registry(ProviderRegistry.builder().register(world.factory).register(other).build())
                .cipher(world.cipher).closeRegistryOnClose(false).closeDelay(Duration.ZERO).build()) {
            OrganizationId organization = world.organizationWithCredentials();
            manager.settings().update("test", organization, "othercloud", TestProviderFactory.credentials(organization, "o1"));
            TestClient test = manager.get(organization, CODE, TestClient.class);
            TestClient otherClient = manager.get(organization, "othercloud", TestClient.class);

            assertThat(otherClient).isNotSameAs(test);
            assertThat(otherClient.accessKey()).isEqualTo(TestProviderFactory.accessKey(organization, "o1"));
            // A code that is equal but not the same string instance hits as well.
            assertThat(manager.get(organization, new String(CODE.toCharArray()), TestClient.class)).isSameAs(test);
            assertThat(manager.get(organization, "othercloud", TestClient.class)).isSameAs(otherClient);
            assertThat(world.factory.createCount()).isEqualTo(1);
            assertThat(other.createCount()).isEqualTo(1);
            // A hit with a type the provider does not create is the same typed error as on a miss.
            assertThatThrownBy(() -> manager.get(organization, CODE, String.class))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("TestClient");

            manager.invalidate(organization, "othercloud");
            assertThat(otherClient.isClosed()).isTrue();
            assertThat(manager.get(organization, CODE, TestClient.class)).isSameAs(test);
            TestClient otherAgain = manager.get(organization, "othercloud", TestClient.class);
            assertThat(otherAgain).isNotSameAs(otherClient);
            assertThat(other.createCount()).isEqualTo(2);

            manager.invalidateOrganization(organization);
            assertThat(test.isClosed()).isTrue();
            assertThat(otherAgain.isClosed()).isTrue();
            assertThat(manager.cachedCount()).isZero();
            assertThat(manager.get(organization, CODE, TestClient.class)).isNotSameAs(test);
        }
    }

    @Test
    void isolationUnderConcurrency() throws Exception {
        List<OrganizationId> organizations = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            organizations.add(world.organizationWithCredentials());
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Future<Integer> writer = executor.submit(() -> {
            int writes = 0;
            while (running.get()) {
                OrganizationId organization = organizations.get(writes % organizations.size());
                world.manager.settings().update("writer", organization, CODE, TestProviderFactory.credentials(organization, "g" + writes));
                // Read-your-writes while readers keep loading the same entries concurrently.
                assertThat(world.client(organization).accessKey()).isEqualTo(TestProviderFactory.accessKey(organization, "g" + writes));
                writes++;
            }
            return writes;
        });
        List<Future<Integer>> readers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int offset = t;
            readers.add(executor.submit(() -> {
                int checked = 0;
                for (int round = 0; round < 25; round++) {
                    for (int i = 0; i < organizations.size(); i++) {
                        OrganizationId organization = organizations.get((i + offset * 25) % organizations.size());
                        TestClient client = world.client(organization);
                        assertThat(client.organization()).isEqualTo(organization);
                        assertThat(client.projectId()).isEqualTo(TestProviderFactory.projectId(organization));
                        assertThat(client.accessKey()).startsWith("AK-" + organization.value().toString().substring(0, 8));
                        assertThat(client.secretKey().reveal()).startsWith("sk-" + organization + "-");
                        checked++;
                    }
                }
                return checked;
            }));
        }
        int total = 0;
        for (Future<Integer> reader : readers) {
            total += reader.get(120, TimeUnit.SECONDS);
        }
        running.set(false);
        int writes = writer.get(60, TimeUnit.SECONDS);
        assertThat(total).isEqualTo(8 * 25 * 200);
        assertThat(writes).isPositive();
        // After the writes stop, every organization sees its latest generation.
        for (OrganizationId organization : organizations) {
            String latest = world.manager.settings().view(organization, CODE).settings().stream()
                    .filter(e -> e.key().equals(TestProviderFactory.ACCESS_KEY)).findFirst().orElseThrow().value().toString();
            assertThat(world.client(organization).accessKey()).isEqualTo(latest);
        }
    }

    @Test
    void concurrentMissesOnOneKeyLoadOnceWhileOtherKeysLoadInParallel() throws Exception {
        OrganizationId organization = world.organizationWithCredentials();
        OrganizationId other = world.organizationWithCredentials();
        CountDownLatch release = new CountDownLatch(1);
        world.factory.onCreate(settings -> {
            if (settings.organization().equals(organization)) {
                awaitQuietly(release);
            }
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TestClient>> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            results.add(executor.submit(() -> {
                start.await();
                return world.client(organization);
            }));
        }
        start.countDown();
        awaitCondition(() -> world.factory.createCount() == 1);
        // Another organization is not blocked by the load in flight.
        assertThat(executor.submit(() -> world.client(other)).get(30, TimeUnit.SECONDS).organization()).isEqualTo(other);
        release.countDown();
        TestClient first = results.get(0).get(30, TimeUnit.SECONDS);
        for (Future<TestClient> result : results) {
            assertThat(result.get(30, TimeUnit.SECONDS)).isSameAs(first);
        }
        assertThat(world.factory.clients()).filteredOn(c -> c.organization().equals(organization)).hasSize(1);
    }

    @Test
    void anInvalidationDuringALoadIsNotLostToTheStaleLoad() throws Exception {
        OrganizationId organization = world.organizationWithCredentials();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        world.factory.onCreate(settings -> {
            if (calls.incrementAndGet() == 1) {
                loading.countDown();
                awaitQuietly(release);
            }
        });
        Future<TestClient> inFlight = executor.submit(() -> world.client(organization));
        assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
        // The first load has read generation v1; now v2 is written (and invalidates) before it finishes.
        world.manager.settings().update("admin", organization, CODE, TestProviderFactory.credentials(organization, "v2"));
        release.countDown();

        inFlight.get(30, TimeUnit.SECONDS);
        TestClient cached = world.client(organization);
        assertThat(cached.secretKey()).isEqualTo(TestProviderFactory.secretKey(organization, "v2"));
        assertThat(world.client(organization)).isSameAs(cached);
        assertThat(world.factory.clients()).filteredOn(c -> c != cached).allMatch(TestClient::isClosed);
    }

    @Test
    void anEverythingEventDuringALoadIsNotLostEither() throws Exception {
        OrganizationId organization = world.organizationWithCredentials();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        world.factory.onCreate(settings -> {
            if (calls.incrementAndGet() == 1) {
                loading.countDown();
                awaitQuietly(release);
            }
        });
        Future<TestClient> inFlight = executor.submit(() -> world.client(organization));
        assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
        world.store.publish(ChangeEvent.everything());
        release.countDown();

        TestClient returned = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(world.factory.createCount()).as("the raced load was repeated").isEqualTo(2);
        assertThat(world.client(organization)).isSameAs(returned);
        assertThat(world.factory.clients().get(0).isClosed()).isTrue();
    }

    @Test
    void ttlExpiresEntries() {
        OrganizationId organization = world.organizationWithCredentials();
        TestClient first = world.client(organization);

        world.advance(Duration.ofSeconds(59));
        assertThat(world.client(organization)).isSameAs(first);
        world.advance(Duration.ofSeconds(2));
        TestClient second = world.client(organization);

        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
        assertThat(world.factory.createCount()).isEqualTo(2);
    }

    @Test
    void staleIfErrorServesTheExpiredClientForABoundedTime() {
        OrganizationId organization = world.organizationWithCredentials();
        TestClient first = world.client(organization);
        world.store.setUnavailable(true);

        world.advance(Duration.ofSeconds(61));
        long attempts = world.store.loadCount();
        assertThat(world.client(organization)).isSameAs(first);
        assertThat(world.client(organization)).isSameAs(first);
        assertThat(world.store.loadCount()).as("the failing store is retried at most once a second").isEqualTo(attempts + 1);
        world.advance(Duration.ofSeconds(2));
        assertThat(world.client(organization)).isSameAs(first);
        assertThat(world.store.loadCount()).isEqualTo(attempts + 2);
        world.advance(Duration.ofMinutes(4).plusSeconds(56));
        assertThat(world.client(organization)).isSameAs(first);
        world.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> world.client(organization)).isInstanceOf(CredentialStoreUnavailableException.class);

        world.store.setUnavailable(false);
        TestClient fresh = world.client(organization);
        assertThat(fresh).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
    }

    @Test
    void anInvalidatedEntryIsNeverServedStale() {
        OrganizationId organization = world.organizationWithCredentials();
        world.client(organization);
        world.store.setUnavailable(true);
        world.manager.invalidate(organization, CODE);
        assertThatThrownBy(() -> world.client(organization)).isInstanceOf(CredentialStoreUnavailableException.class);
    }

    @Test
    void staleIfErrorZeroDisablesIt() {
        world.close();
        world = new TestWorld(Duration.ofMinutes(1), Duration.ZERO, 0);
        OrganizationId organization = world.organizationWithCredentials();
        world.client(organization);
        world.store.setUnavailable(true);
        world.advance(Duration.ofSeconds(61));
        assertThatThrownBy(() -> world.client(organization)).isInstanceOf(CredentialStoreUnavailableException.class);
    }

    @Test
    void maximumSizeBoundsTheCacheAndClosesWhatItEvicts() {
        world.close();
        world = new TestWorld(Duration.ofMinutes(10), Duration.ofMinutes(5), 2);
        List<OrganizationId> organizations = List.of(world.organizationWithCredentials(),
                world.organizationWithCredentials(), world.organizationWithCredentials());
        List<TestClient> clients = new ArrayList<>();
        for (OrganizationId organization : organizations) {
            clients.add(world.client(organization));
        }
        world.manager.cleanUp();

        assertThat(world.manager.cachedCount()).isEqualTo(2);
        assertThat(clients).filteredOn(TestClient::isClosed).as("the evicted client is closed").hasSize(1);
        assertThat(world.manager.stats().evictionCount()).isEqualTo(1);
        for (int i = 0; i < clients.size(); i++) {
            if (!clients.get(i).isClosed()) {
                assertThat(world.client(organizations.get(i))).as("a kept client is a hit").isSameAs(clients.get(i));
            }
        }
    }

    @Test
    void changeEventsInvalidateOneProviderOneOrganizationOrEverything() {
        OrganizationId a = world.organizationWithCredentials();
        OrganizationId b = world.organizationWithCredentials();
        TestClient clientA = world.client(a);
        TestClient clientB = world.client(b);

        world.store.publish(new ChangeEvent(a, ProviderCode.of(CODE)));
        assertThat(clientA.isClosed()).isTrue();
        assertThat(world.client(b)).isSameAs(clientB);

        TestClient clientA2 = world.client(a);
        world.store.publish(new ChangeEvent(a, null));
        assertThat(clientA2.isClosed()).isTrue();

        world.client(a);
        world.store.publish(ChangeEvent.everything());
        assertThat(clientB.isClosed()).isTrue();
        // The dropped clients are reloaded in the background (batched); whatever is served is a new client.
        assertThat(world.client(b)).isNotSameAs(clientB);
        assertThat(world.client(b).isClosed()).isFalse();

        world.client(a);
        world.store.removeOrganization(a);
        assertThatThrownBy(() -> world.client(a)).isInstanceOf(MissingOrganizationException.class);
    }

    @Test
    void factoryFailuresAreTypedAndNotCached() {
        OrganizationId organization = world.organizationWithCredentials();
        world.factory.failWith(new IllegalStateException("boom " + TestProviderFactory.secretKey(organization, "v1").reveal()));

        assertThatThrownBy(() -> world.client(organization))
                .isInstanceOf(ProviderCreationException.class)
                .hasMessageContaining(organization.toString()).hasMessageContaining("IllegalStateException")
                .hasMessageNotContaining(TestProviderFactory.secretKey(organization, "v1").reveal());
        world.factory.failWith(null);
        assertThat(world.client(organization).organization()).isEqualTo(organization);
        assertThat(world.factory.createCount()).isEqualTo(2);
    }

    @Test
    void closeReleasesClientsSubscriptionAndFactories() {
        OrganizationId organization = world.organizationWithCredentials();
        TestClient client = world.client(organization);
        assertThat(world.store.subscriberCount()).isEqualTo(1);

        world.manager.close();
        world.manager.close();

        assertThat(client.isClosed()).isTrue();
        assertThat(world.factory.isClosed()).isTrue();
        assertThat(world.store.subscriberCount()).isZero();
        assertThatThrownBy(() -> world.client(organization))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("manager is closed");
        assertThatThrownBy(() -> world.manager.settings().view(organization, CODE))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("manager is closed");
    }

    @Test
    void builderNamesEveryProblem() {
        assertThatThrownBy(() -> ProviderManager.builder().cacheTtl(Duration.ZERO).staleIfError(Duration.ofSeconds(-1))
                .maximumSize(-1).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ProviderManager - store is not set")
                .hasMessageContaining("registry is not set").hasMessageContaining("cipher is not set")
                .hasMessageContaining("cacheTtl is PT0S").hasMessageContaining("staleIfError is PT-1S")
                .hasMessageContaining("maximumSize is -1");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 30 s");
            }
            Thread.sleep(5);
        }
    }
}
