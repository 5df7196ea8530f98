package dev.providersettings.scaleway;

import java.util.Locale;

/**
 * What kind of error the Scaleway API answered, from the body's {@code type} or, when it has none, the HTTP status.
 * Carried by every {@link ScalewayServiceException} ({@link ScalewayServiceException#errorType()}).
 */
public enum ScalewayErrorType {
    /** 400 {@code invalid_arguments}, legacy {@code invalid_request_error}, or a 400 without a type. */
    INVALID_ARGUMENTS(false, "fix the arguments named in the details"),
    /** 401 {@code denied_authentication}: the secret key is unknown, expired or malformed. */
    DENIED_AUTHENTICATION(false, "store a valid SCALEWAY_SECRET_KEY for this organization (factory.probe(settings) "
            + "checks a key before it is stored)"),
    /** 403 {@code permissions_denied}: the key works but lacks the permission named in the details. */
    PERMISSIONS_DENIED(false, "grant the API key's IAM policy the permission named in the details"),
    /** 404 {@code not_found}, legacy {@code unknown_resource}, or a 404 without a type. */
    NOT_FOUND(false, "check the id and the zone: the resource may have been deleted or belong to another project"),
    /** 409 {@code transient_state}: the resource is busy (starting, resizing ...). Retried by the policy. */
    TRANSIENT_STATE(true, "wait until the resource leaves its current state, then call again"),
    /** 409 {@code already_exists}. */
    ALREADY_EXISTS(false, "use another name or reuse the existing resource"),
    /** 412 {@code precondition_failed}: e.g. a volume still in use. */
    PRECONDITION_FAILED(false, "meet the precondition first (see the help message), then call again"),
    /** {@code quotas_exceeded}, and the legacy "quota exceeded for this resource". */
    QUOTAS_EXCEEDED(false, "free resources of this kind or ask Scaleway to raise the organization's quota"),
    /** {@code out_of_stock}: the zone has no capacity for this resource now. */
    OUT_OF_STOCK(false, "try another zone or type, or try again later"),
    /** {@code locked}: Scaleway locked the resource (abuse, billing). */
    LOCKED(false, "contact Scaleway support with the request id"),
    /** {@code resource_expired}. */
    RESOURCE_EXPIRED(false, "create a new resource"),
    /** 429: the API gateway throttled the call (empty body). Retried by the policy within its budget. */
    THROTTLED(true, "make fewer calls, or give RetryPolicy a larger totalBudget"),
    /** A 5xx without a more specific type: the API or its gateway failed. Retried for idempotent calls. */
    SERVER_ERROR(true, "try again later; if it persists, quote the request id to Scaleway support"),
    /** Any other error answer (an unknown type with a 4xx status, a 409 without a type ...). */
    UNKNOWN(false, "see the message; quote the request id to Scaleway support if it is unclear");

    private final boolean retryable;
    private final String fix;

    ScalewayErrorType(boolean retryable, String fix) {
        this.retryable = retryable;
        this.fix = fix;
    }

    /** Whether repeating the same call later may succeed. */
    public boolean isRetryable() {
        return retryable;
    }

    /** The lower-case name ({@code not_found}, {@code throttled} ...), as used in metric tags. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How to fix it, appended to the exception's message. */
    String fix() {
        return fix;
    }
}
