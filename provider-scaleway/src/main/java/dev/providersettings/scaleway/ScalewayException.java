package dev.providersettings.scaleway;

import dev.providersettings.exception.ProviderSettingsException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Root of every exception of the Scaleway provider. Service errors (the API answered with an error status) carry
 * the parsed {@link ScalewayError}: HTTP status, {@code type}, resource, resource id, {@code X-Request-Id}, help
 * message and details; one nested subtype per error {@code type}. Client-side failures have their own subtypes
 * ({@link ScalewayTransportException}, {@link ScalewayResponseException}, {@link ScalewayRequestException},
 * {@link ScalewayWaitException}) and a status of 0.
 *
 * <p>Messages never contain the secret key: it only travels in the {@code X-Auth-Token} header, which is never
 * printed.
 */
public class ScalewayException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    private final transient ScalewayError error;
    private final String endpoint;

    /** A client-side failure (no API error). */
    public ScalewayException(String message, String endpoint, Throwable cause) {
        super(message, cause);
        this.error = null;
        this.endpoint = endpoint;
    }

    /** A service error: the API answered {@code endpoint} ({@code "GET /block/v1/..."}) with {@code error}. */
    public ScalewayException(ScalewayError error, String endpoint) {
        super(describe(error, endpoint));
        this.error = error;
        this.endpoint = endpoint;
    }

    private static String describe(ScalewayError e, String endpoint) {
        StringBuilder out = new StringBuilder("Scaleway API answered ").append(e.status());
        if (e.type() != null) {
            out.append(' ').append(e.type());
        }
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
        return out.append(" (").append(extra).append(')').toString();
    }

    /** The parsed API error, empty for client-side failures. */
    public Optional<ScalewayError> error() {
        return Optional.ofNullable(error);
    }

    /** The HTTP status, or 0 when no answer was received or the failure is client-side. */
    public int status() {
        return error == null ? 0 : error.status();
    }

    /** The error {@code type}, or null. */
    public String type() {
        return error == null ? null : error.type();
    }

    /** The {@code resource} of the error, or null. */
    public String resource() {
        return error == null ? null : error.resource();
    }

    /** The {@code resource_id} of the error, or null. */
    public String resourceId() {
        return error == null ? null : error.resourceId();
    }

    /** The {@code X-Request-Id} to quote to Scaleway support, or null. */
    public String requestId() {
        return error == null ? null : error.requestId();
    }

    /** The {@code help_message}, or null. */
    public String helpMessage() {
        return error == null ? null : error.helpMessage();
    }

    /** The {@code details}, possibly empty. */
    public List<ScalewayError.Detail> details() {
        return error == null ? List.of() : error.details();
    }

    /** The call that failed, as {@code METHOD /path}, or null. */
    public String endpoint() {
        return endpoint;
    }

    /** 400 {@code invalid_arguments}, and the legacy {@code invalid_request_error} with {@code fields}. */
    public static class InvalidArguments extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public InvalidArguments(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }

        /** Legacy Instance {@code fields}: argument name to messages, possibly empty. */
        public Map<String, List<String>> fields() {
            return error().map(ScalewayError::fields).orElse(Map.of());
        }
    }

    /** 401 {@code denied_authentication}: the secret key is unknown, expired or malformed. */
    public static class DeniedAuthentication extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public DeniedAuthentication(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }

        /** {@code api_key} or {@code jwt}, or null. */
        public String method() {
            return error().map(ScalewayError::method).orElse(null);
        }

        /** {@code not_found}, {@code expired}, {@code invalid_argument}, or null. */
        public String reason() {
            return error().map(ScalewayError::reason).orElse(null);
        }
    }

    /** 403 {@code permissions_denied}: the key works but lacks the permission named in {@link #details()}. */
    public static class PermissionsDenied extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public PermissionsDenied(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** 404 {@code not_found} (and the legacy {@code unknown_resource}). */
    public static class NotFound extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public NotFound(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** 409 {@code transient_state}: the resource is busy ({@link #currentState()}); retried within the budget. */
    public static class TransientState extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public TransientState(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }

        /** The state the resource was in, or null. */
        public String currentState() {
            return error().map(ScalewayError::currentState).orElse(null);
        }

        @Override
        public boolean isRetryable() {
            return true;
        }
    }

    /** 409 {@code already_exists}. */
    public static class AlreadyExists extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public AlreadyExists(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** 412 {@code precondition_failed}. */
    public static class PreconditionFailed extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public PreconditionFailed(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }

        /** Which precondition failed, or null. */
        public String precondition() {
            return error().map(ScalewayError::precondition).orElse(null);
        }
    }

    /** {@code quotas_exceeded}, and the legacy "quota exceeded for this resource". */
    public static class QuotasExceeded extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public QuotasExceeded(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** {@code out_of_stock}: the zone has no capacity for this resource now. */
    public static class OutOfStock extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public OutOfStock(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** {@code locked}: the resource is locked (by Scaleway, e.g. for abuse or billing). */
    public static class Locked extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public Locked(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** {@code resource_expired}. */
    public static class ResourceExpired extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public ResourceExpired(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }
    }

    /** 429: throttled (empty body, {@code X-Envoy-Ratelimited: true}). Retried with backoff. */
    public static class RateLimited extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public RateLimited(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }

        @Override
        public boolean isRetryable() {
            return true;
        }
    }

    /** 5xx: the API or its gateway failed. */
    public static class ServerError extends ScalewayException {
        private static final long serialVersionUID = 1L;

        public ServerError(ScalewayError error, String endpoint) {
            super(error, endpoint);
        }

        @Override
        public boolean isRetryable() {
            return true;
        }
    }
}
