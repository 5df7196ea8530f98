package dev.providersettings.spring;

import java.time.Duration;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.requirePositive;

/** Retries of the Scaleway transport (only calls that are safe to repeat are retried). */
public class ScalewayRetryProperties {
    /** Attempts per call including the first; 1 disables retries. */
    private Integer maxAttempts;
    /** First backoff delay (exponential with jitter). */
    private Duration baseDelay;
    /** Longest backoff delay. */
    private Duration maxDelay;
    /** Time budget of one call including its retries. */
    private Duration totalBudget;

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getBaseDelay() {
        return baseDelay;
    }

    public void setBaseDelay(Duration baseDelay) {
        this.baseDelay = baseDelay;
    }

    public Duration getMaxDelay() {
        return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    public Duration getTotalBudget() {
        return totalBudget;
    }

    public void setTotalBudget(Duration totalBudget) {
        this.totalBudget = totalBudget;
    }

    boolean isCustomized() {
        return maxAttempts != null || baseDelay != null || maxDelay != null || totalBudget != null;
    }

    void validate() {
        if (maxAttempts != null && maxAttempts < 1) {
            throw invalid("scaleway.retry.max-attempts", "is " + maxAttempts + ", below 1",
                    "set 1 to disable retries, or e.g. 4");
        }
        requirePositive("scaleway.retry.base-delay", baseDelay, "200ms");
        requirePositive("scaleway.retry.max-delay", maxDelay, "10s");
        requirePositive("scaleway.retry.total-budget", totalBudget, "60s");
    }
}
