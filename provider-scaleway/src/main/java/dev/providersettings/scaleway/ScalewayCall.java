package dev.providersettings.scaleway;

import dev.providersettings.OrganizationId;

import java.time.Duration;
import java.util.Objects;

/**
 * One finished logical Scaleway API call, as reported to a {@link ScalewayCallListener}. Holds no secret: no token,
 * no body, no query (the query may carry filter values), no path (it holds resource ids; use {@code operation}).
 *
 * @param operation         a stable, low-cardinality name: the API's own name of the operation, such as
 *                          {@code instance.createServer}, {@code block.updateVolume}, {@code iam.getApiKey}
 * @param method            the HTTP method
 * @param status            the HTTP status of the last attempt; 0 when no response was received
 * @param attempts          HTTP attempts in total (1 = not retried)
 * @param throttledAttempts how many attempts were answered 429
 * @param duration          wall time from the first attempt to the end, retries, backoff and reading included
 * @param organization      the organization whose credentials were used
 * @param error             null when the call returned normally (a DELETE answered 404 after a lost answer counts
 *                          as done, with status 404); otherwise what it failed with, low-cardinality: the
 *                          exception's {@link ScalewayException#code() code} ({@code not_found}, {@code throttled},
 *                          {@code transport}, {@code unreadable_response} ...), or {@value #UNEXPECTED_ERROR} for
 *                          anything that is not a {@link ScalewayException}
 */
public record ScalewayCall(String operation, String method, int status, int attempts, int throttledAttempts,
                           Duration duration, OrganizationId organization, String error) {

    /** The {@code error} of a call that failed with something other than a {@link ScalewayException}. */
    public static final String UNEXPECTED_ERROR = "unexpected";

    /** Checks the components. */
    public ScalewayCall {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(organization, "organization");
        if (attempts < 0 || throttledAttempts < 0 || throttledAttempts > attempts) {
            throw new IllegalArgumentException("attempts " + attempts + " and throttledAttempts " + throttledAttempts
                    + " must satisfy 0 <= throttledAttempts <= attempts");
        }
    }

    /** Whether the call returned normally ({@code error} is null). */
    public boolean success() {
        return error == null;
    }
}
