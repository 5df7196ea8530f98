package dev.providersettings.reliability;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresDataSources;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.testing.TestKeys;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults suite, database side: the database stopped and restarted under load, the change feed's listener connection
 * killed with {@code pg_terminate_backend}, and the pool exhausted. Figures per fault: requests served, typed errors
 * ({@link CredentialStoreUnavailableException}), untyped errors (must be 0), recovery time, and a check that nothing
 * was corrupted (stored values are acknowledged writes or writes whose outcome was reported unknown).
 */
@Order(30)
class DatabaseFaultsTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final String SCALEWAY = "scaleway";

    @TempDir
    Path dataDirectory;

    private static ScalewayProviderFactory scaleway() {
        return ScalewayProviderFactory.builder().baseUrl("http://127.0.0.1:9").allowInsecureEndpoint(true).retryPolicy(RetryPolicy.none()).build();
    }

    private static ProviderManager manager(PostgresCredentialStore store, Duration ttl, Duration staleIfError,
                                           dev.providersettings.spi.SecretCipher cipher) {
        return ProviderManager.builder().store(store).registry(ProviderRegistry.builder().register(scaleway()).build())
                .cipher(cipher).cacheTtl(ttl).staleIfError(staleIfError).build();
    }

    /** Per organization: the acknowledged generation and the writes whose outcome is unknown (they failed). */
    static final class Written {
        volatile Credentials acknowledged;
        final Set<String> uncertain = ConcurrentHashMap.newKeySet();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void databaseStoppedAndRestartedUnderLoad() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres postgres = start(port);
        String url = "jdbc:postgresql://localhost:" + port + "/postgres";
        var cipher = TestKeys.cipher();
        int downMillis = Scale.pick("faults.down-millis", 2000, 5000);
        int organizations = 40;
        HikariDataSource pool = PostgresDataSources.builder().jdbcUrl(url).user("postgres").password("postgres")
                .maximumPoolSize(6).connectionTimeout(Duration.ofMillis(400)).build();
        AtomicLong served = new AtomicLong();
        AtomicLong servedWhileDown = new AtomicLong();
        AtomicLong writesAcknowledged = new AtomicLong();
        AtomicLong typed = new AtomicLong();
        AtomicLong untyped = new AtomicLong();
        ConcurrentLinkedQueue<String> untypedSamples = new ConcurrentLinkedQueue<>();
        AtomicBoolean down = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        try (pool; PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(pool).migrate(true)
                .createOrganizationsTable(true).changeFeed(true)
                .changeFeedReconnect(Duration.ofMillis(100), Duration.ofMillis(500)).build();
             ProviderManager tolerant = manager(store, Duration.ofMillis(300), Duration.ofMinutes(1), cipher);
             ProviderManager strict = manager(store, Duration.ofMillis(300), Duration.ZERO, cipher)) {
            List<OrganizationId> orgs = new ArrayList<>();
            Map<OrganizationId, Written> written = new ConcurrentHashMap<>();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                for (int i = 0; i < organizations; i++) {
                    OrganizationId org = OrganizationId.random();
                    s.execute("INSERT INTO organizations (id) VALUES ('" + org.value() + "')");
                    orgs.add(org);
                }
            }
            for (OrganizationId org : orgs) {
                Written w = new Written();
                w.acknowledged = Credentials.random();
                tolerant.settings().update("faults", org, SCALEWAY, w.acknowledged.update());
                written.put(org, w);
                tolerant.get(org, SCALEWAY, ScalewayProvider.class);
                strict.get(org, SCALEWAY, ScalewayProvider.class);
            }

            ExecutorService threads = Executors.newFixedThreadPool(4);
            List<Future<?>> load = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                load.add(threads.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        OrganizationId org = orgs.get(random.nextInt(orgs.size()));
                        ProviderManager m = random.nextBoolean() ? tolerant : strict;
                        try {
                            ScalewayProvider client = m.get(org, SCALEWAY, ScalewayProvider.class);
                            assertThat(client.tenant()).isEqualTo(org);
                            served.incrementAndGet();
                            if (down.get()) {
                                servedWhileDown.incrementAndGet();
                            }
                        } catch (CredentialStoreUnavailableException e) {
                            Evidence.exception(e);
                            typed.incrementAndGet();
                        } catch (RuntimeException e) {
                            Evidence.exception(e);
                            untyped.incrementAndGet();
                            untypedSamples.add(e.toString());
                        }
                        Thread.sleep(1);
                    }
                    return null;
                }));
            }
            load.add(threads.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    OrganizationId org = orgs.get(random.nextInt(orgs.size()));
                    Written w = written.get(org);
                    Credentials next = Credentials.random();
                    try {
                        tolerant.settings().update("faults", org, SCALEWAY, next.update());
                        w.acknowledged = next;
                        w.uncertain.clear();
                        writesAcknowledged.incrementAndGet();
                        served.incrementAndGet();
                    } catch (CredentialStoreUnavailableException e) {
                        Evidence.exception(e);
                        // A failed save may still have committed (connection lost after COMMIT): outcome unknown.
                        w.uncertain.add(next.fingerprint());
                        typed.incrementAndGet();
                    } catch (RuntimeException e) {
                        Evidence.exception(e);
                        w.uncertain.add(next.fingerprint());
                        untyped.incrementAndGet();
                        untypedSamples.add(e.toString());
                    }
                    Thread.sleep(5);
                }
                return null;
            }));

            int restarts = Scale.pick("faults.restarts", 1, 3);
            long typedWhileDown = 0;
            long recoveryMillis = 0;
            long recoveryTotal = 0;
            long feedMillis = 0;
            long startMillis = 0;
            for (int cycle = 0; cycle < restarts; cycle++) {
                Thread.sleep(1000);
                long typedBefore = typed.get();
                down.set(true);
                postgres.close();
                Thread.sleep(downMillis);
                typedWhileDown += typed.get() - typedBefore;
                long restartAt = System.nanoTime();
                postgres = start(port);
                long startedAt = System.nanoTime();
                startMillis = Math.max(startMillis, TimeUnit.NANOSECONDS.toMillis(startedAt - restartAt));
                down.set(false);
                // the change feed has its own reconnect backoff: watch for it apart from the pool
                AtomicLong feedBackAt = new AtomicLong();
                PostgresCredentialStore watched = store;
                Thread feedWatcher = new Thread(() -> {
                    while (feedBackAt.get() == 0 && System.nanoTime() - startedAt < TimeUnit.SECONDS.toNanos(30)) {
                        if (watched.isChangeFeedListening()) {
                            feedBackAt.set(System.nanoTime());
                        }
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "feed-watcher");
                feedWatcher.start();
                // recovery: a write and a strict (no stale) resolution of an organization both succeed again
                long recoveredAt = awaitRecovery(tolerant, strict, orgs.get(cycle), written.get(orgs.get(cycle)));
                // measured from the moment Postgres accepts connections again (its own start-up is reported apart)
                long recovery = TimeUnit.NANOSECONDS.toMillis(recoveredAt - startedAt);
                recoveryMillis = Math.max(recoveryMillis, recovery);
                recoveryTotal += recovery;
                feedWatcher.join(TimeUnit.SECONDS.toMillis(35));
                assertThat(feedBackAt.get()).as("change feed listening again").isNotZero();
                feedMillis = Math.max(feedMillis, TimeUnit.NANOSECONDS.toMillis(feedBackAt.get() - startedAt));
            }
            Thread.sleep(1000);
            stop.set(true);
            for (Future<?> f : load) {
                f.get(1, TimeUnit.MINUTES);
            }
            threads.shutdown();

            // Nothing corrupted: every organization holds its acknowledged credentials, or one whose write failed
            // with an unknown outcome; versions match the audit trail; one row per key.
            int corrupted = 0;
            try (ProviderManager fresh = manager(store, Duration.ofMinutes(1), Duration.ZERO, cipher)) {
                for (OrganizationId org : orgs) {
                    Written w = written.get(org);
                    ScalewayProvider client = fresh.get(org, SCALEWAY, ScalewayProvider.class);
                    String fp = client.secretKeyFingerprint();
                    if (!client.tenant().equals(org)
                            || !(fp.equals(w.acknowledged.fingerprint()) || w.uncertain.contains(fp))) {
                        corrupted++;
                    }
                }
            }
            corrupted += auditMismatches(pool, "");
            assertThat(store.isChangeFeedListening()).isTrue();

            Figures.of("faults-db-restart")
                    .put("requests_served", served.get())
                    .put("restarts", restarts)
                    .put("served_while_down_stale", servedWhileDown.get())
                    .put("writes_acknowledged", writesAcknowledged.get())
                    .put("typed_errors", typed.get())
                    .put("typed_errors_while_down", typedWhileDown)
                    .put("untyped_errors", untyped.get())
                    .put("down_ms", downMillis)
                    .put("postgres_start_max_ms", startMillis)
                    .put("recovery_max_ms", recoveryMillis)
                    .put("recovery_mean_ms", recoveryTotal / restarts)
                    .put("change_feed_back_max_ms", feedMillis)
                    .put("corrupted", corrupted)
                    .print();
            assertThat(untypedSamples).isEmpty();
            assertThat(untyped.get()).isZero();
            assertThat(typedWhileDown).isPositive();
            assertThat(servedWhileDown.get()).as("the tolerant manager serves stale clients during the outage").isPositive();
            assertThat(corrupted).isZero();
        } finally {
            postgres.close();
        }
    }

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port).start();
    }

    private static long awaitRecovery(ProviderManager tolerant, ProviderManager strict, OrganizationId org, Written w)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Credentials next = Credentials.random();
            try {
                tolerant.settings().update("faults-recovery", org, SCALEWAY, next.update());
                w.acknowledged = next;
                w.uncertain.clear();
                strict.invalidate(org, SCALEWAY);
                assertThat(strict.get(org, SCALEWAY, ScalewayProvider.class).secretKeyFingerprint())
                        .isEqualTo(next.fingerprint());
                return System.nanoTime();
            } catch (CredentialStoreUnavailableException e) {
                Evidence.exception(e);
                w.uncertain.add(next.fingerprint());
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Rows whose version is not the version of their key's last audit row (each acknowledged write is audited in its
     * own transaction), plus duplicate keys.
     */
    private static int auditMismatches(javax.sql.DataSource pool, String schemaPrefix) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schemaPrefix + "provider_settings p WHERE p.version"
                     + " IS DISTINCT FROM (SELECT a.version FROM " + schemaPrefix + "provider_settings_audit a"
                     + " WHERE a.organization_id = p.organization_id AND a.provider = p.provider AND a.key = p.key"
                     + " ORDER BY a.id DESC LIMIT 1)")) {
            rs.next();
            int mismatches = rs.getInt(1);
            try (ResultSet d = s.executeQuery("SELECT count(*) FROM (SELECT 1 FROM " + schemaPrefix + "provider_settings"
                    + " GROUP BY organization_id, provider, key HAVING count(*) > 1) d")) {
                d.next();
                return mismatches + d.getInt(1);
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void listenerConnectionKilled() throws Exception {
        int kills = Scale.pick("faults.listener-kills", 5, 40);
        var cipher = TestKeys.cipher();
        HikariDataSource poolA = db.newPool(4);
        HikariDataSource poolB = db.newPool(4);
        OrganizationId org = db.createOrganization();
        AtomicLong served = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long maxRecovery = 0;
        long totalRecovery = 0;
        int unconverged = 0;
        try (PostgresCredentialStore storeA = PostgresCredentialStore.builder().dataSource(poolA).schema(db.schema())
                .changeFeed(true).build()) {
            Set<Integer> before = feedBackends();
            try (PostgresCredentialStore storeB = PostgresCredentialStore.builder().dataSource(poolB).schema(db.schema())
                    .changeFeed(true).changeFeedReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).build();
                 ProviderManager a = manager(storeA, Duration.ofMinutes(10), Duration.ZERO, cipher);
                 ProviderManager b = manager(storeB, Duration.ofMinutes(10), Duration.ZERO, cipher)) {
                Credentials current = Credentials.random();
                a.settings().update("faults", org, SCALEWAY, current.update());
                ExecutorService reader = Executors.newSingleThreadExecutor();
                Future<?> reading = reader.submit(() -> {
                    while (!stop.get()) {
                        try {
                            assertThat(b.get(org, SCALEWAY, ScalewayProvider.class).tenant()).isEqualTo(org);
                            served.incrementAndGet();
                        } catch (RuntimeException e) {
                            Evidence.exception(e);
                            errors.incrementAndGet();
                        }
                        Thread.sleep(1);
                    }
                    return null;
                });
                for (int k = 0; k < kills; k++) {
                    assertThat(b.get(org, SCALEWAY, ScalewayProvider.class).secretKeyFingerprint())
                            .isEqualTo(current.fingerprint());
                    Set<Integer> feeds = feedBackends();
                    feeds.removeAll(before);
                    assertThat(feeds).as("node B's listener connection").hasSize(1);
                    long killedAt = System.nanoTime();
                    terminate(feeds.iterator().next());
                    // a change on node A while node B's listener is gone (or reconnecting)
                    current = Credentials.random();
                    a.settings().update("faults", org, SCALEWAY, current.update());
                    long deadline = killedAt + TimeUnit.SECONDS.toNanos(20);
                    while (!(storeB.isChangeFeedListening() && b.get(org, SCALEWAY, ScalewayProvider.class)
                            .secretKeyFingerprint().equals(current.fingerprint()))) {
                        if (System.nanoTime() > deadline) {
                            unconverged++;
                            break;
                        }
                        Thread.sleep(2);
                    }
                    long recovery = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                    maxRecovery = Math.max(maxRecovery, recovery);
                    totalRecovery += recovery;
                    // wait until B's new listener is registered before the next kill
                    long listenDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (feedBackends().stream().filter(p -> !before.contains(p)).count() != 1
                            && System.nanoTime() < listenDeadline) {
                        Thread.sleep(10);
                    }
                }
                stop.set(true);
                reading.get(1, TimeUnit.MINUTES);
                reader.shutdown();
            }
        }
        Figures.of("faults-listener-killed")
                .put("kills", kills)
                .put("requests_served", served.get())
                .put("errors", errors.get())
                .put("unconverged", unconverged)
                .put("recovery_mean_ms", kills == 0 ? 0 : totalRecovery / kills)
                .put("recovery_max_ms", maxRecovery)
                .print();
        assertThat(unconverged).isZero();
        assertThat(errors.get()).isZero();
    }

    /** Backend pids of change-feed listeners on the test database. */
    private static Set<Integer> feedBackends() throws Exception {
        Set<Integer> pids = new HashSet<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = "
                     + "'provider-settings-change-feed'")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    private static void terminate(int pid) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void poolExhaustedThenReleased() throws Exception {
        int rounds = Scale.pick("faults.exhaustion-rounds", 3, 20);
        var cipher = TestKeys.cipher();
        List<OrganizationId> orgs = db.createOrganizations(rounds + 1);
        long typed = 0;
        long untyped = 0;
        long servedFromCache = 0;
        long maxFailMillis = 0;
        long maxRecoveryMicros = 0;
        int corrupted = 0;
        List<String> untypedSamples = new ArrayList<>();
        long[] maxByCall = new long[4];
        try (HikariDataSource small = PostgresDataSources.builder().jdbcUrl(db.jdbcUrl()).user(db.user())
                .password(db.password()).maximumPoolSize(2).minimumIdle(0).connectionTimeout(Duration.ofMillis(250))
                .poolName("reliability-small").build();
             PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(small).schema(db.schema()).build();
             ProviderManager manager = manager(store, Duration.ofMinutes(10), Duration.ZERO, cipher)) {
            OrganizationId cached = orgs.get(0);
            Credentials cachedCredentials = Credentials.random();
            manager.settings().update("faults", cached, SCALEWAY, cachedCredentials.update());
            manager.get(cached, SCALEWAY, ScalewayProvider.class);
            for (int round = 1; round <= rounds; round++) {
                OrganizationId org = orgs.get(round);
                Credentials stored = Credentials.random();
                manager.settings().update("faults", org, SCALEWAY, stored.update());
                long storedVersion = manager.settings().view(org, SCALEWAY).version(ScalewaySettings.SECRET_KEY);
                manager.invalidate(org, SCALEWAY);
                List<Connection> held = new ArrayList<>();
                try {
                    held.add(small.getConnection());
                    held.add(small.getConnection());
                    List<Runnable> calls = List.of(
                            () -> manager.get(org, SCALEWAY, ScalewayProvider.class),
                            () -> manager.settings().update("faults", org, SCALEWAY, Credentials.random().update()),
                            () -> manager.settings().view(org, SCALEWAY),
                            () -> store.load(org, dev.providersettings.ProviderCode.of(SCALEWAY)));
                    for (Runnable call : calls) {
                        long t0 = System.nanoTime();
                        try {
                            call.run();
                            untyped++;
                            untypedSamples.add("call " + calls.indexOf(call) + " succeeded on an exhausted pool");
                        } catch (CredentialStoreUnavailableException e) {
                            Evidence.exception(e);
                            assertThat(e.isRetryable()).isTrue();
                            assertThat(e.getMessage()).contains("unavailable");
                            typed++;
                        } catch (RuntimeException e) {
                            Evidence.exception(e);
                            untyped++;
                            untypedSamples.add("call " + calls.indexOf(call) + " threw " + e + " at "
                                    + java.util.Arrays.toString(java.util.Arrays.copyOf(e.getStackTrace(), 8)));
                        }
                        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        maxFailMillis = Math.max(maxFailMillis, took);
                        int index = calls.indexOf(call);
                        maxByCall[index] = Math.max(maxByCall[index], took);
                    }
                    // a cached client is served without a connection
                    assertThat(manager.get(cached, SCALEWAY, ScalewayProvider.class).secretKeyFingerprint())
                            .isEqualTo(cachedCredentials.fingerprint());
                    servedFromCache++;
                } finally {
                    for (Connection c : held) {
                        c.close();
                    }
                }
                long released = System.nanoTime();
                ScalewayProvider client = manager.get(org, SCALEWAY, ScalewayProvider.class);
                maxRecoveryMicros = Math.max(maxRecoveryMicros, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - released));
                // the update attempted while exhausted wrote nothing
                if (!client.secretKeyFingerprint().equals(stored.fingerprint())
                        || manager.settings().view(org, SCALEWAY).version(ScalewaySettings.SECRET_KEY) != storedVersion) {
                    corrupted++;
                }
            }
            corrupted += auditMismatches(db.dataSource(), db.schema() + ".");
        }
        Figures.of("faults-pool-exhausted")
                .put("rounds", rounds)
                .put("typed_errors", typed)
                .put("untyped_errors", untyped)
                .put("served_from_cache", servedFromCache)
                .put("max_failure_ms", maxFailMillis)
                .put("max_failure_ms_get_update_view_load", maxByCall[0] + "/" + maxByCall[1] + "/" + maxByCall[2] + "/" + maxByCall[3])
                .put("recovery_max_us", maxRecoveryMicros)
                .put("corrupted", corrupted)
                .print();
        assertThat(untypedSamples).isEmpty();
        assertThat(untyped).isZero();
        assertThat(typed).isEqualTo(4L * rounds);
        assertThat(corrupted).isZero();
    }
}
