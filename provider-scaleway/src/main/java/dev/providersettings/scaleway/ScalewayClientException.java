package dev.providersettings.scaleway;

import java.util.Locale;
import java.util.Objects;

/**
 * No usable answer from the Scaleway API; {@link #reason()} says why. Subclasses carry what is particular to a
 * reason: {@link ScalewayTransportException} ({@code TRANSPORT}: whether the request may have reached the server)
 * and {@link ScalewayWaitException} ({@code WAIT_TIMED_OUT}, {@code WAIT_FAILED_STATE}: the last state seen).
 * {@link #status()} and {@link #requestId()} are set only for {@code UNREADABLE_RESPONSE}, the one reason with an
 * answer.
 */
public class ScalewayClientException extends ScalewayException {
    private static final long serialVersionUID = 1L;

    /** Why there is no usable answer. */
    public enum Reason {
        /** The API could not be reached or did not answer in time ({@link ScalewayTransportException}). */
        TRANSPORT,
        /**
         * The API answered, but not with something this client can read: a success body that does not parse or
         * lacks the expected object, or an error answer (4xx) whose body is not a Scaleway error (empty, not JSON,
         * broken JSON) — often a proxy, or a base URL that is not the Scaleway API.
         */
        UNREADABLE_RESPONSE,
        /** The call was refused before anything was sent: its input is invalid (a malformed id, a shrinking resize). */
        INVALID_REQUEST,
        /** A wait ran out of time ({@link ScalewayWaitException}). */
        WAIT_TIMED_OUT,
        /**
         * A wait saw the resource enter a failure state, such as a volume in {@code error}
         * ({@link ScalewayWaitException}).
         */
        WAIT_FAILED_STATE,
        /**
         * The thread was interrupted during a call, a backoff or a wait. Its interrupt flag is set again before the
         * exception is thrown, so callers up the stack still see it.
         */
        INTERRUPTED;

        /** The lower-case name ({@code transport}, {@code invalid_request} ...), as used in metric tags. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;
    private final int status;
    private final String requestId;

    /**
     * @param reason    why there is no usable answer
     * @param message   what went wrong and how to fix it
     * @param endpoint  the call, as {@code METHOD /path}, or null
     * @param status    the HTTP status of an unreadable answer, else 0
     * @param requestId the {@code X-Request-Id} of an unreadable answer, else null
     * @param cause     the underlying failure, or null
     */
    protected ScalewayClientException(Reason reason, String message, String endpoint, int status, String requestId,
                                      Throwable cause) {
        super(message, endpoint, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
        this.requestId = requestId;
    }

    /** {@code INVALID_REQUEST}: the input is invalid; nothing was sent. {@code message} says what to change. */
    public static ScalewayClientException invalidRequest(String message) {
        return new ScalewayClientException(Reason.INVALID_REQUEST, message, null, 0, null, null);
    }

    /**
     * {@code UNREADABLE_RESPONSE}: the API answered {@code endpoint} with {@code status} and a body this client cannot
     * read. {@code message} must not quote the body (it may hold data).
     */
    public static ScalewayClientException unreadableResponse(String message, String endpoint, int status,
                                                             String requestId) {
        return new ScalewayClientException(Reason.UNREADABLE_RESPONSE, message, endpoint, status, requestId, null);
    }

    /** {@code INTERRUPTED}: the thread was interrupted; the thrower sets the thread's interrupt flag again first. */
    public static ScalewayClientException interrupted(String message, String endpoint, InterruptedException cause) {
        return new ScalewayClientException(Reason.INTERRUPTED, message, endpoint, 0, null, cause);
    }

    /** Why there is no usable answer. */
    public Reason reason() {
        return reason;
    }

    /** The HTTP status of an unreadable answer ({@code UNREADABLE_RESPONSE}); 0 when no answer is involved. */
    public int status() {
        return status;
    }

    /** The {@code X-Request-Id} of an unreadable answer, to quote to Scaleway support; otherwise null. */
    public String requestId() {
        return requestId;
    }

    /** The {@linkplain Reason#code() reason's code}. */
    @Override
    public String code() {
        return reason.code();
    }
}
