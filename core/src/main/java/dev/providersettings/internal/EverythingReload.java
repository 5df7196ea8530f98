package dev.providersettings.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.exception.CredentialStoreUnavailableException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Invalidating everything in one provider's segment while keeping its clients warm: before the entries are
 * removed, one batch flight is registered per chunk of {@value #RELOAD_BATCH_SIZE} cached organizations, and each
 * chunk is reloaded with one {@link ClientCache.Loader#loadMany} call on a background thread. A get that misses
 * during the reload waits for the batch holding its key, and runs that batch itself when no thread has started it
 * yet, so it waits for one batch, not for the whole reload.
 */
final class EverythingReload {
    /** Organizations per {@link ClientCache.Loader#loadMany} call when everything is reloaded. */
    static final int RELOAD_BATCH_SIZE = 250;

    private EverythingReload() {
    }

    /**
     * Drops every cached client of {@code segment} published before {@code global} and reloads the ones that were
     * cached (and those an earlier, unfinished reload had planned) in batches, in the background.
     */
    static void start(CacheContext context, Segment segment, long global) {
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
                batch = new Batch(context, segment, global);
                batches.add(batch);
            }
            Flight flight = new Flight(batch, context.epochs.stripeEpoch(organization));
            batch.organizations.add(organization);
            batch.flights.put(organization, flight);
            segment.flights.put(organization, flight);
        }
        superseded.forEach((organization, old) -> {
            Flight replacement = segment.flights.get(organization);
            if (replacement != null && replacement != old) {
                old.follow(replacement);
            } else {
                old.outcome.completeExceptionally(new CredentialStoreUnavailableException(
                        "the reload of organization " + organization + " was superseded; get it again", null));
            }
        });
        for (OrganizationId organization : cached) {
            // Only entries older than this invalidation: a get may already have run its batch and published.
            segment.removeOlderThan(organization, global);
        }
        segment.stale.invalidateAll();
        for (Batch each : batches) {
            try {
                context.background.execute(each);
            } catch (RejectedExecutionException e) {
                // Closed meanwhile: the gets that wait run their batch themselves and fail as closed.
                each.run();
            }
        }
        if (!batches.isEmpty()) {
            CacheContext.LOG.debug("reloading {} clients of provider {} in {} batches", cached.size(), segment.code,
                    batches.size());
        }
    }

    /** One chunk of an "everything" reload; runs once, on a background thread or on the first get that needs it. */
    static final class Batch implements Runnable {
        final Map<OrganizationId, Flight> flights = new HashMap<>();
        final List<OrganizationId> organizations = new ArrayList<>();
        final AtomicBoolean started = new AtomicBoolean();
        private final CacheContext context;
        private final Segment segment;
        private final long globalEpoch;

        Batch(CacheContext context, Segment segment, long globalEpoch) {
            this.context = context;
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
            CacheCounters counters = context.counters;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > 1) {
                    // Epochs before the store is read again, as for a single load.
                    global = context.epochs.global();
                    for (OrganizationId organization : pending) {
                        stripeEpochs.put(organization, context.epochs.stripeEpoch(organization));
                    }
                }
                long start = context.ticker.read();
                Map<OrganizationId, ClientCache.Outcome> outcomes;
                try {
                    outcomes = context.loader.loadMany(segment.code, pending);
                } catch (RuntimeException e) {
                    counters.loadFailures.add(pending.size());
                    counters.loadNanos.add(context.ticker.read() - start);
                    CacheContext.LOG.warn("reloading {} cached clients of provider {} failed ({}); they load again on "
                            + "their next get", pending.size(), segment.code, e.getClass().getName());
                    for (OrganizationId organization : pending) {
                        flights.get(organization).outcome.completeExceptionally(e);
                    }
                    return;
                }
                counters.loadNanos.add(context.ticker.read() - start);
                boolean last = attempt >= CacheContext.MAX_LOAD_ATTEMPTS;
                List<OrganizationId> raced = new ArrayList<>();
                for (OrganizationId organization : pending) {
                    if (!deliver(organization, outcomes.get(organization), stripeEpochs.get(organization), global,
                            last)) {
                        raced.add(organization);
                    }
                }
                // Keys invalidated while the batch ran are read again together, not one statement each.
                pending = raced;
            }
        }

        /** Publishes one organization's outcome and completes its flight; false if its load raced and is repeated. */
        private boolean deliver(OrganizationId organization, ClientCache.Outcome outcome, long stripeEpoch,
                                long global, boolean last) {
            Flight flight = flights.get(organization);
            try {
                if (outcome == null || outcome.failure() != null) {
                    RuntimeException failure = outcome == null
                            ? new IllegalStateException("the loader returned no outcome for a requested organization")
                            : outcome.failure();
                    context.counters.countFailure(failure);
                    flight.outcome.completeExceptionally(failure);
                    return true;
                }
                context.counters.loadSuccesses.increment();
                Object client = outcome.client();
                Object published = segment.publish(organization, client, stripeEpoch, global, last);
                if (published == null) {
                    context.loader.close(client, organization, segment.code);
                    // If a newer "everything" raced this load, it plans this key too (its flight is not done): once
                    // it has registered its flight, follow that one rather than load the key a third time.
                    context.awaitEverythingPlanned();
                    Object current = segment.fresh.get(organization);
                    Flight newer = segment.flights.get(organization);
                    if (current != null) {
                        // A newer load has published meanwhile (the map holds only valid clients).
                        flight.outcome.complete(current);
                    } else if (newer != null && newer != flight) {
                        // A later invalidation planned its own load of this key: answer with that one.
                        flight.follow(newer);
                    } else {
                        return false;
                    }
                    return true;
                }
                if (published != client) {
                    context.loader.close(client, organization, segment.code);
                }
                flight.outcome.complete(published);
            } catch (RuntimeException e) {
                flight.outcome.completeExceptionally(e);
            }
            return true;
        }
    }
}
