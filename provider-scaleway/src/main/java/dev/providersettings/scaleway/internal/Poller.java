package dev.providersettings.scaleway.internal;

import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayWaitException;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a resource by polling it: every {@code interval}, for at most a timeout, on the retry policy's clock
 * and sleeper (so tests do not sleep). One per factory; holds no state of a wait.
 */
public final class Poller {
    private final RetryPolicy policy;
    private final Duration interval;

    /**
     * @param policy   whose {@link RetryPolicy#nanoClock()} measures the timeout and whose
     *                 {@link RetryPolicy#sleeper()} sleeps between polls
     * @param interval the time between two polls
     */
    public Poller(RetryPolicy policy, Duration interval) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    /**
     * Fetches the resource until {@code done} holds, checking {@code failure} first on every poll (a volume in
     * {@code error} with the new size has not been resized successfully).
     *
     * @param what    the resource, for messages ({@code volume 1234})
     * @param fetch   one read of the resource; its exceptions end the wait
     * @param done    whether the wait has succeeded
     * @param state   the resource's state, for messages and {@link ScalewayWaitException#lastState()}
     * @param failure why the resource's state is a failure, or null if it is not
     * @return the resource as last fetched
     * @throws ScalewayWaitException    {@code WAIT_FAILED_STATE} or, after {@code timeout}, {@code WAIT_TIMED_OUT}
     * @throws ScalewayClientException {@code INTERRUPTED} if the thread is interrupted while sleeping
     */
    public <T> T until(String what, Supplier<T> fetch, Predicate<T> done, Function<T, String> state,
                       Function<T, String> failure, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long start = policy.nanoClock().getAsLong();
        long budget = Durations.saturatedNanos(timeout);
        while (true) {
            T value = fetch.get();
            String lastState = state.apply(value);
            String failed = failure.apply(value);
            if (failed != null) {
                throw new ScalewayWaitException(ScalewayClientException.Reason.WAIT_FAILED_STATE, failed, lastState);
            }
            if (done.test(value)) {
                return value;
            }
            long left = budget - (policy.nanoClock().getAsLong() - start);
            if (left <= 0) {
                throw new ScalewayWaitException(ScalewayClientException.Reason.WAIT_TIMED_OUT, "gave up waiting for "
                        + what + " after " + timeout + ": last state '" + lastState + "'; raise the timeout or check "
                        + "the resource", lastState);
            }
            sleep(what, left);
        }
    }

    /**
     * Reads the resource's state until the read fails with {@link ScalewayNotFoundException}.
     *
     * @throws ScalewayWaitException    {@code WAIT_TIMED_OUT} if the resource is still there after {@code timeout}
     * @throws ScalewayClientException {@code INTERRUPTED} if the thread is interrupted while sleeping
     */
    public void untilGone(String what, Supplier<String> state, Duration timeout) {
        // Empty once the read answers 404: the wait is over.
        Supplier<Optional<String>> read = () -> {
            try {
                return Optional.of(Objects.requireNonNullElse(state.get(), "unknown"));
            } catch (ScalewayNotFoundException gone) {
                return Optional.empty();
            }
        };
        until(what + " to be deleted", read, Optional::isEmpty, last -> last.orElse(null), last -> null, timeout);
    }

    private void sleep(String what, long leftNanos) {
        try {
            policy.sleeper().sleep(Duration.ofNanos(Math.min(leftNanos, interval.toNanos())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ScalewayClientException.interrupted("interrupted while waiting for " + what, null, e);
        }
    }
}
