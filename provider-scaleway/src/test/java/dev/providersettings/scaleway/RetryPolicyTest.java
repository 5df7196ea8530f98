package dev.providersettings.scaleway;

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
        return ErrorMapper.toException(ErrorMapper.parse(status, "r", null, null, body.getBytes()), "GET /x");
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
        ScalewayException limited = error(429, "");
        assertThat(policy.delayBeforeRetry(1, limited)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delayBeforeRetry(2, limited)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayBeforeRetry(3, limited)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.delayBeforeRetry(5, limited)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBeforeRetry(80, limited)).isEqualTo(Duration.ofSeconds(1));
        ScalewayException busy = error(409, "{\"type\":\"transient_state\"}");
        assertThat(policy.delayBeforeRetry(1, busy)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.delayBeforeRetry(2, busy)).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void fullJitterStaysWithinTheCap() {
        RetryPolicy jittered = policy.toBuilder().jitter(true).build();
        ScalewayException limited = error(429, "");
        boolean sawDifferent = false;
        Duration first = jittered.delayBeforeRetry(3, limited);
        for (int i = 0; i < 200; i++) {
            Duration d = jittered.delayBeforeRetry(3, limited);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(400));
            sawDifferent |= !d.equals(first);
        }
        assertThat(sawDifferent).isTrue();
    }

    @Test
    void retryAfterIsHonoured() {
        ScalewayException limited = ErrorMapper.toException(ErrorMapper.parse(429, "r", null, "3", new byte[0]), "GET /x");
        assertThat(policy.delayBeforeRetry(1, limited)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void invalidValuesAreRejectedWithTypedExceptions() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).isInstanceOf(ScalewayRequestException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(ScalewayRequestException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofSeconds(10)).maxDelay(Duration.ofSeconds(1)).build())
                .isInstanceOf(ScalewayRequestException.class).hasMessageContaining("maxDelay");
        assertThat(RetryPolicy.defaults().maxAttempts()).isEqualTo(4);
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }
}
