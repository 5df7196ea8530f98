package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderManager;
import dev.providersettings.RewrapReport;
import dev.providersettings.Secret;
import dev.providersettings.cli.ProviderSettingsCli;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Rewrap of 100,000 stored secrets (one Scaleway secret key for each of 100,000 organizations) to the other of two
 * keys: through the command line ({@code provider-settings rewrap}, in-process through picocli: configuration,
 * pool, store, the inventory counts before and after, the report) next to {@code SettingsService.rewrap} called
 * directly on an open manager, in the same run on the same database. Every iteration rewraps all 100,000 from the
 * key they are under to the other one, so each iteration does the same work.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Timeout(time = 40, timeUnit = TimeUnit.MINUTES)
public class RewrapBenchmark {
    static final String SCHEMA = "bench_rewrap";
    static final int SECRETS = 100_000;
    static final String K1 = "bench-k1";
    static final String K2 = "bench-k2";
    private static final int CHUNK = 5000;

    HikariDataSource pool;
    String target;
    ProviderManager manager;
    PostgresCredentialStore store;

    static byte[] key(String id) {
        byte[] key = new byte[KeyRing.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * (id.equals(K1) ? 7 : 11) + 3);
        }
        return key;
    }

    /** The ring with both keys and {@code primary} first (the primary in the key-ring text format). */
    static String ringText(String primary) {
        String other = primary.equals(K1) ? K2 : K1;
        return primary + ":" + Base64.getEncoder().encodeToString(key(primary)) + "\n"
                + other + ":" + Base64.getEncoder().encodeToString(key(other)) + "\n";
    }

    static KeyRing ring(String primary) {
        String other = primary.equals(K1) ? K2 : K1;
        return KeyRing.builder().primary(primary, key(primary)).add(other, key(other)).build();
    }

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        pool = BenchEnvironment.get().pool("bench-rewrap", 4);
        if (count() != SECRETS) {
            buildFixture();
        }
    }

    /** The number of stored secrets, or -1 without the schema. */
    private long count() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('" + SCHEMA + ".provider_settings') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return -1;
            }
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SCHEMA + ".provider_settings WHERE value_type = 'secret'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void buildFixture() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        PostgresMigrations.builder().dataSource(pool).schema(SCHEMA).createOrganizationsTable(true).build().migrate();
        List<OrganizationId> organizations = new ArrayList<>();
        for (int i = 0; i < SECRETS; i++) {
            organizations.add(OrganizationId.of(UUID.nameUUIDFromBytes(("rewrap-org-" + i).getBytes(StandardCharsets.UTF_8))));
        }
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + SCHEMA + ".organizations (id, name) "
                     + "SELECT id, 'rewrap ' || id FROM unnest(?::uuid[]) AS t(id)")) {
            s.setArray(1, c.createArrayOf("uuid", organizations.stream().map(OrganizationId::value).toArray()));
            s.executeUpdate();
        }
        AesGcmSecretCipher cipher = new AesGcmSecretCipher(ring(K1));
        ProviderCode scaleway = ProviderCode.of("scaleway");
        try (PostgresCredentialStore fixture = BenchEnvironment.store(pool, SCHEMA)) {
            for (int start = 0; start < SECRETS; start += CHUNK) {
                List<SettingsBatch> batches = new ArrayList<>();
                for (int i = start; i < Math.min(SECRETS, start + CHUNK); i++) {
                    OrganizationId org = organizations.get(i);
                    String value = UUID.nameUUIDFromBytes(("rewrap-secret-" + i).getBytes(StandardCharsets.UTF_8)).toString();
                    var encrypted = cipher.encrypt(Secret.of(value),
                            new SecretContext(org, scaleway, ScalewaySettings.SECRET_KEY));
                    batches.add(new SettingsBatch(org, scaleway, "fixture", List.of(new SettingWrite(
                            ScalewaySettings.SECRET_KEY, new StoredValue.Encrypted(encrypted), SettingWrite.ABSENT))));
                }
                fixture.saveAll(batches);
            }
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE " + SCHEMA + ".provider_settings");
        }
    }

    /** Every secret is under one key; this iteration rewraps them all to the other one. */
    @Setup(Level.Iteration)
    public void pickTarget() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT secret_key_id, count(*) FROM " + SCHEMA
                     + ".provider_settings WHERE value_type = 'secret' GROUP BY 1")) {
            if (!rs.next() || rs.getLong(2) != SECRETS) {
                throw new IllegalStateException("the fixture is not under one key: rebuild it (drop schema " + SCHEMA + ")");
            }
            target = rs.getString(1).equals(K1) ? K2 : K1;
            if (rs.next()) {
                throw new IllegalStateException("the fixture is under two keys: rebuild it (drop schema " + SCHEMA + ")");
            }
        }
        store = BenchEnvironment.store(pool, SCHEMA);
        manager = ProviderManager.builder().store(store).registry(BenchEnvironment.registry())
                .cipher(new AesGcmSecretCipher(ring(target))).build();
    }

    @TearDown(Level.Iteration)
    public void closeManager() {
        manager.close();
        store.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** {@code provider-settings rewrap} in this JVM: everything the command does, output discarded. */
    @Benchmark
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public int cli() {
        String url = BenchEnvironment.get().jdbcUrl();
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        int code = ProviderSettingsCli.execute(new String[]{"rewrap", "--progress", "none", "--actor", "benchmark",
                        "--batch-size", "500"},
                Map.of("PROVIDER_SETTINGS_JDBC_URL", url,
                        "PROVIDER_SETTINGS_JDBC_USER", BenchEnvironment.USER,
                        "PROVIDER_SETTINGS_JDBC_PASSWORD", BenchEnvironment.PASSWORD,
                        "PROVIDER_SETTINGS_SCHEMA", SCHEMA,
                        "PROVIDER_SETTINGS_KEYS", ringText(target)),
                new ByteArrayInputStream(new byte[0]), discard, discard, false);
        if (code != 0) {
            throw new IllegalStateException("provider-settings rewrap exited with " + code);
        }
        return code;
    }

    /**
     * The baseline: the library's rewrap on an open manager. One transaction per (organization, provider), so one
     * single shot of 100,000 takes many minutes: no warm-up iteration (the JIT has compiled the loop within the first
     * seconds of the shot) and one measured iteration.
     */
    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public RewrapReport library() {
        RewrapReport report = manager.settings().rewrap("benchmark");
        if (!report.complete() || report.rewrapped() != SECRETS) {
            throw new IllegalStateException("rewrap did not finish: " + report);
        }
        return report;
    }
}
