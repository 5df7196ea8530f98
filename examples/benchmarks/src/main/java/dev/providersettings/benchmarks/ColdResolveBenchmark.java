package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderSettings;
import dev.providersettings.ProviderManager;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark 2, cold resolve: invalidate, then {@code get} — a cache miss that reads the store (one statement),
 * decrypts the secret and creates the client — next to a bare primary-key {@code SELECT} of one row on the same
 * pool. A counting DataSource proves the miss is exactly one statement; the count is printed and written to
 * {@value #STATEMENTS_FILE}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ColdResolveBenchmark {
    static final String STATEMENTS_FILE = "cold-statements.txt";
    private static final int ORGANIZATIONS = 1000;
    private static final String PK_SQL = "SELECT id, name FROM " + BenchEnvironment.SCHEMA + ".organizations WHERE id = ?";
    /** The store's load query, as jOOQ renders it, written out once. */
    private static final String LOAD_SQL = "SELECT o.id, ps.key, ps.value_type, ps.text_value, ps.secret_ciphertext, "
            + "ps.secret_key_id, ps.version, ps.updated_at FROM " + BenchEnvironment.SCHEMA + ".organizations AS o "
            + "LEFT JOIN " + BenchEnvironment.SCHEMA + ".provider_settings AS ps "
            + "ON ps.organization_id = o.id AND ps.provider = ? WHERE o.id = ?";

    HikariDataSource pool;
    ScalewayProviderFactory factory;
    AesGcmSecretCipher cipher;
    CountingDataSource counting;
    PostgresCredentialStore store;
    ProviderManager manager;
    OrganizationId[] ids;
    final LongAdder resolves = new LongAdder();
    long statementsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        BenchEnvironment env = BenchEnvironment.get();
        env.ensureFixture(ORGANIZATIONS);
        ids = BenchEnvironment.organizations(ORGANIZATIONS);
        pool = env.pool("bench-cold", 4);
        counting = new CountingDataSource(pool);
        store = BenchEnvironment.store(counting.dataSource(), BenchEnvironment.SCHEMA);
        manager = BenchEnvironment.manager(store);
        factory = ScalewayProviderFactory.builder().build();
        cipher = BenchEnvironment.cipher();
    }

    /** Counts only the library's statements: the baseline uses the pool directly. */
    @Setup(Level.Iteration)
    public void startCounting() {
        resolves.reset();
        statementsBefore = counting.statements();
    }

    @TearDown(Level.Iteration)
    public void checkCount() throws IOException {
        long calls = resolves.sum();
        if (calls == 0) {
            return;
        }
        long statements = counting.statements() - statementsBefore;
        String line = String.format(Locale.ROOT, "%,d cold resolves executed %,d statements: %.3f per resolve (%s)",
                calls, statements, statements / (double) calls,
                statements == calls ? "exactly one" : "NOT exactly one");
        System.out.println("# " + line);
        String out = System.getProperty(BenchEnvironment.OUT_PROPERTY);
        if (out != null) {
            BenchmarksMain.write(Path.of(out, STATEMENTS_FILE), line + System.lineSeparator());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        store.close();
        factory.close();
        pool.close();
    }


    @Benchmark
    public ScalewayProvider library(RandomCursor cursor) {
        OrganizationId org = ids[cursor.next(ids.length)];
        manager.invalidate(org, "scaleway");
        ScalewayProvider provider = manager.get(org, "scaleway", ScalewayProvider.class);
        resolves.increment();
        return provider;
    }

    /**
     * Reference, not a target: the same work as a cold resolve (the store's query, decrypt, create) with the query
     * written once and sent through plain JDBC — what the store's load costs without jOOQ's per-call rendering.
     */
    @Benchmark
    public ScalewayProvider plainJdbcSameWorkReference(RandomCursor cursor) throws SQLException {
        OrganizationId org = ids[cursor.next(ids.length)];
        Map<String, Object> values = new HashMap<>();
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(LOAD_SQL)) {
            s.setString(1, "scaleway");
            s.setObject(2, org.value());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(2);
                    rs.getLong(7);
                    rs.getObject(8, OffsetDateTime.class);
                    if ("secret".equals(rs.getString(3))) {
                        values.put(key, cipher.decrypt(new EncryptedSecret(rs.getString(6), rs.getBytes(5)),
                                new SecretContext(org, ScalewayProviderFactory.CODE, key)));
                    } else if (key != null) {
                        values.put(key, rs.getString(4));
                    }
                }
            }
        }
        return factory.create(ProviderSettings.of(org, ScalewayProviderFactory.CODE, values));
    }

    @Benchmark
    public String primaryKeySelectBaseline(RandomCursor cursor) throws SQLException {
        OrganizationId org = ids[cursor.next(ids.length)];
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(PK_SQL)) {
            s.setObject(1, org.value());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(2);
            }
        }
    }
}
