package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.ConfigurationException;

import java.time.Duration;

/**
 * Builds HikariCP pools for the store. Whoever builds a pool owns it: the caller closes a pool built here
 * ({@link HikariDataSource#close()}); {@link PostgresCredentialStore} never closes a pool it was handed.
 *
 * <p>The pools' connections use no named server-side prepared statements ({@code prepareThreshold=0}), so they work
 * behind a transaction pooler such as PgBouncer; a {@code prepareThreshold} in the JDBC URL overrides it.
 *
 * <pre>{@code
 * HikariDataSource pool = PostgresDataSources.hikari("jdbc:postgresql://db/app", "app", password);
 * }</pre>
 */
public final class PostgresDataSources {

    private PostgresDataSources() {
    }

    /** A pool with the defaults of {@link Builder}. */
    public static HikariDataSource hikari(String jdbcUrl, String user, String password) {
        return builder().jdbcUrl(jdbcUrl).user(user).password(password).build();
    }

    /** A builder for a pool with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a HikariCP pool for the credential store. */
    public static final class Builder {
        private String jdbcUrl;
        private String user;
        private String password;
        private int maximumPoolSize = 10;
        private int minimumIdle = 1;
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private String poolName = "provider-settings";

        private Builder() {
        }

        /** The JDBC URL ({@code jdbc:postgresql://host:5432/database}); required. */
        public Builder jdbcUrl(String value) {
            this.jdbcUrl = value;
            return this;
        }

        /** The database user. */
        public Builder user(String value) {
            this.user = value;
            return this;
        }

        /** The database password (never logged). */
        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** Most connections the pool opens (default 10). */
        public Builder maximumPoolSize(int value) {
            if (value < 1) {
                throw new ConfigurationException("maximumPoolSize is " + value + ": use at least 1");
            }
            this.maximumPoolSize = value;
            return this;
        }

        /** Idle connections the pool keeps (default 1). */
        public Builder minimumIdle(int value) {
            if (value < 0) {
                throw new ConfigurationException("minimumIdle is " + value + ": use 0 or more");
            }
            this.minimumIdle = value;
            return this;
        }

        /**
         * How long a caller waits for a connection before the store reports
         * {@link dev.providersettings.exception.CredentialStoreUnavailableException} (default 5 s; at least 250 ms).
         */
        public Builder connectionTimeout(Duration value) {
            if (value == null || value.toMillis() < 250) {
                throw new ConfigurationException("connectionTimeout is " + value + ": use at least 250 ms (HikariCP's minimum)");
            }
            this.connectionTimeout = value;
            return this;
        }

        /** The pool name shown in logs and JMX (default {@code provider-settings}). */
        public Builder poolName(String value) {
            this.poolName = value;
            return this;
        }

        /** Starts the pool. It does not need the database to be up: connections are opened on demand. */
        public HikariDataSource build() {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new ConfigurationException("jdbcUrl must start with 'jdbc:postgresql:' (e.g. jdbc:postgresql://localhost:5432/app)");
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            config.setUsername(user);
            config.setPassword(password);
            config.setMaximumPoolSize(maximumPoolSize);
            config.setMinimumIdle(Math.min(minimumIdle, maximumPoolSize));
            config.setConnectionTimeout(connectionTimeout.toMillis());
            config.setPoolName(poolName);
            // Start even when the database is down: the store reports unavailability per call and recovers.
            config.setInitializationFailTimeout(-1);
            // No named server-side prepared statements, so the pool is safe behind a transaction pooler (PgBouncer)
            // for the host's own statements too. A prepareThreshold in the JDBC URL takes precedence.
            config.addDataSourceProperty("prepareThreshold", "0");
            return new HikariDataSource(config);
        }
    }
}
