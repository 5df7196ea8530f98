package dev.providersettings.examples.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Row claims on a real Postgres: concurrent claimers never share a row; leases expire; late writers are refused. */
class ClaimTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();

    private static HikariDataSource poolA;
    private static HikariDataSource poolB;
    private static InstanceRepository nodeA;
    private static InstanceRepository nodeB;
    private static OrganizationId organization;

    @BeforeAll
    static void schema() {
        poolA = pool();
        poolB = pool();
        OrchestratorNode.migrate(poolA);
        nodeA = new InstanceRepository(poolA);
        nodeB = new InstanceRepository(poolB);
        organization = new HostDatabase(poolA).createOrganization("claims");
    }

    @AfterAll
    static void close() {
        poolB.close();
        poolA.close();
    }

    private static HikariDataSource pool() {
        // One pool per "node", on the harness's schema.
        OrchestratorConfig config = TestSetup.config(DB, "claims").build();
        com.zaxxer.hikari.HikariConfig hikari = new com.zaxxer.hikari.HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl().orElseThrow());
        hikari.setUsername(DB.user());
        hikari.setPassword(DB.password());
        hikari.setMaximumPoolSize(8);
        return new HikariDataSource(hikari);
    }

    @Test
    void concurrentClaimersNeverGetTheSameRow() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(nodeA.insertLegacy(organization, "box-" + i, "fr-par-1", "DEV1-S", 20));
        }
        Set<UUID> mine = new HashSet<>(ids);
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger empty = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            InstanceRepository repository = t % 2 == 0 ? nodeA : nodeB;
            String node = "claimer-" + t;
            futures.add(threads.submit(() -> {
                start.await();
                while (empty.get() < 8) {
                    List<Instance> batch = repository.claim(Instance.Status.PROVISIONING, null, null, node,
                            Duration.ofMinutes(5), 3);
                    batch.stream().map(Instance::id).filter(mine::contains).forEach(claimed::add);
                    if (batch.isEmpty()) {
                        empty.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(claimed).hasSize(ids.size()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheFormerHolderCannotWriteAnymore() throws Exception {
        UUID id = nodeA.insertLegacy(organization, "lease-box", "fr-par-2", "GPU-3070-S", 40);
        List<Instance> first = nodeA.claim(Instance.Status.PROVISIONING, null, null, "node-a", Duration.ofMillis(300), 100);
        assertThat(first).extracting(Instance::id).contains(id);
        // Held: node B gets nothing of it.
        assertThat(nodeB.claim(Instance.Status.PROVISIONING, null, null, "node-b", Duration.ofMinutes(5), 100))
                .extracting(Instance::id).doesNotContain(id);

        Thread.sleep(500); // node A "paused" beyond its lease
        List<Instance> taken = nodeB.claim(Instance.Status.PROVISIONING, null, null, "node-b", Duration.ofMinutes(5), 100);

        assertThat(taken).extracting(Instance::id).contains(id);
        assertThat(nodeA.markReady(id, "node-a", "vol", 40, "running", "1.2.3.4")).isFalse();
        assertThat(nodeA.find(id).orElseThrow().status()).isEqualTo(Instance.Status.PROVISIONING);
        assertThat(nodeB.markFailed(id, "node-b", "test", "taken over")).isTrue();
        Instance row = nodeA.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(Instance.Status.FAILED);
        assertThat(row.claimedBy()).isNull();
        assertThat(row.attempts()).isEqualTo(2);
    }

    @Test
    void aFailingJobPassDoesNotStopTheLoop() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        Job flaky = new Job() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public int runOnce() {
                if (passes.incrementAndGet() % 2 == 1) {
                    throw new IllegalStateException("database hiccup");
                }
                return 1;
            }
        };
        try (JobRunner runner = new JobRunner(List.of(flaky), Duration.ofMillis(10), "loop-test")) {
            runner.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (passes.get() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(passes.get()).isGreaterThanOrEqualTo(6);
    }
}
