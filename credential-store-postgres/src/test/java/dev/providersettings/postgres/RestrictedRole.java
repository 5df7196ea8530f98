package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.postgres.testing.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A LOGIN role that is subject to row-level security (not a superuser, no {@code BYPASSRLS}, not the tables' owner),
 * granted exactly what the README's role setup grants, with its own pool. Roles are cluster-wide, so the name is
 * random and {@link #close()} drops it.
 */
final class RestrictedRole implements AutoCloseable {
    private final PostgresTestDatabase db;
    private final String name;
    private final String password = UUID.randomUUID().toString();
    private final HikariDataSource pool;

    private RestrictedRole(PostgresTestDatabase db, String prefix, int poolSize) {
        this.db = db;
        this.name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String s = db.schema();
        asOwner("CREATE ROLE " + name + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + password + "'",
                // the README's grants, verbatim
                "GRANT USAGE ON SCHEMA " + s + " TO " + name,
                "GRANT SELECT ON " + s + ".organizations TO " + name,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + s + ".provider_settings TO " + name,
                "GRANT SELECT, INSERT ON " + s + ".provider_settings_audit TO " + name);
        this.pool = PostgresDataSources.builder().jdbcUrl(urlWithoutUser(db.jdbcUrl())).user(name).password(password)
                .maximumPoolSize(poolSize).minimumIdle(0).poolName("role-" + name).build();
    }

    /** The test server's URL may carry {@code user=...}, which pgjdbc would prefer over the pool's user. */
    static String urlWithoutUser(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        String params = java.util.Arrays.stream(url.substring(q + 1).split("&"))
                .filter(p -> !p.startsWith("user=") && !p.startsWith("password="))
                .collect(java.util.stream.Collectors.joining("&"));
        return params.isEmpty() ? url.substring(0, q) : url.substring(0, q + 1) + params;
    }

    /** A role with a pool of {@code poolSize} connections. */
    static RestrictedRole create(PostgresTestDatabase db, String prefix, int poolSize) {
        return new RestrictedRole(db, prefix, poolSize);
    }

    String name() {
        return name;
    }

    HikariDataSource pool() {
        return pool;
    }

    /** Another pool of the same role (a second node). */
    HikariDataSource newPool(int size) {
        return PostgresDataSources.builder().jdbcUrl(urlWithoutUser(db.jdbcUrl())).user(name).password(password)
                .maximumPoolSize(size).minimumIdle(0).poolName("role-" + name + "-2").build();
    }

    /** A store builder on this role's pool and the test schema, row-level security on. */
    PostgresCredentialStore.Builder storeBuilder() {
        return PostgresCredentialStore.builder().dataSource(pool).schema(db.schema()).rowLevelSecurity(true);
    }

    /** Runs statements as the schema's owner (the test server's superuser). */
    void asOwner(String... statements) {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("role setup failed: " + e.getMessage(), e);
        }
    }

    /** Enables row-level security on the test schema (the opt-in migration location). */
    static void enableRowLevelSecurity(PostgresTestDatabase db) {
        PostgresMigrations.builder().dataSource(db.dataSource()).schema(db.schema()).createOrganizationsTable(true)
                .rowLevelSecurity(true).build().migrate();
    }

    @Override
    public void close() {
        pool.close();
        asOwner("DROP OWNED BY " + name, "DROP ROLE " + name);
    }
}
