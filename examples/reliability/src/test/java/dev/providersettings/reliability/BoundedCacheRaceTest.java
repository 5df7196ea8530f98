package dev.providersettings.reliability;

import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the isolation soak: with a bounded cache, concurrent misses evict while other threads load and invalidate.
 * The eviction used to sort slots by a load time read live from each slot inside the comparator, which changes during
 * the sort, so {@code TimSort} threw "Comparison method violates its general contract!" out of
 * {@link ProviderManager#get} — an untyped exception for a client that had just been loaded. Every get must succeed
 * and return the asked organization's client.
 */
@Order(5)
class BoundedCacheRaceTest {

    @Test
    void concurrentMissesOnABoundedCacheNeverFailAndNeverMixUpOrganizations() throws Exception {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        TestProviderFactory factory = new TestProviderFactory();
        try (ProviderManager manager = ProviderManager.builder()
                .store(store)
                .registry(ProviderRegistry.builder().register(factory).build())
                .cipher(TestKeys.cipher())
                .maximumSize(20)
                .build()) {
            List<OrganizationId> orgs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                OrganizationId org = OrganizationId.random();
                store.addOrganization(org);
                manager.settings().update("race", org, TestProviderFactory.CODE, TestProviderFactory.credentials(org, "v1"));
                orgs.add(org);
            }
            AtomicLong failures = new AtomicLong();
            AtomicLong mixups = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 6_000; i++) {
                        OrganizationId org = orgs.get(random.nextInt(orgs.size()));
                        try {
                            TestClient client = manager.get(org, TestProviderFactory.CODE, TestClient.class);
                            if (!client.organization().equals(org)) {
                                mixups.incrementAndGet();
                            }
                            if (i % 97 == 0) {
                                manager.invalidate(orgs.get(random.nextInt(orgs.size())), TestProviderFactory.CODE);
                            }
                        } catch (RuntimeException e) {
                            Evidence.exception(e);
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertThat(failures.get()).as("gets that threw").isZero();
            assertThat(mixups.get()).isZero();
            assertThat(manager.cachedCount()).isLessThanOrEqualTo(20 + 4);
        }
    }
}
