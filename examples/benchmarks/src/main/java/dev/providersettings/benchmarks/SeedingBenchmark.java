package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.Secret;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretContext;
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
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3, seeding 10,000 organizations x 4 settings into empty tables: the library's {@code Seeder} (read,
 * compare, encrypt, one {@code loadMany} and one {@code saveAll} per 1,000 organizations, audited, check-and-set)
 * next to the usual loop of one autocommit upsert per row (encrypting in the JVM too) into the same table. The
 * schema is created afresh before every iteration; one iteration is one complete seeding.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Benchmark)
public class SeedingBenchmark {
    static final String SCHEMA = "bench_seed";
    static final int ORGANIZATIONS = 10_000;
    private static final String UPSERT = "INSERT INTO " + SCHEMA + ".provider_settings "
            + "(organization_id, provider, key, value_type, text_value, secret_ciphertext, secret_key_id, version) "
            + "VALUES (?, 'scaleway', ?, ?, ?, ?, ?, 1) "
            + "ON CONFLICT (provider, key, organization_id) DO UPDATE SET value_type = EXCLUDED.value_type, "
            + "text_value = EXCLUDED.text_value, secret_ciphertext = EXCLUDED.secret_ciphertext, "
            + "secret_key_id = EXCLUDED.secret_key_id, version = provider_settings.version + 1, updated_at = now()";

    HikariDataSource pool;
    PostgresCredentialStore store;
    ProviderManager manager;
    AesGcmSecretCipher cipher;
    List<OrganizationId> organizations;
    SecretSource source;
    List<Map<String, String>> values;

    @Setup(Level.Trial)
    public void setUp() {
        pool = BenchEnvironment.get().pool("bench-seed", 4);
        organizations = new ArrayList<>();
        Map<OrganizationId, Map<String, String>> byOrganization = new HashMap<>();
        values = new ArrayList<>();
        for (int i = 0; i < ORGANIZATIONS; i++) {
            OrganizationId org = BenchEnvironment.organization(i);
            Map<String, String> credentials = BenchEnvironment.credentials(i);
            organizations.add(org);
            values.add(credentials);
            byOrganization.put(org, credentials);
        }
        // Values computed once, so neither side pays for making them up.
        source = (organization, definition) -> {
            Map<String, String> credentials = byOrganization.get(organization);
            return credentials == null ? Optional.empty() : Optional.ofNullable(credentials.get(definition.key()));
        };
        cipher = BenchEnvironment.cipher();
    }

    /**
     * Every iteration starts from a freshly migrated, empty schema, as at a first deployment (the tables have never
     * been analyzed). See BENCHMARKS.md for what happens when their statistics say "empty" while seeding fills them.
     */
    @Setup(Level.Iteration)
    public void freshSchema() throws SQLException {
        if (manager != null) {
            manager.close();
            store.close();
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        PostgresMigrations.builder().dataSource(pool).schema(SCHEMA).createOrganizationsTable(true).build().migrate();
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + SCHEMA + ".organizations (id, name) "
                     + "SELECT id, 'seed ' || id FROM unnest(?::uuid[]) AS t(id)")) {
            s.setArray(1, c.createArrayOf("uuid", organizations.stream().map(OrganizationId::value).toArray()));
            s.executeUpdate();
        }
        store = BenchEnvironment.store(pool, SCHEMA);
        manager = BenchEnvironment.manager(store);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        store.close();
        pool.close();
    }

    @Benchmark
    public SeedReport library() {
        SeedReport report = manager.seeder().seed("benchmark", "scaleway", source, organizations);
        if (report.writtenCount() != 4 * ORGANIZATIONS) {
            throw new IllegalStateException("seeder wrote " + report.writtenCount() + " settings");
        }
        return report;
    }

    @Benchmark
    public int upsertPerRowBaseline() throws SQLException {
        int rows = 0;
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            c.setAutoCommit(true);
            for (int i = 0; i < ORGANIZATIONS; i++) {
                OrganizationId org = organizations.get(i);
                Map<String, String> credentials = values.get(i);
                for (String key : BenchEnvironment.KEYS) {
                    s.setObject(1, org.value());
                    s.setString(2, key);
                    if (key.equals(ScalewaySettings.SECRET_KEY)) {
                        EncryptedSecret secret = cipher.encrypt(Secret.of(credentials.get(key)),
                                new SecretContext(org, ScalewayProviderFactory.CODE, key));
                        s.setString(3, "secret");
                        s.setString(4, null);
                        s.setBytes(5, secret.ciphertext());
                        s.setString(6, secret.keyId());
                    } else {
                        s.setString(3, "text");
                        s.setString(4, credentials.get(key));
                        s.setBytes(5, null);
                        s.setString(6, null);
                    }
                    rows += s.executeUpdate();
                }
            }
        }
        if (rows != 4 * ORGANIZATIONS) {
            throw new IllegalStateException("baseline wrote " + rows + " rows");
        }
        return rows;
    }
}
