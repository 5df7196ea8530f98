package dev.providersettings;

import java.time.Duration;

/**
 * A snapshot of a {@link ProviderManager}'s cache counters, from {@link ProviderManager#stats()}. Counters only grow
 * from the manager's start; {@code estimatedSize} is the number of clients cached now. Take two snapshots and
 * subtract with {@link #minus(CacheStats)} for rates.
 *
 * @param hitCount                      gets answered from the cache; counted only with
 *                                      {@code ProviderManager.Builder.recordHits(true)} (it costs the hot path a
 *                                      shared counter), otherwise 0
 * @param missCount                     gets that were not in the cache and waited for a load (their own or a shared one)
 * @param loadSuccessCount              loads from the store that produced a client (one per (organization, provider)
 *                                      however many callers shared it)
 * @param loadFailureCount              loads that failed (missing organization or credentials, store unavailable,
 *                                      decryption, provider creation)
 * @param totalLoadTimeNanos            time spent in loads, successful or not, measured with the manager's ticker
 * @param evictionCount                 entries removed by the size bound or the TTL
 * @param keyInvalidationCount          invalidations of one (organization, provider)
 * @param organizationInvalidationCount invalidations of every provider of one organization
 * @param everythingInvalidationCount   invalidations of the whole cache (e.g. after the change feed reconnected)
 * @param decryptionFailureCount        loads that failed because a stored secret could not be decrypted
 * @param staleServedCount              gets answered with an expired client because the store was unavailable
 * @param estimatedSize                 clients cached now (approximate while loads and evictions are running)
 */
public record CacheStats(long hitCount, long missCount, long loadSuccessCount, long loadFailureCount,
                         long totalLoadTimeNanos, long evictionCount, long keyInvalidationCount,
                         long organizationInvalidationCount, long everythingInvalidationCount,
                         long decryptionFailureCount, long staleServedCount, long estimatedSize) {

    /** Loads that succeeded or failed. */
    public long loadCount() {
        return loadSuccessCount + loadFailureCount;
    }

    /** Invalidations of every kind. */
    public long invalidationCount() {
        return keyInvalidationCount + organizationInvalidationCount + everythingInvalidationCount;
    }

    /** The mean time of a load, or zero when nothing was loaded. */
    public Duration averageLoadTime() {
        long loads = loadCount();
        return loads == 0 ? Duration.ZERO : Duration.ofNanos(totalLoadTimeNanos / loads);
    }

    /** The counters accumulated since {@code earlier}; the size is this snapshot's. */
    public CacheStats minus(CacheStats earlier) {
        return new CacheStats(hitCount - earlier.hitCount, missCount - earlier.missCount,
                loadSuccessCount - earlier.loadSuccessCount, loadFailureCount - earlier.loadFailureCount,
                totalLoadTimeNanos - earlier.totalLoadTimeNanos, evictionCount - earlier.evictionCount,
                keyInvalidationCount - earlier.keyInvalidationCount,
                organizationInvalidationCount - earlier.organizationInvalidationCount,
                everythingInvalidationCount - earlier.everythingInvalidationCount,
                decryptionFailureCount - earlier.decryptionFailureCount,
                staleServedCount - earlier.staleServedCount, estimatedSize);
    }
}
