package dev.providersettings.scaleway;

import dev.providersettings.exception.ProviderSettingsException;

/**
 * Root of every exception a Scaleway call throws, in two branches split by who failed:
 * <ul>
 *   <li>{@link ScalewayServiceException}: the API answered with an error. It always has the HTTP status, the error
 *       type ({@link ScalewayErrorType}), the request id to quote to Scaleway support and the API's message.
 *       Subclasses for the errors callers handle: {@link ScalewayNotFoundException},
 *       {@link ScalewayAccessDeniedException}, {@link ScalewayCapacityException}, {@link ScalewayConflictException},
 *       {@link ScalewayThrottledException}.</li>
 *   <li>{@link ScalewayClientException}: no usable answer ({@link ScalewayClientException.Reason}): the API could not
 *       be reached ({@link ScalewayTransportException}), its answer could not be read, the request was invalid and
 *       was not sent, a wait ended without success ({@link ScalewayWaitException}), or the thread was
 *       interrupted.</li>
 * </ul>
 * Unchecked, under the library's {@link ProviderSettingsException}; {@link #isRetryable()} says whether repeating
 * the call later may succeed (the factory's {@link RetryPolicy} has already retried what it safely could).
 *
 * <p>Messages say what went wrong and how to fix it. They never contain the secret key (it only travels in the
 * {@code X-Auth-Token} header, which is never printed) nor a request or response body.
 */
public abstract class ScalewayException extends ProviderSettingsException {
    private static final long serialVersionUID = 2L;

    private final String endpoint;

    /** For the two branches only. */
    ScalewayException(String message, String endpoint, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** The call that failed, as {@code METHOD /path} (no query), or null when no call was made. */
    public String endpoint() {
        return endpoint;
    }

    /**
     * A stable, low-cardinality name of what went wrong, for metrics and logs: the
     * {@linkplain ScalewayErrorType#code() service error type} ({@code not_found}, {@code throttled} ...) or the
     * {@linkplain ScalewayClientException.Reason#code() client reason} ({@code transport}, {@code invalid_request}
     * ...).
     */
    public abstract String code();
}
