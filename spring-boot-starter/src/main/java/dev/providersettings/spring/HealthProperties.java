package dev.providersettings.spring;

import java.time.Duration;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.requirePositive;

/** The {@code providerSettings} health indicator (management.health.provider-settings.enabled switches it). */
public class HealthProperties {
    /** How long the health check waits for its own NOTIFY to come back through the change feed. */
    private Duration changeFeedTimeout = Duration.ofSeconds(2);

    public Duration getChangeFeedTimeout() {
        return changeFeedTimeout;
    }

    public void setChangeFeedTimeout(Duration changeFeedTimeout) {
        this.changeFeedTimeout = changeFeedTimeout;
    }

    void validate() {
        if (changeFeedTimeout == null) {
            throw invalid("health.change-feed-timeout", "is empty", "set e.g. 2s");
        }
        requirePositive("health.change-feed-timeout", changeFeedTimeout, "2s");
    }
}
