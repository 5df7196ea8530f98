package dev.providersettings.scaleway;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Scaleway API answered with an error status. Always has the HTTP {@link #status()}, the
 * {@link #errorType()}, the API's {@link #apiMessage()} and the whole parsed {@link #error()}; {@link #requestId()}
 * (the {@code X-Request-Id} to quote to Scaleway support) is there whenever the answer carried one, which the real
 * API always does.
 *
 * <p>The error types callers handle have their own subclass; the others are this class with their
 * {@link #errorType()}:
 * <table>
 * <caption>Classes and error types</caption>
 * <tr><th>class</th><th>error types</th></tr>
 * <tr><td>{@link ScalewayNotFoundException}</td><td>{@code NOT_FOUND}</td></tr>
 * <tr><td>{@link ScalewayAccessDeniedException}</td><td>{@code DENIED_AUTHENTICATION}, {@code PERMISSIONS_DENIED}</td></tr>
 * <tr><td>{@link ScalewayCapacityException}</td><td>{@code QUOTAS_EXCEEDED}, {@code OUT_OF_STOCK}</td></tr>
 * <tr><td>{@link ScalewayConflictException}</td><td>{@code TRANSIENT_STATE}, {@code ALREADY_EXISTS},
 *     {@code PRECONDITION_FAILED}</td></tr>
 * <tr><td>{@link ScalewayThrottledException}</td><td>{@code THROTTLED}</td></tr>
 * <tr><td>{@code ScalewayServiceException}</td><td>{@code INVALID_ARGUMENTS}, {@code LOCKED},
 *     {@code RESOURCE_EXPIRED}, {@code SERVER_ERROR}, {@code UNKNOWN}</td></tr>
 * </table>
 *
 * <p>The message names the call, the status and type, the API's message and fields, the request id, and how to fix
 * it: {@code Scaleway API answered 404 not_found to GET /block/v1/zones/fr-par-1/volumes/…: resource is not found
 * (resource volume …; request id …). To fix: check the id and the zone …}
 */
public class ScalewayServiceException extends ScalewayException {
    private static final long serialVersionUID = 1L;

    private final ScalewayErrorType errorType;
    private final ScalewayError error;

    /**
     * The API answered {@code endpoint} with {@code error}, classified as {@code errorType}.
     *
     * @param errorType what kind of error it is
     * @param error     the parsed answer
     * @param endpoint  the call, as {@code METHOD /path}; null if unknown
     */
    public ScalewayServiceException(ScalewayErrorType errorType, ScalewayError error, String endpoint) {
        super(describe(Objects.requireNonNull(errorType, "errorType"), Objects.requireNonNull(error, "error"),
                endpoint), endpoint, null);
        this.errorType = errorType;
        this.error = error;
    }

    /** For subclasses: checks that {@code errorType} is one of those the subclass stands for. */
    ScalewayServiceException(Set<ScalewayErrorType> allowed, ScalewayErrorType errorType, ScalewayError error,
                             String endpoint) {
        this(checked(allowed, errorType), error, endpoint);
    }

    private static ScalewayErrorType checked(Set<ScalewayErrorType> allowed, ScalewayErrorType errorType) {
        if (!allowed.contains(errorType)) {
            throw new IllegalArgumentException("error type " + errorType + " is not one of " + allowed
                    + ": use the exception class that stands for it (see ScalewayServiceException)");
        }
        return errorType;
    }

    private static String describe(ScalewayErrorType errorType, ScalewayError e, String endpoint) {
        StringBuilder out = new StringBuilder("Scaleway API answered ").append(e.status()).append(' ')
                .append(e.type() != null ? e.type() : errorType.code());
        if (endpoint != null) {
            out.append(" to ").append(endpoint);
        }
        if (e.message() != null) {
            out.append(": ").append(e.message());
        }
        StringBuilder extra = new StringBuilder();
        if (e.resource() != null || e.resourceId() != null) {
            extra.append("resource ").append(e.resource() == null ? "?" : e.resource());
            if (e.resourceId() != null) {
                extra.append(' ').append(e.resourceId());
            }
            extra.append("; ");
        }
        if (e.currentState() != null) {
            extra.append("current state ").append(e.currentState()).append("; ");
        }
        if (e.method() != null || e.reason() != null) {
            extra.append("authentication method ").append(e.method()).append(", reason ").append(e.reason()).append("; ");
        }
        if (e.precondition() != null) {
            extra.append("precondition ").append(e.precondition()).append("; ");
        }
        if (!e.details().isEmpty()) {
            extra.append("details [").append(e.details().stream().map(ScalewayError.Detail::toString)
                    .collect(Collectors.joining("; "))).append("]; ");
        }
        if (!e.fields().isEmpty()) {
            extra.append("fields ").append(e.fields()).append("; ");
        }
        if (e.helpMessage() != null) {
            extra.append("help: ").append(e.helpMessage()).append("; ");
        }
        extra.append("request id ").append(e.requestId() == null ? "none" : e.requestId());
        return out.append(" (").append(extra).append("). To fix: ").append(errorType.fix()).toString();
    }

    /** What kind of error the API answered. */
    public ScalewayErrorType errorType() {
        return errorType;
    }

    /** The whole parsed answer, with the fields of each error type. */
    public ScalewayError error() {
        return error;
    }

    /** The HTTP status. */
    public int status() {
        return error.status();
    }

    /** The body's {@code type} as the API wrote it ({@code not_found}, {@code invalid_request_error} ...), or null. */
    public String type() {
        return error.type();
    }

    /** The API's {@code message}, or a short description of an answer that had none (a 429, a gateway page). */
    public String apiMessage() {
        return error.message();
    }

    /** The {@code X-Request-Id} to quote to Scaleway support, or null if the answer had none. */
    public String requestId() {
        return error.requestId();
    }

    /** The {@code resource} of the error, or null. */
    public String resource() {
        return error.resource();
    }

    /** The {@code resource_id} of the error, or null. */
    public String resourceId() {
        return error.resourceId();
    }

    /** The {@code help_message}, or null. */
    public String helpMessage() {
        return error.helpMessage();
    }

    /** The {@code details}, possibly empty. */
    public List<ScalewayError.Detail> details() {
        return error.details();
    }

    /** Whether the API gateway throttled the call (429). */
    public boolean isThrottling() {
        return errorType == ScalewayErrorType.THROTTLED;
    }

    /** Throttling, a transient state and server errors: calling again later may succeed. */
    @Override
    public boolean isRetryable() {
        return errorType.isRetryable();
    }

    /** The {@linkplain ScalewayErrorType#code() error type's code}. */
    @Override
    public String code() {
        return errorType.code();
    }
}
