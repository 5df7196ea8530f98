package dev.providersettings.spring;

import java.time.Duration;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.requirePositive;
import static dev.providersettings.spring.PropertyChecks.hasText;

/** Cross-node invalidation: a Postgres trigger NOTIFYs, every node LISTENs on one dedicated connection. */
public class ChangeFeedProperties {
    /** Whether this node listens for changes made by other nodes. */
    private boolean enabled = true;
    /**
     * A JDBC URL for the listening connection when the DataSource goes through a transaction pooler (PgBouncer)
     * that cannot hold a LISTEN: point it at Postgres directly. Default: the DataSource's own URL.
     */
    private String url;
    /** The user for url. */
    private String username;
    /** The password for url. */
    private String password;
    /** First delay before reconnecting a lost listening connection (doubled up to reconnect-max-delay). */
    private Duration reconnectInitialDelay = Duration.ofMillis(100);
    /** Longest delay between reconnection attempts. */
    private Duration reconnectMaxDelay = Duration.ofSeconds(5);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Duration getReconnectInitialDelay() {
        return reconnectInitialDelay;
    }

    public void setReconnectInitialDelay(Duration reconnectInitialDelay) {
        this.reconnectInitialDelay = reconnectInitialDelay;
    }

    public Duration getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    void validate() {
        if (hasText(url) && !url.startsWith("jdbc:postgresql:")) {
            throw invalid("change-feed.url", "is not a Postgres JDBC URL",
                    "use jdbc:postgresql://host:5432/db pointing at Postgres itself (not at a transaction pooler)");
        }
        if (!hasText(url) && (hasText(username) || hasText(password))) {
            throw invalid("change-feed.url", "is empty while change-feed.username or change-feed.password is set",
                    "set change-feed.url too, or remove the credentials to use the DataSource's");
        }
        if (reconnectInitialDelay == null || reconnectMaxDelay == null) {
            throw invalid("change-feed.reconnect-initial-delay", "or reconnect-max-delay is empty",
                    "set both, e.g. 100ms and 5s");
        }
        requirePositive("change-feed.reconnect-initial-delay", reconnectInitialDelay, "100ms");
        if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
            throw invalid("change-feed.reconnect-max-delay", "(" + reconnectMaxDelay
                    + ") is shorter than reconnect-initial-delay (" + reconnectInitialDelay + ")",
                    "use a maximum at least as long as the initial delay, e.g. 5s");
        }
    }
}
