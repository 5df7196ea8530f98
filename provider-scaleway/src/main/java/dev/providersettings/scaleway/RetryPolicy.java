package dev.providersettings.scaleway;

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
 * <p>Delays grow exponentially from {@code baseDelay}, capped at {@code maxDelay}, with "full jitter" (a uniform
 * random delay between 0 and the cap) so that many tenants throttled at once do not retry in lock-step: Scaleway's
 * 429 has no {@code Retry-After}. A {@code Retry-After} header, if ever sent, is honoured instead. No more than
 * {@code maxAttempts} attempts are made, and no retry starts if its delay would end after {@code totalBudget}
 * counted from the first attempt. Sleeping goes through {@link Sleeper} so tests do not sleep; an interrupted sleep
 * ends the call with {@link ScalewayInterruptedException} and the interrupt flag set.
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

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration totalBudget;
    private final Duration transientStateDelay;
    private final boolean jitter;
    private final Sleeper sleeper;
    private final LongSupplier nanoClock;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.baseDelay = b.baseDelay;
        this.maxDelay = b.maxDelay;
        this.totalBudget = b.totalBudget;
        this.transientStateDelay = b.transientStateDelay;
        this.jitter = b.jitter;
        this.sleeper = b.sleeper;
        this.nanoClock = b.nanoClock;
    }

    /** The defaults: 4 attempts, 500 ms base delay, 30 s cap, 2 min budget, 2 s after transient_state, jitter. */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** One attempt, never retried. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with this policy's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
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
        if (failure instanceof ScalewayException.RateLimited || failure instanceof ScalewayException.TransientState) {
            return true;
        }
        if (failure instanceof ScalewayTransportException transport) {
            return idempotent || !transport.mayHaveReachedServer();
        }
        if (failure instanceof ScalewayException.ServerError) {
            int status = failure.status();
            return idempotent && (status == 500 || status == 502 || status == 503 || status == 504);
        }
        return false;
    }

    /**
     * The delay before retry number {@code retry} (1 for the second attempt) after {@code failure}.
     */
    public Duration delayBeforeRetry(int retry, ScalewayException failure) {
        Long retryAfter = failure.error().map(ScalewayError::retryAfter).orElse(null);
        if (retryAfter != null && retryAfter >= 0) {
            return Duration.ofSeconds(retryAfter);
        }
        Duration base = failure instanceof ScalewayException.TransientState ? transientStateDelay : baseDelay;
        Duration cap = exponential(base, retry);
        if (failure instanceof ScalewayException.TransientState) {
            // The resource needs time to leave its state: waiting less than the base would only waste an attempt.
            return cap;
        }
        if (!jitter) {
            return cap;
        }
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(cap.toNanos() + 1));
    }

    private Duration exponential(Duration base, int retry) {
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long nanos = base.toNanos();
        long grown = nanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : nanos << shift;
        return Duration.ofNanos(Math.min(grown, maxDelay.toNanos()));
    }

    public int maxAttempts() {
        return maxAttempts;
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
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", baseDelay=" + baseDelay + ", maxDelay=" + maxDelay
                + ", totalBudget=" + totalBudget + ", transientStateDelay=" + transientStateDelay + ", jitter=" + jitter + "]";
    }

    /** Builds a {@link RetryPolicy}; every value is checked. */
    public static final class Builder {
        private int maxAttempts = 4;
        private Duration baseDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private Duration totalBudget = Duration.ofMinutes(2);
        private Duration transientStateDelay = Duration.ofSeconds(2);
        private boolean jitter = true;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /** Attempts in total, first included (1 = never retry). */
        public Builder maxAttempts(int value) {
            if (value < 1 || value > 100) {
                throw new ScalewayRequestException("RetryPolicy maxAttempts is " + value + ": use 1 (no retry) to 100");
            }
            this.maxAttempts = value;
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
                throw new ScalewayRequestException("RetryPolicy maxDelay " + maxDelay + " is below baseDelay "
                        + baseDelay + ": raise maxDelay or lower baseDelay");
            }
            return new RetryPolicy(this);
        }

        private static Duration positiveOrZero(String name, Duration value) {
            if (value == null || value.isNegative()) {
                throw new ScalewayRequestException("RetryPolicy " + name + " is " + value + ": use a duration >= 0");
            }
            return value;
        }
    }
}
