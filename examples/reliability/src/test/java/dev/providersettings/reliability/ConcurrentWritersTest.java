package dev.providersettings.reliability;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.SettingsView;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.providersettings.testing.TestProviderFactory.ACCESS_KEY;
import static dev.providersettings.testing.TestProviderFactory.TAGS;
import static dev.providersettings.testing.TestProviderFactory.TIMEOUT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers suite: concurrent writers through two provider managers on two pools (two Postgres stores on one database),
 * doing read-modify-write with check-and-set ({@code expectVersion}) on the same key, on different keys of one
 * organization, and on different organizations; racing first inserts; and blind writes. Counted: lost updates (final
 * value or version short of the acknowledged writes), duplicate rows (two rows for one organization, provider and
 * key), audit rows that disagree with the writes, torn batches (two keys written together that disagree), and the
 * conflicts reported to the losers.
 */
@Order(20)
class ConcurrentWritersTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final String TC = TestProviderFactory.CODE;
    private static final int WRITERS = 8;

    private static HikariDataSource poolA;
    private static HikariDataSource poolB;
    private static PostgresCredentialStore storeA;
    private static PostgresCredentialStore storeB;
    private static ProviderManager a;
    private static ProviderManager b;
    private static ExecutorService threads;

    private static final AtomicLong LOST = new AtomicLong();
    private static final AtomicLong DUPLICATES = new AtomicLong();
    private static final AtomicLong AUDIT_MISMATCHES = new AtomicLong();
    private static final AtomicLong TORN = new AtomicLong();
    private static final AtomicLong CONFLICTS_SAME_KEY = new AtomicLong();
    private static final AtomicLong CONFLICTS_DIFFERENT_KEYS = new AtomicLong();
    private static final AtomicLong CONFLICTS_INSERT_RACE = new AtomicLong();
    private static final AtomicLong WRITES_ACKNOWLEDGED = new AtomicLong();
    private static final AtomicLong INSERT_RACE_WINNERS = new AtomicLong();
    private static final AtomicLong INSERT_RACE_ROUNDS = new AtomicLong();

    @BeforeAll
    static void setUp() {
        var cipher = TestKeys.cipher();
        poolA = db.newPool(WRITERS);
        poolB = db.newPool(WRITERS);
        storeA = PostgresCredentialStore.builder().dataSource(poolA).schema(db.schema()).build();
        storeB = PostgresCredentialStore.builder().dataSource(poolB).schema(db.schema()).build();
        a = ProviderManager.builder().store(storeA).registry(ProviderRegistry.builder()
                .register(new TestProviderFactory()).build()).cipher(cipher).build();
        b = ProviderManager.builder().store(storeB).registry(ProviderRegistry.builder()
                .register(new TestProviderFactory()).build()).cipher(cipher).build();
        threads = Executors.newFixedThreadPool(WRITERS);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        a.close();
        b.close();
        storeA.close();
        storeB.close();
        Figures.of("writers")
                .put("writers", WRITERS)
                .put("managers", 2)
                .put("acknowledged_writes", WRITES_ACKNOWLEDGED.get())
                .put("lost_updates", LOST.get())
                .put("duplicate_rows", DUPLICATES.get())
                .put("audit_mismatches", AUDIT_MISMATCHES.get())
                .put("torn_batches", TORN.get())
                .put("conflicts_same_key", CONFLICTS_SAME_KEY.get())
                .put("conflicts_different_keys", CONFLICTS_DIFFERENT_KEYS.get())
                .put("insert_race_rounds", INSERT_RACE_ROUNDS.get())
                .put("insert_race_winners", INSERT_RACE_WINNERS.get())
                .put("insert_race_conflicts", CONFLICTS_INSERT_RACE.get())
                .print();
    }

    private static int increments() {
        return Scale.pick("writers.increments", 20, 200);
    }

    private static ProviderManager node(int writer) {
        return writer % 2 == 0 ? a : b;
    }

    /** One checked increment of a text counter (and its JSON shadow in the same batch), retried on conflict. */
    private static void increment(ProviderManager manager, OrganizationId org, String key, boolean shadow,
                                  AtomicLong conflicts) {
        while (true) {
            SettingsView view = manager.settings().view(org, TC);
            long version = view.version(key);
            long value = version == 0 ? 0 : Long.parseLong(String.valueOf(entry(view, key)));
            SettingsUpdate.Builder update = SettingsUpdate.builder();
            if (key.equals(TIMEOUT_SECONDS)) {
                update.set(key, value + 1);
            } else {
                update.set(key, Long.toString(value + 1));
            }
            if (shadow) {
                update.set(TAGS, "{\"n\":" + (value + 1) + "}");
            }
            try {
                manager.settings().update("writer", org, TC, update.expectVersion(key, version).build());
                WRITES_ACKNOWLEDGED.incrementAndGet();
                return;
            } catch (VersionConflictException e) {
                Evidence.exception(e);
                assertThat(e.key()).isEqualTo(key);
                assertThat(e.expectedVersion()).isEqualTo(version);
                assertThat(e.actualVersion()).isGreaterThan(version);
                conflicts.incrementAndGet();
            }
        }
    }

    private static Object entry(SettingsView view, String key) {
        return view.settings().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow().value();
    }

    private static void runAll(List<Callable<Void>> tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        List<Future<Void>> futures = new ArrayList<>();
        for (Callable<Void> task : tasks) {
            futures.add(threads.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return task.call();
            }));
        }
        for (Future<Void> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void checkAndSetOnTheSameKeyLosesNoUpdateAndKeepsBatchesWhole() throws Exception {
        OrganizationId org = db.createOrganization();
        int increments = increments();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            ProviderManager manager = node(w);
            tasks.add(() -> {
                for (int i = 0; i < increments; i++) {
                    increment(manager, org, ACCESS_KEY, true, CONFLICTS_SAME_KEY);
                }
                return null;
            });
        }
        runAll(tasks);
        long expected = (long) WRITERS * increments;
        SettingsView view = a.settings().view(org, TC);
        long value = Long.parseLong(String.valueOf(entry(view, ACCESS_KEY)));
        LOST.addAndGet(expected - value);
        LOST.addAndGet(expected - audited(org, ACCESS_KEY).size());
        if (!String.valueOf(entry(view, TAGS)).replace(" ", "").equals("{\"n\":" + value + "}")) {
            TORN.incrementAndGet();
        }
        checkRows(org, ACCESS_KEY, expected);
        assertThat(value).isEqualTo(expected);
        assertThat(view.version(ACCESS_KEY)).isEqualTo(last(audited(org, ACCESS_KEY)));
        assertThat(view.version(TAGS)).as("written in the same transaction").isEqualTo(view.version(ACCESS_KEY));
        assertThat(TORN.get()).isZero();
        assertThat(CONFLICTS_SAME_KEY.get()).as("8 writers on one key must collide").isPositive();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void checkAndSetOnDifferentKeysAndOrganizationsNeverConflicts() throws Exception {
        OrganizationId shared = db.createOrganization();
        List<OrganizationId> own = db.createOrganizations(WRITERS - 2);
        int increments = Math.min(increments(), 299); // TIMEOUT_SECONDS allows 1..300
        List<Callable<Void>> tasks = new ArrayList<>();
        // two writers on two different keys of one organization, through different nodes
        tasks.add(() -> {
            for (int i = 0; i < increments; i++) {
                increment(a, shared, ACCESS_KEY, false, CONFLICTS_DIFFERENT_KEYS);
            }
            return null;
        });
        tasks.add(() -> {
            for (int i = 0; i < increments; i++) {
                increment(b, shared, TIMEOUT_SECONDS, false, CONFLICTS_DIFFERENT_KEYS);
            }
            return null;
        });
        // the others each on their own organization, same key name
        for (int w = 0; w < own.size(); w++) {
            OrganizationId org = own.get(w);
            ProviderManager manager = node(w);
            tasks.add(() -> {
                for (int i = 0; i < increments; i++) {
                    increment(manager, org, ACCESS_KEY, false, CONFLICTS_DIFFERENT_KEYS);
                }
                return null;
            });
        }
        runAll(tasks);
        SettingsView sharedView = b.settings().view(shared, TC);
        assertThat(sharedView.version(ACCESS_KEY)).isEqualTo(last(audited(shared, ACCESS_KEY)));
        assertThat(entry(sharedView, TIMEOUT_SECONDS)).isEqualTo((long) increments);
        LOST.addAndGet(2L * increments - audited(shared, ACCESS_KEY).size() - audited(shared, TIMEOUT_SECONDS).size());
        checkRows(shared, ACCESS_KEY, increments);
        checkRows(shared, TIMEOUT_SECONDS, increments);
        for (OrganizationId org : own) {
            SettingsView view = a.settings().view(org, TC);
            LOST.addAndGet(increments - Long.parseLong(String.valueOf(entry(view, ACCESS_KEY))));
            checkRows(org, ACCESS_KEY, increments);
        }
        assertThat(CONFLICTS_DIFFERENT_KEYS.get()).isZero();
        assertThat(LOST.get()).isZero();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void racingFirstInsertsHaveExactlyOneWinner() throws Exception {
        int rounds = Scale.pick("writers.insert-rounds", 10, 100);
        for (int round = 0; round < rounds; round++) {
            OrganizationId org = db.createOrganization();
            AtomicLong winners = new AtomicLong();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                ProviderManager manager = node(w);
                String value = "writer-" + w;
                tasks.add(() -> {
                    try {
                        manager.settings().update("writer", org, TC, SettingsUpdate.builder()
                                .set(ACCESS_KEY, value).expectVersion(ACCESS_KEY, 0).build());
                        winners.incrementAndGet();
                        WRITES_ACKNOWLEDGED.incrementAndGet();
                    } catch (VersionConflictException e) {
                        Evidence.exception(e);
                        assertThat(e.expectedVersion()).isZero();
                        assertThat(e.actualVersion()).isPositive();
                        CONFLICTS_INSERT_RACE.incrementAndGet();
                    }
                    return null;
                });
            }
            runAll(tasks);
            INSERT_RACE_ROUNDS.incrementAndGet();
            INSERT_RACE_WINNERS.addAndGet(winners.get());
            assertThat(winners.get()).isEqualTo(1);
            checkRows(org, ACCESS_KEY, 1);
        }
        assertThat(INSERT_RACE_WINNERS.get()).isEqualTo(rounds);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void blindWritesOnOneKeyEachBumpTheVersionOnce() throws Exception {
        OrganizationId org = db.createOrganization();
        int writes = increments();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            ProviderManager manager = node(w);
            int writer = w;
            tasks.add(() -> {
                for (int i = 0; i < writes; i++) {
                    manager.settings().update("writer", org, TC,
                            SettingsUpdate.builder().set(ACCESS_KEY, "w" + writer + "-" + i).build());
                    WRITES_ACKNOWLEDGED.incrementAndGet();
                }
                return null;
            });
        }
        runAll(tasks);
        long expected = (long) WRITERS * writes;
        long version = a.settings().view(org, TC).version(ACCESS_KEY);
        List<Long> versions = audited(org, ACCESS_KEY);
        LOST.addAndGet(expected - versions.size());
        assertThat(versions).hasSize((int) expected);
        assertThat(version).isEqualTo(last(versions));
        checkRows(org, ACCESS_KEY, expected);
    }

    /** The versions the audit trail recorded for the key, in the order they were written. */
    private static List<Long> audited(OrganizationId org, String key) throws Exception {
        List<Long> versions = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT version FROM " + db.schema() + ".provider_settings_audit"
                     + " WHERE organization_id = ? AND provider = ? AND key = ? ORDER BY id")) {
            ps.setObject(1, org.value());
            ps.setString(2, TC);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getLong(1));
                }
            }
        }
        return versions;
    }

    private static long last(List<Long> versions) {
        return versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
    }

    /**
     * One row for the key, holding the last audited version; one audit row per acknowledged write, each with a version
     * greater than the one before (versions come from a store-wide counter: never repeated, not consecutive).
     */
    private static void checkRows(OrganizationId org, String key, long writes) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), max(version) FROM " + db.schema()
                    + ".provider_settings WHERE organization_id = ? AND provider = ? AND key = ?")) {
                ps.setObject(1, org.value());
                ps.setString(2, TC);
                ps.setString(3, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    DUPLICATES.addAndGet(rs.getLong(1) - 1);
                    assertThat(rs.getLong(1)).as("rows of %s", key).isEqualTo(1);
                    List<Long> versions = audited(org, key);
                    boolean increasing = true;
                    for (int i = 1; i < versions.size(); i++) {
                        increasing &= versions.get(i) > versions.get(i - 1);
                    }
                    boolean ok = versions.size() == writes && increasing && rs.getLong(2) == last(versions);
                    if (!ok) {
                        AUDIT_MISMATCHES.incrementAndGet();
                    }
                    assertThat(ok).as("audit rows of %s: %s rows, increasing: %s, stored version %s, last audited %s",
                            key, versions.size(), increasing, rs.getLong(2), last(versions)).isTrue();
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT 1 FROM "
                    + db.schema() + ".provider_settings GROUP BY organization_id, provider, key HAVING count(*) > 1) d")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }
}
