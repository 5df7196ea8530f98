package dev.providersettings.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.CredentialStoreUnavailableException;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The cache of one provider.
 * <ul>
 *   <li>{@link #entries} — a Caffeine cache keyed by organization: the source of truth. It applies the size bound
 *       (W-TinyLFU), the TTL ({@code expireAfterWrite}) and hands removed clients to the closer in its removal
 *       listener.</li>
 *   <li>{@link #fresh} — a plain map from organization to client that the hot path reads. Caffeine's own hit path
 *       reads the clock for expiry on every get; this map answers a hit with one lookup and no clock read. It is
 *       changed <em>only</em> inside Caffeine's atomic operation on the same key (the publishing {@code compute},
 *       the invalidating {@code compute}, and the eviction listener, which Caffeine runs while it removes an
 *       entry), so a client is in {@code fresh} exactly while its entry is in {@code entries}; it can never hold a
 *       client that eviction already removed and closed.</li>
 *   <li>{@link #stale} — expired entries kept for stale-if-error.</li>
 *   <li>{@link #flights} — loads in flight, one per organization: every concurrent caller of one key waits for the
 *       same load and gets its outcome, success or failure (single flight).</li>
 * </ul>
 */
final class Segment {
    /** After a failed background refresh, the next attempt waits at least this long. */
    static final long REFRESH_RETRY_NANOS = 1_000_000_000L;

    final ProviderCode code;
    /** The code's value, interned so that a caller's literal code matches by identity on the hot path. */
    final String codeValue;
    /** What the provider's factory creates; every cached client is one (the loader checks it). */
    final Class<?> clientType;
    final ConcurrentHashMap<OrganizationId, Object> fresh = new ConcurrentHashMap<>();
    final Cache<OrganizationId, Entry> entries;
    final StaleEntries stale;
    final ConcurrentHashMap<OrganizationId, Flight> flights = new ConcurrentHashMap<>();
    private final CacheContext context;

    Segment(CacheContext context, ProviderCode code, Class<?> clientType) {
        this.context = context;
        this.code = code;
        this.clientType = clientType;
        this.codeValue = code.value().intern();
        this.entries = context.caffeine(context.ttlNanos)
                .<OrganizationId, Entry>evictionListener(this::onEvicted)
                .<OrganizationId, Entry>removalListener((organization, entry, cause) -> {
                    if (entry != null && !entry.retained) {
                        context.closer.retire(entry.client, organization, this.code);
                    }
                })
                .build();
        this.stale = new StaleEntries(context, code);
    }

    /**
     * The client of one organization after a miss: served from the cache if it appeared meanwhile, otherwise loaded
     * once for all concurrent callers; during a store outage an expired client may be served (stale-if-error).
     */
    Object get(OrganizationId organization) {
        context.counters.misses.increment();
        Object servedStale = stale.withinRetryPause(organization);
        if (servedStale != null) {
            return servedStale;
        }
        Flight flight = flights.get(organization);
        boolean owner = false;
        if (flight == null) {
            Flight mine = Flight.single();
            flight = flights.putIfAbsent(organization, mine);
            if (flight == null) {
                flight = mine;
                owner = true;
            }
        }
        if (owner) {
            runSingle(organization, flight);
        } else if (flight.batch != null) {
            // The batch holding this key has not started: run it here rather than wait behind the whole reload.
            flight.batch.run();
        }
        return flight.await();
    }

    private void runSingle(OrganizationId organization, Flight flight) {
        try {
            Object hit = fresh.get(organization);
            flight.outcome.complete(hit != null ? hit : loadAndPublish(organization));
        } catch (CredentialStoreUnavailableException e) {
            Object expired = stale.afterStoreFailure(organization);
            if (expired != null) {
                flight.outcome.complete(expired);
            } else {
                flight.outcome.completeExceptionally(e);
            }
        } catch (Throwable t) {
            flight.outcome.completeExceptionally(t);
        } finally {
            flights.remove(organization, flight);
        }
    }

    /** Loads and publishes one key, repeating loads that raced with an invalidation. */
    private Object loadAndPublish(OrganizationId organization) {
        int stripe = Epochs.stripe(organization);
        for (int attempt = 1; ; attempt++) {
            context.checkOpen();
            long stripeEpoch = context.epochs.stripeEpoch(stripe);
            long global = context.epochs.global();
            long start = context.ticker.read();
            Object client;
            try {
                client = context.loader.load(organization, code);
            } catch (RuntimeException e) {
                context.counters.loadNanos.add(context.ticker.read() - start);
                context.counters.countFailure(e);
                throw e;
            }
            context.counters.loadNanos.add(context.ticker.read() - start);
            context.counters.loadSuccesses.increment();
            boolean last = attempt >= CacheContext.MAX_LOAD_ATTEMPTS;
            Object published = publish(organization, client, stripeEpoch, global, last);
            if (published != null) {
                if (published != client) {
                    context.loader.close(client, organization, code);
                }
                return published;
            }
            context.loader.close(client, organization, code);
            Object current = fresh.get(organization);
            if (current != null) {
                // A load that started after the invalidation has published meanwhile: use it, do not load again.
                return current;
            }
            CacheContext.LOG.debug("load of organization {}, provider {} raced with an invalidation; loading again",
                    organization, code);
        }
    }

    /**
     * Installs a loaded client if no invalidation happened since its load read the epochs, atomically with its
     * entry. Returns the client to hand out, or null when the load raced and should be repeated. On the
     * {@code last} attempt a raced client is kept unservable (so that it is closed later) and returned; if a newer
     * load has already published, that one is returned instead.
     */
    Object publish(OrganizationId organization, Object client, long stripeEpoch, long global, boolean last) {
        if (context.closed) {
            context.loader.close(client, organization, code);
            context.checkOpen();
        }
        int stripe = Epochs.stripe(organization);
        long refreshAt = context.refreshNanos > 0 ? context.ticker.read() + context.refreshNanos : Long.MAX_VALUE;
        Object[] handedOut = new Object[1];
        entries.asMap().compute(organization, (key, old) -> {
            boolean raced = context.closed || context.epochs.stripeEpoch(stripe) != stripeEpoch
                    || context.epochs.global() != global;
            if (!raced) {
                fresh.put(key, client);
                handedOut[0] = client;
                return new Entry(client, true, refreshAt, global);
            }
            if (!last || context.closed) {
                return old;
            }
            if (old != null && old.servable) {
                handedOut[0] = old.client;
                return old;
            }
            fresh.remove(key);
            handedOut[0] = client;
            return new Entry(client, false, Long.MAX_VALUE, global);
        });
        if (handedOut[0] == client) {
            stale.invalidate(organization);
        }
        return handedOut[0];
    }

    /** Runs inside Caffeine's removal of an entry by the size bound or the TTL. */
    private void onEvicted(OrganizationId organization, Entry entry, RemovalCause cause) {
        if (entry == null) {
            return;
        }
        fresh.remove(organization, entry.client);
        context.counters.evictions.increment();
        if (cause == RemovalCause.EXPIRED && stale.enabled() && entry.servable && !context.closed) {
            stale.retain(organization, entry);
        }
    }

    /** A sampled hit: tells Caffeine's size policy about it and starts a background refresh when one is due. */
    void touch(OrganizationId organization) {
        Entry entry = entries.getIfPresent(organization);
        if (entry == null || context.refreshNanos <= 0 || !entry.servable || context.closed) {
            return;
        }
        if (context.ticker.read() - entry.nextRefreshAt < 0 || !entry.startRefresh()) {
            return;
        }
        Flight flight = Flight.single();
        if (flights.putIfAbsent(organization, flight) != null) {
            entry.endRefresh();
            return;
        }
        try {
            context.background.execute(() -> refresh(organization, entry, flight));
        } catch (RejectedExecutionException e) {
            flights.remove(organization, flight);
            flight.outcome.complete(entry.client);
        }
    }

    private void refresh(OrganizationId organization, Entry entry, Flight flight) {
        try {
            flight.outcome.complete(loadAndPublish(organization));
        } catch (Throwable t) {
            // The current client stays in use until its TTL; try again a little later.
            entry.nextRefreshAt = context.ticker.read() + Math.min(context.refreshNanos, REFRESH_RETRY_NANOS);
            CacheContext.LOG.debug("background refresh of organization {}, provider {} failed: {}", organization, code,
                    t.getClass().getName());
            flight.outcome.completeExceptionally(t);
        } finally {
            flights.remove(organization, flight);
            entry.endRefresh();
        }
    }

    /**
     * Drops the key's entry and its hit; the removal listener hands the client to the closer. {@code compute}, not
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

    /** Drops everything the segment holds of one organization, after its epoch was changed. */
    void drop(OrganizationId organization) {
        remove(organization);
        stale.invalidate(organization);
        // Last: a load in flight now may have started before this invalidation (or, registered before the entry was
        // removed, may answer with the entry's client), so later callers must not join it. Removing it first would
        // let a flight registered in between answer with the client being dropped.
        flights.remove(organization);
    }

    /** Applies pending expiry and size evictions now. */
    void cleanUp() {
        entries.cleanUp();
        stale.cleanUp();
    }

    /** Keys held in all structures: hit map, entries, loads in flight, expired entries. */
    long retainedKeyCount() {
        return fresh.size() + entries.asMap().size() + flights.size() + stale.size();
    }

    /** Drops every entry (the cache is closing); their clients go to the closer. */
    void removeAll() {
        for (OrganizationId organization : new ArrayList<>(entries.asMap().keySet())) {
            remove(organization);
        }
        entries.invalidateAll();
        stale.invalidateAll();
    }
}
