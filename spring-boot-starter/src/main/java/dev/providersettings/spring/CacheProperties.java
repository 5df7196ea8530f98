package dev.providersettings.spring;

import java.time.Duration;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.requirePositive;

/** The provider cache of the {@code ProviderManager}. */
public class CacheProperties {
    /** The most clients each provider's cache keeps (one per organization); unbounded when not set. */
    private Long maximumSize;
    /** Safety expiry of a cached client (changes through the library or the change feed invalidate at once). */
    private Duration ttl = Duration.ofMinutes(10);
    /** After how long a client still in use is reloaded in the background while it keeps being served; 0 disables. */
    private Duration refreshAfter = Duration.ZERO;
    /** Whether cache hits are counted (the hit meter); costs each hit one increment of a shared counter. */
    private boolean recordHits = true;
    /** When an expired client's reload fails because the store is unavailable, how long the old one is still served; 0 disables. */
    private Duration staleIfError = Duration.ofMinutes(5);

    public Long getMaximumSize() {
        return maximumSize;
    }

    public void setMaximumSize(Long maximumSize) {
        this.maximumSize = maximumSize;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getRefreshAfter() {
        return refreshAfter;
    }

    public void setRefreshAfter(Duration refreshAfter) {
        this.refreshAfter = refreshAfter;
    }

    public boolean isRecordHits() {
        return recordHits;
    }

    public void setRecordHits(boolean recordHits) {
        this.recordHits = recordHits;
    }

    public Duration getStaleIfError() {
        return staleIfError;
    }

    public void setStaleIfError(Duration staleIfError) {
        this.staleIfError = staleIfError;
    }

    void validate() {
        if (maximumSize != null && maximumSize < 1) {
            throw invalid("cache.maximum-size", "is " + maximumSize + ", below 1",
                    "set a positive number of clients such as 10000, or remove it for an unbounded cache");
        }
        if (ttl == null) {
            throw invalid("cache.ttl", "is empty", "set a positive duration such as 10m");
        }
        requirePositive("cache.ttl", ttl, "10m");
        if (refreshAfter == null || refreshAfter.isNegative() || refreshAfter.compareTo(ttl) >= 0) {
            throw invalid("cache.refresh-after", "is " + refreshAfter + ", not between 0 (off) and cache.ttl ("
                    + ttl + ")", "set a duration shorter than the TTL, e.g. 5m with a 10m TTL, or 0 to turn refresh off");
        }
        if (staleIfError == null || staleIfError.isNegative()) {
            throw invalid("cache.stale-if-error", "is " + staleIfError + ", not a duration of 0 or more",
                    "set e.g. 5m, or 0 to never serve an expired client");
        }
    }
}
