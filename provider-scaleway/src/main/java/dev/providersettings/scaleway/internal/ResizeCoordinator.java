package dev.providersettings.scaleway.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayWaitException;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Lets one resize of a volume be in flight per (organization, zone, volume) within one factory: a second call
 * for the same volume waits for the first instead of sending its own PATCH. A call for the same size gets the
 * first call's outcome; a call for another size waits for the first to end and then runs its own resize against
 * the volume as the first left it.
 *
 * <p>The key holds the organization, so one organization's call never waits on, or receives the outcome of,
 * another organization's call for the same volume id.
 */
public final class ResizeCoordinator {

    /** What identifies one volume's resize. */
    public record Key(OrganizationId tenant, String zone, String volumeId) {
    }

    private static final class Flight {
        final long size;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();

        Flight(long size) {
            this.size = size;
        }
    }

    private final ConcurrentHashMap<Key, Flight> flights = new ConcurrentHashMap<>();

    /** How many resizes are in flight (for tests). */
    public int inFlight() {
        return flights.size();
    }

    /**
     * Runs {@code resize}, or joins the resize of the same volume already in flight.
     *
     * @param key     the volume
     * @param size    the requested size in bytes
     * @param timeout how long this call may wait for another call's resize before giving up
     * @param resize  the resize itself (GET, PATCH, poll), run by at most one caller per key at a time
     * @return the volume as the resize left it
     * @throws ScalewayWaitException        if {@code timeout} passes while another call's resize is in flight
     * @throws ScalewayClientException     ({@code INTERRUPTED}) if interrupted while waiting for another call's resize
     */
    @SuppressWarnings("unchecked")
    public <T> T run(Key key, long size, Duration timeout, Supplier<T> resize) {
        Objects.requireNonNull(key, "key");
        long budget = Durations.saturatedNanos(timeout);
        long start = System.nanoTime();
        while (true) {
            Flight mine = new Flight(size);
            Flight current = flights.putIfAbsent(key, mine);
            if (current == null) {
                return lead(key, mine, resize);
            }
            Object outcome = await(key, current, budget - (System.nanoTime() - start), timeout);
            if (current.size != size) {
                continue;   // another size: now that the volume has settled, run this call's own resize
            }
            if (outcome instanceof Failure failure) {
                if (failure.mayRetry()) {
                    continue;   // the leader was interrupted or ran out of its own time: not this call's outcome
                }
                throw failure.exception();
            }
            return (T) outcome;
        }
    }

    private <T> T lead(Key key, Flight mine, Supplier<T> resize) {
        // Removed before the outcome is published: a caller that sees the outcome and loops finds the slot free.
        try {
            T result = resize.get();
            flights.remove(key, mine);
            mine.outcome.complete(result);
            return result;
        } catch (RuntimeException e) {
            flights.remove(key, mine);
            mine.outcome.complete(new Failure(e));
            throw e;
        } catch (Error e) {
            flights.remove(key, mine);
            mine.outcome.complete(new Failure(null));
            throw e;
        }
    }

    private Object await(Key key, Flight current, long left, Duration timeout) {
        try {
            if (left <= 0) {
                throw new TimeoutException();
            }
            return current.outcome.get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ScalewayClientException.interrupted("interrupted while waiting for the resize of volume "
                    + key.volumeId() + " already in progress", null, e);
        } catch (TimeoutException e) {
            throw new ScalewayWaitException(ScalewayClientException.Reason.WAIT_TIMED_OUT, "gave up waiting for volume "
                    + key.volumeId() + " after " + timeout + ": a resize to " + current.size + " bytes started by "
                    + "another call is still in progress; raise the timeout or check the volume", null);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a resize outcome is never completed exceptionally", e);
        }
    }

    /** How the leader's resize failed, kept as a value so waiting callers can tell it from a result. */
    private record Failure(RuntimeException exception) {

        /**
         * Whether a waiting caller should run its own resize instead of taking this failure: the leader was
         * interrupted, ran out of its own (maybe shorter) time, or died of an {@link Error}. None says anything about
         * the volume.
         */
        boolean mayRetry() {
            return exception == null || (exception instanceof ScalewayClientException c
                    && (c.reason() == ScalewayClientException.Reason.INTERRUPTED
                    || c.reason() == ScalewayClientException.Reason.WAIT_TIMED_OUT));
        }
    }
}
