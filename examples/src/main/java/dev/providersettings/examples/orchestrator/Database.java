package dev.providersettings.examples.orchestrator;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where the host database is: the configured JDBC URL, or an embedded Postgres started for the run (and stopped
 * by {@link #close()}). Each orchestrator node opens its own pool on it, as separate processes would.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private Database(EmbeddedPostgres embedded, String jdbcUrl, String user, String password) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Connects to the configured JDBC URL, or starts an embedded Postgres when none is configured. */
    public static Database start(OrchestratorConfig config) {
        if (config.jdbcUrl().isPresent()) {
            LOG.info("using the database at {}", OrchestratorConfig.maskJdbcUrl(config.jdbcUrl().get()));
            return new Database(null, config.jdbcUrl().get(), config.jdbcUser().orElse(null),
                    config.jdbcPassword().orElse(null));
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            LOG.info("started an embedded Postgres on port {}", pg.getPort());
            return new Database(pg, pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Postgres: " + e.getMessage()
                    + "; set orchestrator.jdbc.url to use an existing Postgres instead", e);
        }
    }

    /** Whether this is an embedded Postgres started for this run. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The JDBC URL (may contain a password: mask it before printing). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A new connection pool (one per node; the caller closes it). */
    public HikariDataSource newPool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warn("could not stop the embedded Postgres cleanly: {}", e.toString());
            }
        }
    }
}
