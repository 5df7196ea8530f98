package dev.providersettings.scaleway;

import dev.providersettings.exception.ConfigurationException;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The one place that decides whether a failed Scaleway call is tried again and after how long.
 *
 * <table>
 * <caption>What is retried</caption>
 * <tr><th>failure</th><th>idempotent call (GET, DELETE, PATCH to an absolute value)</th>
 *     <th>non-idempotent call (create POST, server action)</th></tr>
 * <tr><td>429 rate limited</td><td>yes</td><td>yes: the gateway refused it, nothing was done</td></tr>
 * <tr><td>409 {@code transient_state}</td><td>yes, after at least {@code transientStateDelay}</td>
 *     <td>yes: the API refused it because the resource is busy</td></tr>
 * <tr><td>500, 502, 503, 504</td><td>yes</td><td>no: the server may have acted</td></tr>
 * <tr><td>connection not established (refused, DNS, connect timeout)</td><td>yes</td><td>yes: nothing was sent</td></tr>
 * <tr><td>request timeout, connection dropped after sending</td><td>yes</td><td>no: the outcome is unknown</td></tr>
 * <tr><td>any other error (400, 401, 403, 404, 409 other, 412 ...)</td><td>no</td><td>no</td></tr>
 * </table>
 *
 * <p><b>Throttling (429).</b> The gateway answers bursts of 429s (recorded: runs of 4 to 6 in a row, the same call
 * answered 200 two to three seconds later) with no {@code Retry-After}. Such answers are retried with their own,
 * larger delays: from {@code throttledBaseDelay} (1 s) doubling to {@code throttledMaxDelay} (10 s), with "equal
 * jitter" (half the delay fixed, half random) so that throttled callers neither retry in lock-step nor retry at
 * once into the same throttling window. They are bounded by time, not by a small count: by default a call keeps
 * retrying 429s until the next delay would end after {@code totalBudget} (2 min), which rides out at least 14
 * consecutive 429s (18 with average jitter, spread over about two minutes); {@code maxThrottledAttempts} can add
 * a count.
 *
 * <p><b>Other failures.</b> Delays grow exponentially from {@code baseDelay}, capped at {@code maxDelay}, with "full
 * jitter" (uniform between 0 and the cap); {@code transient_state} waits from {@code transientStateDelay}, without
 * jitter (capped at {@code maxDelay} too). At most {@code maxAttempts} attempts fail this way.
 *
 * <p>A {@code Retry-After} header is honoured instead of the computed delay, up to one day (a larger or absurd value
 * counts as one day, never an arithmetic overflow); a wait that would end after the budget is not started and the
 * call fails at once. No retry starts if its delay would end after {@code totalBudget} counted from the first
 * attempt. The retry state lives in the call (its own thread, counters and clock readings): nothing is shared
 * between calls or organizations, so one organization's throttled calls never hold up another's. Sleeping goes
 * through {@link Sleeper} so tests do not sleep; an interrupted sleep ends the call with a
 * {@link ScalewayClientException} ({@code INTERRUPTED}) and the interrupt flag set.
 */
public final class RetryPolicy {

    /** Sleeps between attempts and while polling; replace it in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps for {@code duration}, or throws if interrupted. */
        void sleep(Duration duration) throws InterruptedException;

        /** {@link Thread#sleep}. */
        Sleeper SYSTEM = duration -> {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        };
    }

    /** The longest {@code Retry-After} honoured; a larger value counts as this much (and so exceeds the budget). */
    public static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private final int maxAttempts;
    private final int maxThrottledAttempts;
    private final Duration throttledBaseDelay;
    private final Duration throttledMaxDelay;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration totalBudget;
    private final Duration transientStateDelay;
    private final boolean jitter;
    private final Sleeper sleeper;
    private final LongSupplier nanoClock;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.maxThrottledAttempts = b.maxThrottledAttempts;
        this.throttledBaseDelay = b.throttledBaseDelay;
        this.throttledMaxDelay = b.throttledMaxDelay;
        this.baseDelay = b.baseDelay;
        this.maxDelay = b.maxDelay;
        this.totalBudget = b.totalBudget;
        this.transientStateDelay = b.transientStateDelay;
        this.jitter = b.jitter;
        this.sleeper = b.sleeper;
        this.nanoClock = b.nanoClock;
    }

    /**
     * The defaults: 429s retried from 1 s doubling to 10 s (equal jitter) for as long as the 2 min budget allows;
     * other failures 4 attempts, from 500 ms doubling to 30 s (full jitter); 2 s after {@code transient_state}.
     */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** One attempt, never retried (not after a 429 either). */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).maxThrottledAttempts(1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with this policy's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.maxThrottledAttempts = maxThrottledAttempts;
        b.throttledBaseDelay = throttledBaseDelay;
        b.throttledMaxDelay = throttledMaxDelay;
        b.baseDelay = baseDelay;
        b.maxDelay = maxDelay;
        b.totalBudget = totalBudget;
        b.transientStateDelay = transientStateDelay;
        b.jitter = jitter;
        b.sleeper = sleeper;
        b.nanoClock = nanoClock;
        return b;
    }

    /**
     * Whether {@code failure} of a call may be retried (ignoring the attempt count and budget).
     *
     * @param failure    what went wrong
     * @param idempotent whether repeating the call has the same effect as doing it once
     */
    public boolean isRetryable(ScalewayException failure, boolean idempotent) {
        if (failure instanceof ScalewayTransportException transport) {
            return idempotent || !transport.mayHaveReachedServer();
        }
        if (!(failure instanceof ScalewayServiceException service)) {
            return false;
        }
        switch (service.errorType()) {
            case THROTTLED:
            case TRANSIENT_STATE:
                return true;
            case SERVER_ERROR:
                int status = service.status();
                return idempotent && (status == 500 || status == 502 || status == 503 || status == 504);
            default:
                return false;
        }
    }

    /**
     * The delay before the next attempt after {@code failure}.
     *
     * @param retry   how many attempts have failed the same way so far (answered 429 for a 429, failed otherwise
     *                for other failures): 1 before the first retry of that kind
     * @param failure what went wrong
     */
    public Duration delayBeforeRetry(int retry, ScalewayException failure) {
        ScalewayServiceException service = failure instanceof ScalewayServiceException s ? s : null;
        ScalewayErrorType type = service == null ? null : service.errorType();
        Long retryAfter = service == null ? null : service.error().retryAfter();
        if (retryAfter != null && retryAfter >= 0) {
            return retryAfter >= MAX_RETRY_AFTER.getSeconds() ? MAX_RETRY_AFTER : Duration.ofSeconds(retryAfter);
        }
        if (type == ScalewayErrorType.THROTTLED) {
            Duration cap = exponential(throttledBaseDelay, retry, throttledMaxDelay);
            if (!jitter) {
                return cap;
            }
            // Equal jitter: never less than half the delay, or the retry would land in the same throttling window.
            long half = cap.toNanos() / 2;
            return Duration.ofNanos(cap.toNanos() - half + ThreadLocalRandom.current().nextLong(half + 1));
        }
        if (type == ScalewayErrorType.TRANSIENT_STATE) {
            // The resource needs time to leave its state: waiting less than the base would only waste an attempt.
            return exponential(transientStateDelay, retry, maxDelay);
        }
        Duration cap = exponential(baseDelay, retry, maxDelay);
        if (!jitter) {
            return cap;
        }
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(cap.toNanos() + 1));
    }

    private static Duration exponential(Duration base, int retry, Duration max) {
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long nanos = base.toNanos();
        long grown = nanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : nanos << shift;
        return Duration.ofNanos(Math.min(grown, max.toNanos()));
    }

    /** The most attempts that fail other than with a 429 (the first attempt included). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The most attempts answered 429 ({@link Integer#MAX_VALUE} by default: only the budget ends them). */
    public int maxThrottledAttempts() {
        return maxThrottledAttempts;
    }

    /** The delay cap of the first retry after a 429; doubled for each further 429. */
    public Duration throttledBaseDelay() {
        return throttledBaseDelay;
    }

    /** The largest delay after a 429 (without {@code Retry-After}). */
    public Duration throttledMaxDelay() {
        return throttledMaxDelay;
    }

    public Duration baseDelay() {
        return baseDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public Duration totalBudget() {
        return totalBudget;
    }

    public Duration transientStateDelay() {
        return transientStateDelay;
    }

    public boolean jitter() {
        return jitter;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    /** The monotonic clock (nanoseconds) the budget and waits are measured with. */
    public LongSupplier nanoClock() {
        return nanoClock;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", maxThrottledAttempts="
                + (maxThrottledAttempts == Integer.MAX_VALUE ? "budget" : maxThrottledAttempts)
                + ", throttledBaseDelay=" + throttledBaseDelay + ", throttledMaxDelay=" + throttledMaxDelay
                + ", baseDelay=" + baseDelay + ", maxDelay=" + maxDelay
                + ", totalBudget=" + totalBudget + ", transientStateDelay=" + transientStateDelay + ", jitter=" + jitter + "]";
    }

    /** Builds a {@link RetryPolicy}; every value is checked. */
    public static final class Builder {
        /** The longest delay or budget accepted: far beyond any use, far below an overflow of nanoseconds. */
        private static final Duration MAX_DURATION = Duration.ofDays(365);

        private int maxAttempts = 4;
        private int maxThrottledAttempts = Integer.MAX_VALUE;
        private Duration throttledBaseDelay = Duration.ofSeconds(1);
        private Duration throttledMaxDelay = Duration.ofSeconds(10);
        private Duration baseDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private Duration totalBudget = Duration.ofMinutes(2);
        private Duration transientStateDelay = Duration.ofSeconds(2);
        private boolean jitter = true;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /**
         * The most attempts that fail with something other than a 429, first included (1 = never retry such
         * failures; default 4). 429s are bounded by {@link #maxThrottledAttempts(int)} and the budget.
         */
        public Builder maxAttempts(int value) {
            if (value < 1 || value > 100) {
                throw new ConfigurationException("RetryPolicy maxAttempts is " + value + ": use 1 (no retry) to 100");
            }
            this.maxAttempts = value;
            return this;
        }

        /**
         * The most attempts answered 429 before giving up (1 = never retry a 429). Default: no count, the total
         * budget ends them.
         */
        public Builder maxThrottledAttempts(int value) {
            if (value < 1) {
                throw new ConfigurationException("RetryPolicy maxThrottledAttempts is " + value
                        + ": use 1 (no retry) or more; by default only totalBudget bounds them");
            }
            this.maxThrottledAttempts = value;
            return this;
        }

        /** The delay cap of the first retry after a 429 (default 1 s); doubled for each further 429. */
        public Builder throttledBaseDelay(Duration value) {
            this.throttledBaseDelay = positiveOrZero("throttledBaseDelay", value);
            return this;
        }

        /** The largest delay after a 429 without {@code Retry-After} (default 10 s). */
        public Builder throttledMaxDelay(Duration value) {
            this.throttledMaxDelay = positiveOrZero("throttledMaxDelay", value);
            return this;
        }

        /** The delay cap of the first retry; doubled for each further retry. */
        public Builder baseDelay(Duration value) {
            this.baseDelay = positiveOrZero("baseDelay", value);
            return this;
        }

        /** The largest delay between two attempts. */
        public Builder maxDelay(Duration value) {
            this.maxDelay = positiveOrZero("maxDelay", value);
            return this;
        }

        /** No retry starts if it would begin later than this after the first attempt started. */
        public Builder totalBudget(Duration value) {
            this.totalBudget = positiveOrZero("totalBudget", value);
            return this;
        }

        /** The first wait after a {@code transient_state} answer (doubled for each further one). */
        public Builder transientStateDelay(Duration value) {
            this.transientStateDelay = positiveOrZero("transientStateDelay", value);
            return this;
        }

        /** Whether delays are randomised between 0 and the exponential cap ("full jitter"; default true). */
        public Builder jitter(boolean value) {
            this.jitter = value;
            return this;
        }

        /** How to sleep; tests pass a recording sleeper that returns at once. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** The monotonic clock in nanoseconds (default {@link System#nanoTime}); tests pass a fake one. */
        public Builder nanoClock(LongSupplier value) {
            this.nanoClock = Objects.requireNonNull(value, "nanoClock");
            return this;
        }

        public RetryPolicy build() {
            if (maxDelay.compareTo(baseDelay) < 0) {
                throw new ConfigurationException("RetryPolicy maxDelay " + maxDelay + " is below baseDelay "
                        + baseDelay + ": raise maxDelay or lower baseDelay");
            }
            if (throttledMaxDelay.compareTo(throttledBaseDelay) < 0) {
                throw new ConfigurationException("RetryPolicy throttledMaxDelay " + throttledMaxDelay
                        + " is below throttledBaseDelay " + throttledBaseDelay
                        + ": raise throttledMaxDelay or lower throttledBaseDelay");
            }
            return new RetryPolicy(this);
        }

        private static Duration positiveOrZero(String name, Duration value) {
            if (value == null || value.isNegative()) {
                throw new ConfigurationException("RetryPolicy " + name + " is " + value + ": use a duration >= 0");
            }
            if (value.compareTo(MAX_DURATION) > 0) {
                throw new ConfigurationException("RetryPolicy " + name + " is " + value + ": use at most "
                        + MAX_DURATION);
            }
            return value;
        }
    }
}
