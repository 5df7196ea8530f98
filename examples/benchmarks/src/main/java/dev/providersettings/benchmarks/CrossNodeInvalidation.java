package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewaySettings;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark 4, cross-node invalidation (a measured harness, not JMH: each sample is one write and one wait).
 * Node A and node B each have their own pool, store (with its change feed on its own connection) and manager.
 * A writes a new project id through {@code settings().update}; the harness polls B every ~50 µs until B serves a
 * client with the new value. Baseline in the same run: a raw {@code pg_notify} on one connection, received by a
 * thread blocked in {@code getNotifications} on another {@code LISTEN}ing connection (as the change feed does).
 */
public final class CrossNodeInvalidation {
    static final String SCHEMA = "bench_xnode";
    private static final int ORGANIZATIONS = 16;
    private static final int WARMUP = 50;
    private static final long POLL_NANOS = 20_000;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The printed figures. */
    record Result(int writes, List<String> lines) {
    }

    private CrossNodeInvalidation() {
    }

    /** {@code java -cp benchmarks.jar dev.providersettings.benchmarks.CrossNodeInvalidation [writes]}. */
    public static void main(String[] args) throws Exception {
        Result result = run(args.length > 0 ? Integer.parseInt(args[0]) : 300);
        result.lines().forEach(System.out::println);
        System.exit(0);
    }

    static Result run(int writes) throws Exception {
        System.out.println("# running cross-node invalidation, " + writes + " writes (+" + WARMUP + " warm-up)");
        BenchEnvironment env = BenchEnvironment.get();
        OrganizationId[] orgs = BenchEnvironment.organizations(ORGANIZATIONS);
        try (HikariDataSource poolA = env.pool("bench-node-a", 4);
             HikariDataSource poolB = env.pool("bench-node-b", 4)) {
            prepare(poolA, orgs);
            long[] fromWrite = new long[writes];
            long[] fromCommit = new long[writes];
            try (PostgresCredentialStore storeA = env.storeWithChangeFeed(poolA, SCHEMA);
                 PostgresCredentialStore storeB = env.storeWithChangeFeed(poolB, SCHEMA);
                 ProviderManager a = BenchEnvironment.manager(storeA);
                 ProviderManager b = BenchEnvironment.manager(storeB)) {
                Map<OrganizationId, Integer> indexes = new HashMap<>();
                for (int i = 0; i < orgs.length; i++) {
                    indexes.put(orgs[i], i);
                }
                a.seeder().seed("benchmark", "scaleway", BenchEnvironment.source(indexes), Arrays.asList(orgs));
                for (OrganizationId org : orgs) {
                    b.get(org, "scaleway", ScalewayProvider.class);
                }
                for (int w = -WARMUP; w < writes; w++) {
                    OrganizationId org = orgs[Math.floorMod(w, orgs.length)];
                    UUID project = UUID.randomUUID();
                    SettingsUpdate update = SettingsUpdate.builder().set(ScalewaySettings.PROJECT_ID, project.toString()).build();
                    long start = System.nanoTime();
                    a.settings().update("benchmark", org, "scaleway", update);
                    long committed = System.nanoTime();
                    while (!b.get(org, "scaleway", ScalewayProvider.class).projectId().equals(project)) {
                        if (System.nanoTime() - start > TIMEOUT_NANOS) {
                            throw new IllegalStateException("node B did not see write " + w + " within 5 s");
                        }
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                    long served = System.nanoTime();
                    if (w >= 0) {
                        fromWrite[w] = served - start;
                        fromCommit[w] = served - committed;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
            }
            long[] raw = rawNotify(env, writes);
            List<String> lines = new ArrayList<>();
            lines.add(row("library: write start on A -> B serves new value", fromWrite));
            lines.add(row("library: A's update returned -> B serves new value", fromCommit));
            lines.add(row("baseline: raw pg_notify -> LISTENing connection got it", raw));
            double p99 = percentile(fromWrite, 0.99) / 1e6;
            lines.add(String.format(Locale.ROOT, "ratios library/baseline: p50 %.1fx, p99 %.1fx; target p99 < 10 ms: %s (%.2f ms)",
                    percentile(fromWrite, 0.50) / (double) percentile(raw, 0.50),
                    percentile(fromWrite, 0.99) / (double) percentile(raw, 0.99), Summary.met(p99 < 10), p99));
            lines.add("(B is polled every ~" + POLL_NANOS / 1000 + " us plus the timer slack, ~60 us in all: that is the "
                    + "resolution of the library rows)");
            return new Result(writes, lines);
        }
    }

    /** A fresh schema with a few organizations (dropped and recreated each run, so versions start from 1). */
    private static void prepare(HikariDataSource pool, OrganizationId[] orgs) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        PostgresMigrations.builder().dataSource(pool).schema(SCHEMA).createOrganizationsTable(true).build().migrate();
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + SCHEMA + ".organizations (id, name) "
                     + "SELECT id, 'xnode ' || id FROM unnest(?::uuid[]) AS t(id)")) {
            s.setArray(1, c.createArrayOf("uuid", Arrays.stream(orgs).map(OrganizationId::value).toArray()));
            s.executeUpdate();
        }
    }

    private static long[] rawNotify(BenchEnvironment env, int writes) throws Exception {
        BlockingQueue<Long> received = new ArrayBlockingQueue<>(16);
        long[] latencies = new long[writes];
        try (Connection listener = connect(env); Connection sender = connect(env)) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN bench_raw");
            }
            PGConnection pg = listener.unwrap(PGConnection.class);
            Thread thread = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        PGNotification[] notifications = pg.getNotifications(250);
                        long now = System.nanoTime();
                        if (notifications != null) {
                            for (int i = 0; i < notifications.length; i++) {
                                received.put(now);
                            }
                        }
                    }
                } catch (SQLException | InterruptedException e) {
                    // stopped
                }
            }, "bench-raw-listener");
            thread.setDaemon(true);
            thread.start();
            try (PreparedStatement notify = sender.prepareStatement("SELECT pg_notify('bench_raw', ?)")) {
                for (int w = -WARMUP; w < writes; w++) {
                    notify.setString(1, "v1:" + w);
                    long start = System.nanoTime();
                    notify.execute();
                    Long at = received.poll(5, TimeUnit.SECONDS);
                    if (at == null) {
                        throw new IllegalStateException("raw notification " + w + " not received within 5 s");
                    }
                    if (w >= 0) {
                        latencies[w] = at - start;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
            }
            thread.interrupt();
        }
        return latencies;
    }

    private static Connection connect(BenchEnvironment env) throws SQLException {
        Connection c = DriverManager.getConnection(env.jdbcUrl(), BenchEnvironment.USER, BenchEnvironment.PASSWORD);
        c.setAutoCommit(true);
        return c;
    }

    private static String row(String label, long[] nanos) {
        return String.format(Locale.ROOT, "%-56s p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %7.3f ms", label,
                percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.90) / 1e6, percentile(nanos, 0.99) / 1e6,
                percentile(nanos, 1.0) / 1e6);
    }

    static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
