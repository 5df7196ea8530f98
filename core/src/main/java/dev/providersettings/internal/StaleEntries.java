package dev.providersettings.internal;

import com.github.benmanes.caffeine.cache.Cache;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

import java.time.Duration;

/**
 * Stale-if-error for one provider: entries that expired, kept in a second Caffeine cache that drops them
 * {@code staleIfError} after their expiry (and bounded like the first), so that an outage of the store can be ridden
 * out without unbounded state. It owns and closes the clients it holds. With {@code staleIfError} zero it holds
 * nothing and serves nothing.
 */
final class StaleEntries {
    /**
     * While serving stale during an outage, the store is retried at most this often per entry, so callers do not
     * each wait for a failing store (a connection timeout) before getting the stale client.
     */
    static final long STALE_RETRY_NANOS = 1_000_000_000L;

    private final CacheContext context;
    private final ProviderCode code;
    // Null when stale-if-error is off.
    private final Cache<OrganizationId, Entry> expired;

    StaleEntries(CacheContext context, ProviderCode code) {
        this.context = context;
        this.code = code;
        if (context.staleNanos > 0) {
            this.expired = context.caffeine(context.staleNanos)
                    .<OrganizationId, Entry>removalListener((organization, entry, cause) -> {
                        if (entry != null) {
                            context.closer.retire(entry.client, organization, code);
                        }
                    })
                    .build();
        } else {
            this.expired = null;
        }
    }

    boolean enabled() {
        return expired != null;
    }

    /** Takes over an entry that just expired; its client is closed when this cache drops it. */
    void retain(OrganizationId organization, Entry entry) {
        entry.retained = true;
        expired.put(organization, entry);
    }

    /** The expired client when the store is being retried less often than callers ask (see STALE_RETRY_NANOS). */
    Object withinRetryPause(OrganizationId organization) {
        if (expired == null) {
            return null;
        }
        Entry entry = expired.getIfPresent(organization);
        if (entry == null || !entry.staleRetryAtSet || context.ticker.read() - entry.staleRetryAt >= 0) {
            return null;
        }
        context.counters.staleServed.increment();
        return entry.client;
    }

    /** The expired client to serve after the store failed, if stale-if-error still covers it. */
    Object afterStoreFailure(OrganizationId organization) {
        if (expired == null) {
            return null;
        }
        Entry entry = expired.getIfPresent(organization);
        if (entry == null) {
            return null;
        }
        entry.staleRetryAt = context.ticker.read() + STALE_RETRY_NANOS;
        entry.staleRetryAtSet = true;
        context.counters.staleServed.increment();
        CacheContext.LOG.warn("credential store unavailable; serving the expired client of organization {}, provider {} "
                + "(stale-if-error, at most {} after expiry)", organization, code, Duration.ofNanos(context.staleNanos));
        return entry.client;
    }

    void invalidate(OrganizationId organization) {
        if (expired != null) {
            expired.invalidate(organization);
        }
    }

    void invalidateAll() {
        if (expired != null) {
            expired.invalidateAll();
        }
    }

    void cleanUp() {
        if (expired != null) {
            expired.cleanUp();
        }
    }

    /** Keys held, for the cache's retained-memory count. */
    long size() {
        return expired == null ? 0 : expired.asMap().size();
    }
}
