package dev.providersettings.internal;

import dev.providersettings.CacheStats;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.Ticker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The provider manager's client cache: one client per (organization, provider), on Caffeine.
 *
 * <h2>Structure</h2>
 * This class is the entry point and the hot path; the engine is package-private:
 * <ul>
 *   <li>{@code Segment} — per provider: the Caffeine cache keyed by organization (size bound, TTL), the hit map the
 *       hot path reads, single-flight loads, background refresh, and publication under the epochs.</li>
 *   <li>{@code Epochs} — invalidation wins: a load publishes only if no invalidation of its key, its organization
 *       or everything happened since it read the store; a raced load is repeated (up to
 *       three times).</li>
 *   <li>{@code EverythingReload} — "everything" invalidations reload the cached keys in batches through
 *       {@link Loader#loadMany}; a get waits only for the batch holding its key.</li>
 *   <li>{@code StaleEntries} — expired entries kept for stale-if-error.</li>
 *   <li>{@code DelayedCloser} — closes removed clients after the close delay.</li>
 * </ul>
 * Hits are reported to Caffeine's frequency sketch by sampling (one in {@value #SAMPLE_RATE}), so that the size
 * bound still keeps the frequently used organizations.
 */
public final class ClientCache implements AutoCloseable {
    private static final int SAMPLE_MASK = 63;
    private static final int SAMPLE_RATE = SAMPLE_MASK + 1;

    /** Loads clients for the cache; both methods are called without any cache lock held. */
    public interface Loader {
        /**
         * The client of one (organization, provider).
         *
         * @throws RuntimeException the typed failure every caller waiting for this load receives
         */
        Object load(OrganizationId organization, ProviderCode provider);

        /**
         * The clients of many organizations of one provider, read with one bulk call to the store; one outcome per
         * requested organization.
         *
         * @throws RuntimeException when the bulk read itself fails (every organization of the batch fails with it)
         */
        Map<OrganizationId, Outcome> loadMany(ProviderCode provider, List<OrganizationId> organizations);

        /** Closes a client the cache no longer holds. Must not throw. */
        void close(Object client, OrganizationId organization, ProviderCode provider);
    }

    /** The outcome of loading one organization in a batch: a client or a failure. */
    public record Outcome(Object client, RuntimeException failure) {
        public static Outcome of(Object client) {
            return new Outcome(client, null);
        }

        public static Outcome failed(RuntimeException failure) {
            return new Outcome(null, failure);
        }
    }

    /** The cache's options, validated by the manager's builder. Zero durations or size mean "off". */
    public record Options(long maximumSize, Duration ttl, Duration refreshAfter, Duration staleIfError, Ticker ticker,
                          boolean recordHits, Duration closeDelay) {
    }

    private final CacheContext context;
    private final Segment[] segments;
    private final boolean recordHits;
    private final boolean sampleHits;
    private final LongAdder hits;

    /**
     * @param systemTime whether {@code options.ticker()} is the system clock, so that expiry can be scheduled on
     *                   real time (with a fake ticker, tests call {@link #cleanUp()} after moving it)
     */
    public ClientCache(Map<ProviderCode, Class<?>> providers, Options options, boolean systemTime, Loader loader) {
        this.context = new CacheContext(options, systemTime, loader);
        this.recordHits = options.recordHits();
        this.sampleHits = context.maximumSize > 0 || context.refreshNanos > 0;
        this.hits = context.counters.hits;
        this.segments = new Segment[providers.size()];
        int i = 0;
        for (Map.Entry<ProviderCode, Class<?>> provider : providers.entrySet()) {
            segments[i++] = new Segment(context, provider.getKey(), provider.getValue());
        }
    }

    /**
     * The fresh client of {@code code} for {@code organization}, or null (also when the provider does not create a
     * {@code requested}). The hot path: one map lookup, no allocation; the type is checked against the provider's
     * declared client class, so the client object itself is not read. One hit in {@value #SAMPLE_RATE} is also
     * reported to Caffeine (which reads the clock and may do its amortised maintenance on this thread).
     */
    public Object getIfFresh(String code, OrganizationId organization, Class<?> requested) {
        for (Segment segment : segments) {
            String value = segment.codeValue;
            if (value == code || value.equals(code)) {
                if (requested != segment.clientType && !requested.isAssignableFrom(segment.clientType)) {
                    return null;
                }
                Object client = segment.fresh.get(organization);
                if (client != null) {
                    if (recordHits) {
                        hits.increment();
                    }
                    if (sampleHits && (ThreadLocalRandom.current().nextInt() & SAMPLE_MASK) == 0) {
                        segment.touch(organization);
                    }
                }
                return client;
            }
        }
        return null;
    }

    /**
     * The client of one (organization, provider) after a miss: served from the cache if it appeared meanwhile,
     * otherwise loaded once for all concurrent callers; during a store outage an expired client may be served
     * (stale-if-error).
     */
    public Object get(ProviderCode code, OrganizationId organization) {
        return segment(code).get(organization);
    }

    /** Drops the cached client of one (organization, provider). */
    public void invalidate(OrganizationId organization, ProviderCode code) {
        Segment segment = findSegment(code);
        context.counters.keyInvalidations.increment();
        context.epochs.invalidate(organization);
        if (segment != null) {
            segment.drop(organization);
        }
    }

    /** Drops every cached client of one organization. */
    public void invalidateOrganization(OrganizationId organization) {
        context.counters.organizationInvalidations.increment();
        context.epochs.invalidate(organization);
        for (Segment segment : segments) {
            segment.drop(organization);
        }
    }

    /**
     * Drops every cached client and reloads the ones that were cached in batches, in the background; gets wait for
     * (or run) the batch that holds their key.
     */
    public void invalidateAll() {
        context.everythingPlanning.lock();
        try {
            if (context.closed) {
                return;
            }
            context.counters.everythingInvalidations.increment();
            long global = context.epochs.invalidateAll();
            for (Segment segment : segments) {
                EverythingReload.start(context, segment, global);
            }
        } finally {
            context.everythingPlanning.unlock();
        }
    }

    /** Applies pending expiry and size evictions now (tests with a fake ticker call it after moving the clock). */
    public void cleanUp() {
        for (Segment segment : segments) {
            segment.cleanUp();
        }
    }

    /** The counters so far. */
    public CacheStats stats() {
        return context.counters.snapshot(size());
    }

    /** Clients cached now (servable or awaiting closing), excluding expired ones kept for stale-if-error. */
    public long size() {
        long size = 0;
        for (Segment segment : segments) {
            size += segment.entries.estimatedSize();
        }
        return size;
    }

    /**
     * How many keys the cache holds in all its structures (hit maps, entries, expired entries kept for
     * stale-if-error, loads in flight): what memory it retains, for tests of its bounds.
     */
    public long retainedKeyCount() {
        long count = 0;
        for (Segment segment : segments) {
            count += segment.retainedKeyCount();
        }
        return count;
    }

    /** Drops and closes every cached client and stops the background threads. Idempotent. */
    @Override
    public void close() {
        if (context.closed) {
            return;
        }
        context.closed = true;
        context.closer.closeAtOnceFromNowOn();
        context.epochs.invalidateAll();
        context.background.shutdownNow();
        for (Segment segment : segments) {
            segment.removeAll();
        }
        // Clients waiting for their close delay are closed now, with the manager.
        context.closer.shutdown();
    }

    private Segment segment(ProviderCode code) {
        Segment segment = findSegment(code);
        if (segment == null) {
            // The registry is immutable and the manager got this code's factory from it, so this cannot happen.
            throw new IllegalStateException("provider " + code + " is not in the registry the manager was built with");
        }
        return segment;
    }

    private Segment findSegment(ProviderCode code) {
        for (Segment segment : segments) {
            if (segment.code.equals(code)) {
                return segment;
            }
        }
        return null;
    }
}
