package dev.providersettings.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.providersettings.CacheStats;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

/**
 * The provider manager's client cache: one client per (organization, provider), on Caffeine.
 *
 * <h2>Structure</h2>
 * Per provider, one {@link Segment}:
 * <ul>
 *   <li>{@code entries} — a Caffeine cache keyed by organization: the source of truth. It applies the size bound
 *       (W-TinyLFU), the TTL ({@code expireAfterWrite}) and closes removed clients in its removal listener.</li>
 *   <li>{@code fresh} — a plain map from organization to client that the hot path reads. Caffeine's own hit path
 *       reads the clock for expiry on every get and costs several times a map lookup; this map answers a hit with one
 *       lookup and no clock read. It is changed <em>only</em> inside Caffeine's atomic operation on the same key (the
 *       publishing {@code compute}, the invalidating {@code computeIfPresent}, and the eviction listener, which
 *       Caffeine runs while it removes an entry), so a client is in {@code fresh} exactly while its entry is in
 *       {@code entries}; it can never hold a client that eviction already removed and closed. Hits are reported
 *       to Caffeine's frequency sketch by sampling (one in {@value #SAMPLE_MASK_PLUS_ONE}) so that the size bound
 *       still keeps the frequently used organizations.</li>
 *   <li>{@code stale} — entries that expired, kept for stale-if-error in a second Caffeine cache that expires them
 *       {@code staleIfError} later, so an outage can be ridden out without unbounded state.</li>
 *   <li>{@code flights} — loads in flight, one per organization: every concurrent caller of one key waits for the
 *       same load and gets its outcome, success or failure (single flight).</li>
 * </ul>
 *
 * <h2>Invalidation wins</h2>
 * Invalidations bump an epoch: a striped one for a key or an organization, a global one for everything. A load
 * reads the epochs before it reads the store and publishes only if they are unchanged, checked inside the
 * publishing {@code compute}; an invalidation changes the epoch before it removes the entry. So a load that started
 * before an invalidation is never published as fresh; it is repeated (up to {@value #MAX_LOAD_ATTEMPTS} times).
 *
 * <h2>Everything</h2>
 * Invalidating everything registers, before removing the entries, one batch flight per chunk of
 * {@value #RELOAD_BATCH_SIZE} cached organizations and reloads each chunk with one
 * {@link Loader#loadMany} call on a background thread. A get that misses during the reload waits for the batch
 * holding its key, and runs that batch itself when no thread has started it yet, so it waits for one batch, not for
 * the whole reload.
 */
public final class ClientCache implements AutoCloseable {
    // The manager's logger, so that hosts configure one logger for everything the manager does.
    private static final Logger LOG = LoggerFactory.getLogger("dev.providersettings.ProviderManager");
    /** How often a load that raced with invalidations is repeated before it is returned without being cached. */
    static final int MAX_LOAD_ATTEMPTS = 3;
    /**
     * While serving stale during an outage, the store is retried at most this often per entry, so callers do not
     * each wait for a failing store (a connection timeout) before getting the stale client.
     */
    static final long STALE_RETRY_NANOS = 1_000_000_000L;
    /** After a failed background refresh, the next attempt waits at least this long. */
    static final long REFRESH_RETRY_NANOS = 1_000_000_000L;
    /** Organizations per {@link Loader#loadMany} call when everything is reloaded. */
    static final int RELOAD_BATCH_SIZE = 250;
    private static final int SAMPLE_MASK = 63;
    private static final int SAMPLE_MASK_PLUS_ONE = SAMPLE_MASK + 1;
    private static final int STRIPES = 1024;

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

    /** One cached client and its timing. */
    private static final AtomicIntegerFieldUpdater<Entry> REFRESHING =
            AtomicIntegerFieldUpdater.newUpdater(Entry.class, "refreshing");

    static final class Entry {
        final Object client;
        /** False for a client loaded across an invalidation: kept only so that it is closed later, never served. */
        final boolean servable;
        volatile int refreshing;
        volatile long nextRefreshAt;
        /** Set when expiry hands the entry to the stale cache, which then owns (and closes) the client. */
        volatile boolean retained;
        volatile long staleRetryAt;
        volatile boolean staleRetryAtSet;

        /** The global epoch the entry was published under: "everything" removes only older entries. */
        final long epoch;

        Entry(Object client, boolean servable, long refreshAt, long epoch) {
            this.client = client;
            this.servable = servable;
            this.nextRefreshAt = refreshAt;
            this.epoch = epoch;
        }

        boolean startRefresh() {
            return REFRESHING.compareAndSet(this, 0, 1);
        }

        void endRefresh() {
            refreshing = 0;
        }
    }

    /** A load in flight; everyone who misses on its key while it runs waits for its outcome. */
    private static final class Flight {
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
        /** The batch that loads this key, or null for a single load. */
        final Batch batch;
        /** The key's stripe epoch when the batch was planned (batch flights only). */
        final long stripeEpoch;

        Flight(Batch batch, long stripeEpoch) {
            this.batch = batch;
            this.stripeEpoch = stripeEpoch;
        }
    }

    /** The cache of one provider. */
    private final class Segment {
        final ProviderCode code;
        final String codeValue;
        /** What the provider's factory creates; every cached client is one (the loader checks it). */
        final Class<?> clientType;
        final ConcurrentHashMap<OrganizationId, Object> fresh = new ConcurrentHashMap<>();
        final Cache<OrganizationId, Entry> entries;
        final Cache<OrganizationId, Entry> stale;
        final ConcurrentHashMap<OrganizationId, Flight> flights = new ConcurrentHashMap<>();

        Segment(ProviderCode code, Class<?> clientType) {
            this.code = code;
            this.clientType = clientType;
            // Interned so that a caller's literal code matches by identity on the hot path.
            this.codeValue = code.value().intern();
            Caffeine<Object, Object> builder = Caffeine.newBuilder()
                    .ticker(ticker::read)
                    // Maintenance and removal listeners run on the calling thread: a loader, an invalidator, or one
                    // sampled hit in 64 when Caffeine's read buffer is full. Removed clients are handed to the closer,
                    // so that this costs no close() on the calling thread unless the retiring cap is exceeded.
                    .executor(Runnable::run)
                    .expireAfterWrite(Duration.ofNanos(ttlNanos));
            if (systemTime) {
                builder.scheduler(Scheduler.systemScheduler());
            }
            if (maximumSize > 0) {
                builder.maximumSize(maximumSize);
            }
            this.entries = builder
                    .<OrganizationId, Entry>evictionListener((organization, entry, cause) ->
                            onEvicted(this, organization, entry, cause))
                    .<OrganizationId, Entry>removalListener((organization, entry, cause) -> {
                        if (entry != null && !entry.retained) {
                            retire(entry.client, organization, this.code);
                        }
                    })
                    .build();
            if (staleNanos > 0) {
                Caffeine<Object, Object> staleBuilder = Caffeine.newBuilder()
                        .ticker(ticker::read)
                        .executor(Runnable::run)
                        .expireAfterWrite(Duration.ofNanos(staleNanos));
                if (systemTime) {
                    staleBuilder.scheduler(Scheduler.systemScheduler());
                }
                if (maximumSize > 0) {
                    staleBuilder.maximumSize(maximumSize);
                }
                this.stale = staleBuilder
                        .<OrganizationId, Entry>removalListener((organization, entry, cause) -> {
                            if (entry != null) {
                                retire(entry.client, organization, this.code);
                            }
                        })
                        .build();
            } else {
                this.stale = null;
            }
        }

        /**
         * Drops the key's entry and its hit; the removal listener closes the client. {@code compute}, not
         * {@code computeIfPresent}: the latter skips a key that looks absent without taking its lock, which is what a
         * key being published for the first time looks like, so a publication that checked the epochs just before the
         * invalidation bumped them would survive it.
         */
        void remove(OrganizationId organization) {
            entries.asMap().compute(organization, (key, entry) -> {
                fresh.remove(key);
                return null;
            });
        }

        /** Drops the key's entry if it was published before {@code epoch} (a reload may already have replaced it). */
        void removeOlderThan(OrganizationId organization, long epoch) {
            // compute, not computeIfPresent: see remove.
            entries.asMap().compute(organization, (key, entry) -> {
                if (entry == null) {
                    fresh.remove(key);
                    return null;
                }
                if (entry.epoch >= epoch) {
                    return entry;
                }
                fresh.remove(key);
                return null;
            });
        }
    }

    /** A removed client waiting for its close delay. */
    private record Retired(Object client, OrganizationId organization, ProviderCode code, long closeAt) {
    }

    /** One chunk of an "everything" reload. */
    private final class Batch implements Runnable {
        final Segment segment;
        final long globalEpoch;
        final Map<OrganizationId, Flight> flights = new HashMap<>();
        final List<OrganizationId> organizations = new ArrayList<>();
        final AtomicBoolean started = new AtomicBoolean();

        Batch(Segment segment, long globalEpoch) {
            this.segment = segment;
            this.globalEpoch = globalEpoch;
        }

        @Override
        public void run() {
            if (!started.compareAndSet(false, true)) {
                return;
            }
            try {
                load();
            } catch (Throwable t) {
                for (Flight flight : flights.values()) {
                    flight.outcome.completeExceptionally(t);
                }
                throw t;
            } finally {
                flights.forEach((organization, flight) -> segment.flights.remove(organization, flight));
            }
        }

        private void load() {
            List<OrganizationId> pending = organizations;
            Map<OrganizationId, Long> stripeEpochs = new HashMap<>();
            flights.forEach((organization, flight) -> stripeEpochs.put(organization, flight.stripeEpoch));
            long global = globalEpoch;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > 1) {
                    // Epochs before the store is read again, as for a single load.
                    global = ClientCache.this.globalEpoch.get();
                    for (OrganizationId organization : pending) {
                        stripeEpochs.put(organization, stripes.get(stripe(organization)));
                    }
                }
                long start = ticker.read();
                Map<OrganizationId, Outcome> outcomes;
                try {
                    outcomes = loader.loadMany(segment.code, pending);
                } catch (RuntimeException e) {
                    loadFailures.add(pending.size());
                    loadNanos.add(ticker.read() - start);
                    LOG.warn("reloading {} cached clients of provider {} failed ({}); they load again on their next get",
                            pending.size(), segment.code, e.getClass().getName());
                    for (OrganizationId organization : pending) {
                        flights.get(organization).outcome.completeExceptionally(e);
                    }
                    return;
                }
                loadNanos.add(ticker.read() - start);
                boolean last = attempt >= MAX_LOAD_ATTEMPTS;
                List<OrganizationId> raced = new ArrayList<>();
                for (OrganizationId organization : pending) {
                    Flight flight = flights.get(organization);
                    Outcome outcome = outcomes.get(organization);
                    try {
                        if (outcome == null || outcome.failure() != null) {
                            RuntimeException failure = outcome == null
                                    ? new IllegalStateException("the loader returned no outcome for a requested organization")
                                    : outcome.failure();
                            countFailure(failure);
                            flight.outcome.completeExceptionally(failure);
                            continue;
                        }
                        loadSuccesses.increment();
                        Object client = outcome.client();
                        Object published = publish(segment, organization, client, stripeEpochs.get(organization), global,
                                last);
                        if (published == null) {
                            loader.close(client, organization, segment.code);
                            Object current = segment.fresh.get(organization);
                            Flight newer = segment.flights.get(organization);
                            if (current != null) {
                                // A newer load has published meanwhile (the map holds only valid clients).
                                flight.outcome.complete(current);
                            } else if (newer != null && newer != flight) {
                                // A later invalidation planned its own load of this key: answer with that one.
                                follow(flight, newer);
                            } else {
                                raced.add(organization);
                            }
                            continue;
                        }
                        if (published != client) {
                            loader.close(client, organization, segment.code);
                        }
                        flight.outcome.complete(published);
                    } catch (RuntimeException e) {
                        flight.outcome.completeExceptionally(e);
                    }
                }
                // Keys invalidated while the batch ran are read again together, not one statement each.
                pending = raced;
            }
        }
    }

    /** Completes {@code flight} with the outcome of {@code newer}. */
    private static void follow(Flight flight, Flight newer) {
        newer.outcome.whenComplete((client, failure) -> {
            if (failure == null) {
                flight.outcome.complete(client);
            } else {
                flight.outcome.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
    }

    private final Loader loader;
    private final Ticker ticker;
    private final boolean systemTime;
    private final long maximumSize;
    private final long ttlNanos;
    private final long refreshNanos;
    private final long staleNanos;
    private final boolean recordHits;
    private final boolean sampleHits;
    private final Segment[] segments;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong globalEpoch = new AtomicLong();
    private final ExecutorService background;
    private final long closeDelayNanos;
    // Closes removed AutoCloseable clients closeDelay after their removal (created only when there is a delay).
    private final ScheduledThreadPoolExecutor closer;
    // Removed clients in the order they were removed, which is also the order of their close times (one delay).
    private final ConcurrentLinkedQueue<Retired> retiring = new ConcurrentLinkedQueue<>();
    private final AtomicInteger retiringCount = new AtomicInteger();
    /** The most removed clients kept open at once; beyond it the oldest are closed early. */
    private final int retiringCap;
    private volatile boolean closed;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loadSuccesses = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder keyInvalidations = new LongAdder();
    private final LongAdder organizationInvalidations = new LongAdder();
    private final LongAdder everythingInvalidations = new LongAdder();
    private final LongAdder decryptionFailures = new LongAdder();
    private final LongAdder staleServed = new LongAdder();

    /**
     * @param systemTime whether {@code options.ticker()} is the system clock, so that expiry can be scheduled on
     *                   real time (with a fake ticker, tests call {@link #cleanUp()} after moving it)
     */
    public ClientCache(Map<ProviderCode, Class<?>> providers, Options options, boolean systemTime, Loader loader) {
        this.loader = loader;
        this.ticker = options.ticker();
        this.systemTime = systemTime;
        this.maximumSize = options.maximumSize();
        this.ttlNanos = options.ttl().toNanos();
        this.refreshNanos = options.refreshAfter().toNanos();
        this.staleNanos = options.staleIfError().toNanos();
        this.recordHits = options.recordHits();
        this.sampleHits = maximumSize > 0 || refreshNanos > 0;
        this.segments = new Segment[providers.size()];
        int i = 0;
        for (Map.Entry<ProviderCode, Class<?>> provider : providers.entrySet()) {
            segments[i++] = new Segment(provider.getKey(), provider.getValue());
        }
        this.closeDelayNanos = options.closeDelay().toNanos();
        if (closeDelayNanos > 0) {
            this.closer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "provider-settings-closer");
                thread.setDaemon(true);
                return thread;
            });
            long period = Math.max(10_000_000L, Math.min(250_000_000L, closeDelayNanos / 4));
            closer.scheduleWithFixedDelay(() -> closeRetired(false), period, period, TimeUnit.NANOSECONDS);
        } else {
            this.closer = null;
        }
        // With a size bound, removed-but-open clients never outnumber the cached ones.
        this.retiringCap = maximumSize > 0 ? (int) Math.min(Integer.MAX_VALUE, maximumSize) : Integer.MAX_VALUE;
        AtomicLong threads = new AtomicLong();
        this.background = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "provider-settings-reload-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The fresh client of {@code code} for {@code organization}, or null (also when the provider does not create a
     * {@code requested}). The hot path: one map lookup, no allocation; the type is checked against the provider's
     * declared client class, so the client object itself is not read. One hit in {@value #SAMPLE_MASK_PLUS_ONE} is
     * also reported to Caffeine (which reads the clock and may do its amortised maintenance on this thread).
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
                        touch(segment, organization);
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
        Segment segment = segment(code);
        misses.increment();
        Object servedStale = staleWithinRetryPause(segment, organization);
        if (servedStale != null) {
            return servedStale;
        }
        Flight flight = segment.flights.get(organization);
        boolean owner = false;
        if (flight == null) {
            Flight mine = new Flight(null, 0);
            flight = segment.flights.putIfAbsent(organization, mine);
            if (flight == null) {
                flight = mine;
                owner = true;
            }
        }
        if (owner) {
            runSingle(segment, organization, flight);
        } else if (flight.batch != null) {
            // The batch holding this key has not started: run it here rather than wait behind the whole reload.
            flight.batch.run();
        }
        return await(flight);
    }

    private static Object await(Flight flight) {
        try {
            return flight.outcome.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void runSingle(Segment segment, OrganizationId organization, Flight flight) {
        try {
            Object hit = segment.fresh.get(organization);
            flight.outcome.complete(hit != null ? hit : loadAndPublish(segment, organization));
        } catch (CredentialStoreUnavailableException e) {
            Object stale = staleOnFailure(segment, organization);
            if (stale != null) {
                flight.outcome.complete(stale);
            } else {
                flight.outcome.completeExceptionally(e);
            }
        } catch (Throwable t) {
            flight.outcome.completeExceptionally(t);
        } finally {
            segment.flights.remove(organization, flight);
        }
    }

    /** Loads and publishes one key, repeating loads that raced with an invalidation. */
    private Object loadAndPublish(Segment segment, OrganizationId organization) {
        int stripe = stripe(organization);
        for (int attempt = 1; ; attempt++) {
            checkOpen();
            long stripeEpoch = stripes.get(stripe);
            long global = globalEpoch.get();
            long start = ticker.read();
            Object client;
            try {
                client = loader.load(organization, segment.code);
            } catch (RuntimeException e) {
                loadNanos.add(ticker.read() - start);
                countFailure(e);
                throw e;
            }
            loadNanos.add(ticker.read() - start);
            loadSuccesses.increment();
            boolean last = attempt >= MAX_LOAD_ATTEMPTS;
            Object published = publish(segment, organization, client, stripeEpoch, global, last);
            if (published != null) {
                if (published != client) {
                    loader.close(client, organization, segment.code);
                }
                return published;
            }
            loader.close(client, organization, segment.code);
            Object current = segment.fresh.get(organization);
            if (current != null) {
                // A load that started after the invalidation has published meanwhile: use it, do not load again.
                return current;
            }
            LOG.debug("load of organization {}, provider {} raced with an invalidation; loading again",
                    organization, segment.code);
        }
    }

    /**
     * Installs a loaded client if no invalidation happened since its load read the epochs, atomically with its
     * entry. Returns the client to hand out, or null when the load raced and should be repeated. On the
     * {@code last} attempt a raced client is kept unservable (so that it is closed later) and returned; if a newer
     * load has already published, that one is returned instead.
     */
    private Object publish(Segment segment, OrganizationId organization, Object client, long stripeEpoch,
                           long global, boolean last) {
        if (closed) {
            loader.close(client, organization, segment.code);
            checkOpen();
        }
        int stripe = stripe(organization);
        long refreshAt = refreshNanos > 0 ? ticker.read() + refreshNanos : Long.MAX_VALUE;
        Object[] handedOut = new Object[1];
        segment.entries.asMap().compute(organization, (key, old) -> {
            boolean raced = closed || stripes.get(stripe) != stripeEpoch || globalEpoch.get() != global;
            if (!raced) {
                segment.fresh.put(key, client);
                handedOut[0] = client;
                return new Entry(client, true, refreshAt, global);
            }
            if (!last || closed) {
                return old;
            }
            if (old != null && old.servable) {
                handedOut[0] = old.client;
                return old;
            }
            segment.fresh.remove(key);
            handedOut[0] = client;
            return new Entry(client, false, Long.MAX_VALUE, global);
        });
        if (handedOut[0] == client && segment.stale != null) {
            segment.stale.invalidate(organization);
        }
        return handedOut[0];
    }

    /** Runs inside Caffeine's removal of an entry by the size bound or the TTL. */
    private void onEvicted(Segment segment, OrganizationId organization, Entry entry, RemovalCause cause) {
        if (entry == null) {
            return;
        }
        segment.fresh.remove(organization, entry.client);
        evictions.increment();
        if (cause == RemovalCause.EXPIRED && segment.stale != null && entry.servable && !closed) {
            entry.retained = true;
            segment.stale.put(organization, entry);
        }
    }

    /** The expired client when the store is being retried less often than callers ask (see STALE_RETRY_NANOS). */
    private Object staleWithinRetryPause(Segment segment, OrganizationId organization) {
        if (segment.stale == null) {
            return null;
        }
        Entry entry = segment.stale.getIfPresent(organization);
        if (entry == null || !entry.staleRetryAtSet || ticker.read() - entry.staleRetryAt >= 0) {
            return null;
        }
        staleServed.increment();
        return entry.client;
    }

    /** The expired client to serve after the store failed, if stale-if-error still covers it. */
    private Object staleOnFailure(Segment segment, OrganizationId organization) {
        if (segment.stale == null) {
            return null;
        }
        Entry entry = segment.stale.getIfPresent(organization);
        if (entry == null) {
            return null;
        }
        entry.staleRetryAt = ticker.read() + STALE_RETRY_NANOS;
        entry.staleRetryAtSet = true;
        staleServed.increment();
        LOG.warn("credential store unavailable; serving the expired client of organization {}, provider {} "
                + "(stale-if-error, at most {} after expiry)", organization, segment.code, Duration.ofNanos(staleNanos));
        return entry.client;
    }

    /** A sampled hit: tells Caffeine's size policy about it and starts a background refresh when one is due. */
    private void touch(Segment segment, OrganizationId organization) {
        Entry entry = segment.entries.getIfPresent(organization);
        if (entry == null || refreshNanos <= 0 || !entry.servable || closed) {
            return;
        }
        if (ticker.read() - entry.nextRefreshAt < 0 || !entry.startRefresh()) {
            return;
        }
        Flight flight = new Flight(null, 0);
        if (segment.flights.putIfAbsent(organization, flight) != null) {
            entry.endRefresh();
            return;
        }
        try {
            background.execute(() -> refresh(segment, organization, entry, flight));
        } catch (RejectedExecutionException e) {
            segment.flights.remove(organization, flight);
            flight.outcome.complete(entry.client);
        }
    }

    private void refresh(Segment segment, OrganizationId organization, Entry entry, Flight flight) {
        try {
            flight.outcome.complete(loadAndPublish(segment, organization));
        } catch (Throwable t) {
            // The current client stays in use until its TTL; try again a little later.
            entry.nextRefreshAt = ticker.read() + Math.min(refreshNanos, REFRESH_RETRY_NANOS);
            LOG.debug("background refresh of organization {}, provider {} failed: {}", organization, segment.code,
                    t.getClass().getName());
            flight.outcome.completeExceptionally(t);
        } finally {
            segment.flights.remove(organization, flight);
            entry.endRefresh();
        }
    }

    /**
     * Closes a client that left the cache, after the close delay: a caller that got it just before (or from a load
     * whose entry the size policy rejected at once) can finish its unit of work with it.
     */
    private void retire(Object client, OrganizationId organization, ProviderCode code) {
        if (!(client instanceof AutoCloseable)) {
            return;
        }
        if (closer == null || closed) {
            loader.close(client, organization, code);
            return;
        }
        retiring.add(new Retired(client, organization, code, System.nanoTime() + closeDelayNanos));
        if (retiringCount.incrementAndGet() > retiringCap) {
            closeRetired(false);
        }
    }

    /**
     * Closes the removed clients whose delay has passed, and the oldest beyond the cap; all of them when
     * {@code all}. Serialised, so that each is closed once and in order.
     */
    private synchronized void closeRetired(boolean all) {
        try {
            long now = System.nanoTime();
            Retired head;
            while ((head = retiring.peek()) != null
                    && (all || now - head.closeAt() >= 0 || retiringCount.get() > retiringCap)) {
                retiring.poll();
                retiringCount.decrementAndGet();
                loader.close(head.client(), head.organization(), head.code());
            }
        } catch (RuntimeException | Error e) {
            // The closer thread must survive a failing close (Loader.close logs and does not throw, but be sure).
            LOG.warn("closing removed clients failed: {}", e.getClass().getName());
        }
    }

    private void countFailure(RuntimeException e) {
        loadFailures.increment();
        if (e instanceof SecretDecryptionException) {
            decryptionFailures.increment();
        }
    }

    /** Drops the cached client of one (organization, provider). */
    public void invalidate(OrganizationId organization, ProviderCode code) {
        Segment segment = findSegment(code);
        keyInvalidations.increment();
        stripes.incrementAndGet(stripe(organization));
        if (segment != null) {
            drop(segment, organization);
        }
    }

    /** Drops every cached client of one organization. */
    public void invalidateOrganization(OrganizationId organization) {
        organizationInvalidations.increment();
        stripes.incrementAndGet(stripe(organization));
        for (Segment segment : segments) {
            drop(segment, organization);
        }
    }

    private static void drop(Segment segment, OrganizationId organization) {
        segment.remove(organization);
        if (segment.stale != null) {
            segment.stale.invalidate(organization);
        }
        // Last: a load in flight now may have started before this invalidation (or, registered before the entry was
        // removed, may answer with the entry's client), so later callers must not join it. Removing it first would
        // let a flight registered in between answer with the client being dropped.
        segment.flights.remove(organization);
    }

    /**
     * Drops every cached client and reloads the ones that were cached in batches, in the background; gets wait for
     * (or run) the batch that holds their key.
     */
    public void invalidateAll() {
        if (closed) {
            return;
        }
        everythingInvalidations.increment();
        long global = globalEpoch.incrementAndGet();
        for (Segment segment : segments) {
            // The cached keys, and those an earlier reload has not loaded yet (its batch would now race and repeat).
            Set<OrganizationId> planned = new LinkedHashSet<>(segment.entries.asMap().keySet());
            Map<OrganizationId, Flight> superseded = new HashMap<>();
            segment.flights.forEach((organization, flight) -> {
                if (flight.batch != null && !flight.outcome.isDone()) {
                    planned.add(organization);
                    if (flight.batch.started.compareAndSet(false, true)) {
                        // Not started: it never will; its waiters get the new batch's outcome.
                        flight.batch.flights.forEach(superseded::put);
                    }
                }
            });
            List<OrganizationId> cached = new ArrayList<>(planned);
            List<Batch> batches = new ArrayList<>();
            Batch batch = null;
            // Register the batches before removing the entries: a get that misses after the removal finds its batch.
            for (OrganizationId organization : cached) {
                if (batch == null || batch.organizations.size() == RELOAD_BATCH_SIZE) {
                    batch = new Batch(segment, global);
                    batches.add(batch);
                }
                Flight flight = new Flight(batch, stripes.get(stripe(organization)));
                batch.organizations.add(organization);
                batch.flights.put(organization, flight);
                segment.flights.put(organization, flight);
            }
            superseded.forEach((organization, old) -> {
                Flight replacement = segment.flights.get(organization);
                if (replacement != null && replacement != old) {
                    follow(old, replacement);
                } else {
                    old.outcome.completeExceptionally(new dev.providersettings.exception.CredentialStoreUnavailableException(
                            "the reload of organization " + organization + " was superseded; get it again", null));
                }
            });
            for (OrganizationId organization : cached) {
                // Only entries older than this invalidation: a get may already have run its batch and published.
                segment.removeOlderThan(organization, global);
            }
            if (segment.stale != null) {
                segment.stale.invalidateAll();
            }
            for (Batch each : batches) {
                try {
                    background.execute(each);
                } catch (RejectedExecutionException e) {
                    // Closed meanwhile: the gets that wait run their batch themselves and fail as closed.
                    each.run();
                }
            }
            if (!batches.isEmpty()) {
                LOG.debug("reloading {} clients of provider {} in {} batches", cached.size(), segment.code,
                        batches.size());
            }
        }
    }

    /** Applies pending expiry and size evictions now (tests with a fake ticker call it after moving the clock). */
    public void cleanUp() {
        for (Segment segment : segments) {
            segment.entries.cleanUp();
            if (segment.stale != null) {
                segment.stale.cleanUp();
            }
        }
    }

    /** The counters so far. */
    public CacheStats stats() {
        return new CacheStats(hits.sum(), misses.sum(), loadSuccesses.sum(), loadFailures.sum(), loadNanos.sum(),
                evictions.sum(), keyInvalidations.sum(), organizationInvalidations.sum(),
                everythingInvalidations.sum(), decryptionFailures.sum(), staleServed.sum(), size());
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
            count += segment.fresh.size() + segment.entries.asMap().size() + segment.flights.size()
                    + (segment.stale == null ? 0 : segment.stale.asMap().size());
        }
        return count;
    }

    /** Drops and closes every cached client and stops the background threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        globalEpoch.incrementAndGet();
        background.shutdownNow();
        for (Segment segment : segments) {
            for (OrganizationId organization : new ArrayList<>(segment.entries.asMap().keySet())) {
                segment.remove(organization);
            }
            segment.entries.invalidateAll();
            if (segment.stale != null) {
                segment.stale.invalidateAll();
            }
        }
        if (closer != null) {
            // Clients waiting for their close delay are closed now, with the manager.
            closer.shutdownNow();
            closeRetired(true);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new dev.providersettings.exception.ConfigurationException("manager is closed: build a new ProviderManager "
                    + "(close() released its clients, subscription and factories)");
        }
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

    private static int stripe(OrganizationId organization) {
        int h = organization.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
