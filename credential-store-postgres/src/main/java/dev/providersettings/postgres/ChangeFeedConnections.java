package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.postgres.internal.ChangeFeed;

import javax.sql.DataSource;
import java.sql.DriverManager;
import java.util.Properties;

/** Where the change feed opens its dedicated connection, as configured on {@link PostgresCredentialStore.Builder}. */
final class ChangeFeedConnections {
    private ChangeFeedConnections() {
    }

    /** Connections from a (non-pooling) DataSource the caller gave. */
    static ChangeFeed.ConnectionOpener from(DataSource unpooled) {
        return unpooled::getConnection;
    }

    /**
     * Connections opened with {@link DriverManager}: to {@code url} with {@code user} and {@code password}, or, when
     * {@code url} is null, exactly as the pool reaches the database (its URL, credentials and driver properties).
     */
    static ChangeFeed.ConnectionOpener direct(String url, String user, String password, DataSource pool) {
        String u = user;
        String p = password;
        Properties properties = new Properties();
        properties.setProperty("tcpKeepAlive", "true");
        // Bounded waits, so a black-holed network shows up as a failure (and a reconnect) instead of a hang.
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        properties.setProperty("prepareThreshold", "0");
        if (url == null) {
            if (!(pool instanceof HikariDataSource hikari) || hikari.getJdbcUrl() == null) {
                throw new ConfigurationException("changeFeed(true) needs a HikariDataSource configured with a JDBC URL"
                        + " to open its dedicated connection: use changeFeed(jdbcUrl, user, password) or"
                        + " changeFeed(unpooledDataSource) instead");
            }
            url = hikari.getJdbcUrl();
            u = hikari.getUsername();
            p = hikari.getPassword();
            // The pool's own driver properties (sslmode, sslcert, sslrootcert, options, ...) apply to the feed
            // too: it must reach the database exactly as the pool does.
            hikari.getDataSourceProperties().forEach((key, value) ->
                    properties.setProperty(String.valueOf(key), String.valueOf(value)));
        }
        String finalUrl = url;
        if (u != null) {
            properties.setProperty("user", u);
        }
        if (p != null) {
            properties.setProperty("password", p);
        }
        // Names the feed's session in pg_stat_activity (operators find and watch it by this name).
        properties.setProperty("ApplicationName", "provider-settings-change-feed");
        return () -> DriverManager.getConnection(finalUrl, properties);
    }
}
