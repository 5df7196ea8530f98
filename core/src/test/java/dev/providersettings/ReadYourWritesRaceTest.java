package dev.providersettings;

import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write racing the first load of a key that is not cached: the load's publication and the write's invalidation
 * meet on an absent key. Whatever the interleaving, the writer's next get returns what it wrote.
 */
class ReadYourWritesRaceTest {
    private final TestWorld world = new TestWorld();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        world.close();
    }

    @Test
    void aWriteRacingTheFirstLoadOfAnUncachedKeyIsReadBackByTheWriter() throws Exception {
        List<OrganizationId> organizations = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            organizations.add(world.organizationWithCredentials());
        }
        int rounds = 20_000;
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<?> reader = executor.submit(() -> {
            for (int round = 0; round < rounds; round++) {
                OrganizationId organization = organizations.get(round % organizations.size());
                barrier.await(10, TimeUnit.SECONDS);
                TestClient client = world.client(organization);
                assertThat(client.organization()).isEqualTo(organization);
                barrier.await(10, TimeUnit.SECONDS);
            }
            return null;
        });
        Future<Integer> writer = executor.submit(() -> {
            int stale = 0;
            for (int round = 0; round < rounds; round++) {
                OrganizationId organization = organizations.get(round % organizations.size());
                String generation = "r" + round;
                barrier.await(10, TimeUnit.SECONDS);
                world.manager.settings().update("writer", organization, TestProviderFactory.CODE,
                        TestProviderFactory.credentials(organization, generation));
                if (!world.client(organization).accessKey().equals(TestProviderFactory.accessKey(organization, generation))) {
                    stale++;
                }
                barrier.await(10, TimeUnit.SECONDS);
                // Not cached again for the next round of this key.
                world.manager.invalidate(organization, TestProviderFactory.CODE);
            }
            return stale;
        });
        reader.get(300, TimeUnit.SECONDS);
        assertThat(writer.get(300, TimeUnit.SECONDS)).as("gets after a write that returned an older client").isZero();
    }
}
