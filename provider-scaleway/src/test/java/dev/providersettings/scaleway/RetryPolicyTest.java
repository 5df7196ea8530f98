package dev.providersettings.scaleway;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.scaleway.internal.ErrorMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decision table and delays of {@link RetryPolicy}. */
class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.builder().baseDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(1)).transientStateDelay(Duration.ofMillis(300)).jitter(false).build();

    private static ScalewayException error(int status, String body) {
        return ErrorMapper.toException("GET /x", status, "r", null, null, body.getBytes());
    }

    @Test
    void decisionTable() {
        ScalewayException limited = error(429, "");
        ScalewayException busy = error(409, "{\"type\":\"transient_state\"}");
        ScalewayTransportException refused = new ScalewayTransportException("refused", "POST /x", false, new IOException());
        ScalewayTransportException timeout = new ScalewayTransportException("timeout", "POST /x", true, new IOException());
        for (boolean idempotent : new boolean[] {true, false}) {
            assertThat(policy.isRetryable(limited, idempotent)).isTrue();
            assertThat(policy.isRetryable(busy, idempotent)).isTrue();
            assertThat(policy.isRetryable(refused, idempotent)).isTrue();
            assertThat(policy.isRetryable(error(400, "{\"type\":\"invalid_arguments\"}"), idempotent)).isFalse();
            assertThat(policy.isRetryable(error(401, ""), idempotent)).isFalse();
            assertThat(policy.isRetryable(error(404, ""), idempotent)).isFalse();
            assertThat(policy.isRetryable(error(409, "{\"type\":\"already_exists\"}"), idempotent)).isFalse();
            assertThat(policy.isRetryable(error(501, ""), idempotent)).isFalse();
        }
        assertThat(policy.isRetryable(timeout, true)).isTrue();
        assertThat(policy.isRetryable(timeout, false)).isFalse();
        for (int status : new int[] {500, 502, 503, 504}) {
            assertThat(policy.isRetryable(error(status, ""), true)).as("idempotent %s", status).isTrue();
            assertThat(policy.isRetryable(error(status, ""), false)).as("create %s", status).isFalse();
        }
    }

    @Test
    void exponentialDelaysAreCappedAndTransientStateWaitsLonger() {
        ScalewayException unavailable = error(503, "");
        assertThat(policy.delayBeforeRetry(1, unavailable)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delayBeforeRetry(2, unavailable)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayBeforeRetry(3, unavailable)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.delayBeforeRetry(5, unavailable)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBeforeRetry(80, unavailable)).isEqualTo(Duration.ofSeconds(1));
        ScalewayException busy = error(409, "{\"type\":\"transient_state\"}");
        assertThat(policy.delayBeforeRetry(1, busy)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.delayBeforeRetry(2, busy)).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void throttlingHasItsOwnLargerDelays() {
        ScalewayException limited = error(429, "");
        // The defaults (jitter off to read the caps): 1 s doubling to 10 s.
        RetryPolicy defaults = RetryPolicy.defaults().toBuilder().jitter(false).build();
        assertThat(defaults.delayBeforeRetry(1, limited)).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.delayBeforeRetry(2, limited)).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.delayBeforeRetry(4, limited)).isEqualTo(Duration.ofSeconds(8));
        assertThat(defaults.delayBeforeRetry(5, limited)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.delayBeforeRetry(1000, limited)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.delayBeforeRetry(1, error(503, ""))).isEqualTo(Duration.ofMillis(500));
        assertThat(RetryPolicy.defaults().maxThrottledAttempts()).isEqualTo(Integer.MAX_VALUE);
        assertThat(RetryPolicy.defaults().totalBudget()).isEqualTo(Duration.ofMinutes(2));
        // The worst case of the default jitter still fits 8 consecutive 429s (9 attempts) in the budget, with room.
        Duration worst = Duration.ZERO;
        for (int retry = 1; retry <= 8; retry++) {
            worst = worst.plus(defaults.delayBeforeRetry(retry, limited));
        }
        assertThat(worst).isEqualTo(Duration.ofSeconds(55)).isLessThan(RetryPolicy.defaults().totalBudget());
    }

    @Test
    void fullJitterStaysWithinTheCapAndThrottlingNeverRetriesAtOnce() {
        RetryPolicy jittered = policy.toBuilder().jitter(true).build();
        ScalewayException unavailable = error(503, "");
        boolean sawDifferent = false;
        Duration first = jittered.delayBeforeRetry(3, unavailable);
        for (int i = 0; i < 200; i++) {
            Duration d = jittered.delayBeforeRetry(3, unavailable);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(400));
            sawDifferent |= !d.equals(first);
        }
        assertThat(sawDifferent).isTrue();
        ScalewayException limited = error(429, "");
        sawDifferent = false;
        first = RetryPolicy.defaults().delayBeforeRetry(3, limited);
        for (int i = 0; i < 200; i++) {
            Duration d = RetryPolicy.defaults().delayBeforeRetry(3, limited);
            assertThat(d).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));   // equal jitter of 4 s
            sawDifferent |= !d.equals(first);
        }
        assertThat(sawDifferent).isTrue();
    }

    @Test
    void retryAfterIsHonoured() {
        ScalewayException limited = ErrorMapper.toException("GET /x", 429, "r", null, "3", new byte[0]);
        assertThat(policy.delayBeforeRetry(1, limited)).isEqualTo(Duration.ofSeconds(3));
        for (String huge : new String[] {"1000000000000000", "9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
            ScalewayException e = ErrorMapper.toException("GET /x", 429, "r", null, huge, new byte[0]);
            Duration d = policy.delayBeforeRetry(1, e);
            assertThat(d).as(huge).isEqualTo(RetryPolicy.MAX_RETRY_AFTER);
            assertThat(d.toNanos()).isPositive();   // no overflow
        }
    }

    @Test
    void invalidValuesAreRejectedWithTypedExceptions() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofSeconds(10)).maxDelay(Duration.ofSeconds(1)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxDelay");
        assertThat(RetryPolicy.defaults().maxAttempts()).isEqualTo(4);
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.none().maxThrottledAttempts()).isEqualTo(1);
        assertThatThrownBy(() -> RetryPolicy.builder().maxThrottledAttempts(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxThrottledAttempts");
        assertThatThrownBy(() -> RetryPolicy.builder().throttledBaseDelay(Duration.ofSeconds(20)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("throttledMaxDelay");
        assertThatThrownBy(() -> RetryPolicy.builder().totalBudget(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("totalBudget");
    }
}
