package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderManager;
import dev.providersettings.SeedReport;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresDataSources;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.postgres.PostgresSchemaOptions;
import dev.providersettings.scaleway.ScalewayProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cost of the Postgres store's opt-in row-level security on the resolve path: a cold resolve (invalidate, then
 * {@code get}: one store read, decrypt, client creation) through a store connected as a role that is subject to
 * row-level security, with {@code rowLevelSecurity=off} (plain store, policies not enabled) and {@code on} (store sets
 * the organization in the same round trip; policies enabled and forced). Each variant has its own schema with the
 * same 1,000 seeded organizations (seeded through the store as that role, so seeding under row-level security is
 * exercised too). Not part of {@link BenchmarksMain}'s groups; run it directly with JMH:
 *
 * <pre>{@code java -cp examples/benchmarks/target/benchmarks.jar org.openjdk.jmh.Main RowLevelSecurityBenchmark}</pre>
 *
 * <p>On a busy machine prefer the interleaved comparison in {@link #main} (same fixture, both variants alternating):
 * <pre>{@code java -cp examples/benchmarks/target/benchmarks.jar dev.providersettings.benchmarks.RowLevelSecurityBenchmark}</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class RowLevelSecurityBenchmark {
    private static final int ORGANIZATIONS = 1000;
    private static final String ROLE = "bench_rls_role";
    private static final String ROLE_PASSWORD = "bench-rls-role";
    private static final ProviderCode SCALEWAY = ProviderCode.of("scaleway");

    @Param({"off", "on"})
    public String rowLevelSecurity;

    Fixture fixture;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        fixture = new Fixture("on".equals(rowLevelSecurity));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        fixture.close();
    }

    /**
     * One variant: its schema (1,000 organizations seeded through the store as the restricted role), the role's
     * pool, the store ({@code rowLevelSecurity(on)}) and a manager.
     */
    static final class Fixture implements AutoCloseable {
        final boolean on;
        final String schema;
        final HikariDataSource admin;
        final HikariDataSource rolePool;
        final PostgresCredentialStore store;
        final ProviderManager manager;
        final OrganizationId[] ids = BenchEnvironment.organizations(ORGANIZATIONS);

        Fixture(boolean on) throws SQLException {
            this.on = on;
            BenchEnvironment env = BenchEnvironment.get();
            schema = "bench_rls_" + (on ? "on" : "off");
            admin = env.pool("bench-rls-admin-" + schema, 2);
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            PostgresSchemaOptions layout = PostgresSchemaOptions.defaults().withSchema(schema)
                    .withCreateOrganizationsTable(true).withRowLevelSecurity(on);
            PostgresMigrations.builder().dataSource(admin).schemaOptions(layout).build().migrate();
            try (Connection c = admin.getConnection()) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + schema + ".organizations (id) VALUES (?)")) {
                    for (OrganizationId id : ids) {
                        insert.setObject(1, id.value());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                try (Statement s = c.createStatement()) {
                    // a role subject to row-level security (no superuser, no BYPASSRLS, not the owner), as the
                    // store's README sets it up
                    s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN"
                            + " CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + ROLE_PASSWORD + "';"
                            + " END IF; END $$");
                    s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + ROLE);
                    s.execute("GRANT SELECT ON " + schema + ".organizations TO " + ROLE);
                    s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + schema + ".provider_settings TO " + ROLE);
                    s.execute("GRANT SELECT, INSERT ON " + schema + ".provider_settings_audit TO " + ROLE);
                }
            }
            rolePool = PostgresDataSources.builder().jdbcUrl(withoutUser(env.jdbcUrl())).user(ROLE).password(ROLE_PASSWORD)
                    .maximumPoolSize(4).minimumIdle(2).poolName("bench-rls-" + schema).build();
            store = PostgresCredentialStore.builder().dataSource(rolePool).schemaOptions(layout).build();
            manager = BenchEnvironment.manager(store);
            Map<OrganizationId, Integer> indexes = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                indexes.put(ids[i], i);
            }
            SeedReport report = manager.seeder().seed("benchmark", "scaleway", BenchEnvironment.source(indexes), List.of(ids));
            System.out.println("# row-level security " + (on ? "on" : "off") + ": seeded "
                    + report.organizations().size() + " organizations as " + ROLE);
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE " + schema + ".provider_settings");
                s.execute("ANALYZE " + schema + ".organizations");
            }
            // fail loudly rather than measure an empty read
            if (store.load(ids[0], SCALEWAY).settings().size() != BenchEnvironment.credentials(0).size()) {
                throw new IllegalStateException("the " + schema + " fixture reads back incomplete settings");
            }
        }

        ScalewayProvider coldResolve(OrganizationId org) {
            manager.invalidate(org, "scaleway");
            return manager.get(org, "scaleway", ScalewayProvider.class);
        }

        @Override
        public void close() throws SQLException {
            manager.close();
            store.close();
            rolePool.close();
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            admin.close();
        }
    }

    /** The server's URL may carry {@code user=...}, which pgjdbc prefers over the pool's user. */
    private static String withoutUser(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        String params = Arrays.stream(url.substring(q + 1).split("&"))
                .filter(p -> !p.startsWith("user=") && !p.startsWith("password="))
                .collect(Collectors.joining("&"));
        return params.isEmpty() ? url.substring(0, q) : url.substring(0, q + 1) + params;
    }


    @Benchmark
    public ScalewayProvider coldResolve(RandomCursor cursor) {
        return fixture.coldResolve(fixture.ids[cursor.next(fixture.ids.length)]);
    }

    /**
     * The same comparison outside JMH, interleaved so that both variants share every moment's machine load (on a
     * busy machine, variants measured one after the other differ by the load, not by row-level security): rounds of
     * {@code block} cold resolves and {@code block} bare store loads per variant, the order alternating per round;
     * prints the median per-operation time of each variant and the median of the per-round ratios.
     * Arguments: rounds (default 60), block (default 200).
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (Fixture off = new Fixture(false); Fixture on = new Fixture(true)) {
            Fixture[] both = {off, on};
            RandomCursor cursor = new RandomCursor();
            // warm-up: JIT, pools, server caches
            for (int i = 0; i < 3000; i++) {
                for (Fixture f : both) {
                    f.coldResolve(f.ids[cursor.next(f.ids.length)]);
                }
            }
            double[][] resolve = new double[2][rounds];
            double[][] load = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    int v = (r % 2 == 0) ? k : 1 - k;
                    Fixture f = both[v];
                    long t0 = System.nanoTime();
                    for (int i = 0; i < block; i++) {
                        f.coldResolve(f.ids[cursor.next(f.ids.length)]);
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < block; i++) {
                        f.store.load(f.ids[cursor.next(f.ids.length)], SCALEWAY);
                    }
                    long t2 = System.nanoTime();
                    resolve[v][r] = (t1 - t0) / 1000.0 / block;
                    load[v][r] = (t2 - t1) / 1000.0 / block;
                }
            }
            report("cold resolve (invalidate + get)", resolve, rounds, block);
            report("store.load alone", load, rounds, block);
        }
        System.exit(0);
    }

    private static void report(String what, double[][] perRound, int rounds, int block) {
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = perRound[1][r] / perRound[0][r];
        }
        System.out.printf(java.util.Locale.ROOT, "%s, %d rounds x %d ops per variant: off median %.1f us/op"
                        + " (p10 %.1f, p90 %.1f), on median %.1f us/op (p10 %.1f, p90 %.1f); median on/off ratio %.3f"
                        + " (p10 %.3f, p90 %.3f)%n",
                what, rounds, block, pct(perRound[0], 50), pct(perRound[0], 10), pct(perRound[0], 90),
                pct(perRound[1], 50), pct(perRound[1], 10), pct(perRound[1], 90),
                pct(ratios, 50), pct(ratios, 10), pct(ratios, 90));
    }

    private static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p / 100.0 * (sorted.length - 1) + 0.5))];
    }
}
