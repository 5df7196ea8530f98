package dev.providersettings.scaleway.fake;

import java.time.Instant;
import java.util.Objects;

/**
 * One request the fake received, in arrival order, recorded before fault injection and authentication,
 * so a test can check which token was used even for a request answered with 429 or dropped.
 *
 * @param method    HTTP method, upper case
 * @param path      the decoded request path, without the query
 * @param query     the raw query string, or {@code ""} when there is none
 * @param authToken the {@code X-Auth-Token} header (the secret key), or {@code null} when absent;
 *                  never printed by {@link #toString()}
 * @param body      the request body as UTF-8 text ({@code ""} when empty)
 * @param time      when the fake received it, on the fake's clock
 */
public record RecordedRequest(String method, String path, String query, String authToken, String body, Instant time) {

    /** Validates the non-null components. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = query == null ? "" : query;
        body = body == null ? "" : body;
        Objects.requireNonNull(time, "time");
    }

    /** Whether this request carried exactly the given token. */
    public boolean usedToken(String token) {
        return token != null && token.equals(authToken);
    }

    /** Masks the token: a secret key must never reach logs or test output. */
    @Override
    public String toString() {
        return "RecordedRequest[" + method + " " + path + (query.isEmpty() ? "" : "?" + query)
                + ", authToken=" + (authToken == null ? "none" : "<masked>") + ", bodyLength=" + body.length()
                + ", time=" + time + "]";
    }
}
