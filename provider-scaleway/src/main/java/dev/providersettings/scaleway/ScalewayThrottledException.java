package dev.providersettings.scaleway;

/**
 * 429: the API gateway throttled the call (empty body, {@code X-Envoy-Ratelimited: true}, no {@code Retry-After}),
 * and kept doing so for as long as the factory's {@link RetryPolicy} retried. {@link #isThrottling()} and
 * {@link #isRetryable()} are true: call again later, or less often.
 */
public class ScalewayThrottledException extends ScalewayServiceException {
    private static final long serialVersionUID = 1L;

    /** The API gateway answered {@code endpoint} with 429. */
    public ScalewayThrottledException(ScalewayError error, String endpoint) {
        super(ScalewayErrorType.THROTTLED, error, endpoint);
    }
}
