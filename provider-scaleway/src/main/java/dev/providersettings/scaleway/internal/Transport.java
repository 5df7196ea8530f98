package dev.providersettings.scaleway.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.providersettings.OrganizationId;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayCall;
import dev.providersettings.scaleway.ScalewayCallListener;
import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayErrorType;
import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.ScalewayServiceException;
import dev.providersettings.scaleway.ScalewayTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport shared by every organization's client: one {@link HttpClient} (one connection pool, one selector
 * thread, one executor), the retry loop and the error mapping. A call carries its organization's token; nothing
 * here is per organization.
 */
public final class Transport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.providersettings.scaleway.http");
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final HttpClient client;
    private final ExecutorService ownedExecutor;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;
    private final String userAgent;
    private final ScalewayCallListener listener;
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();

    /**
     * @param injected       an HTTP client to use (not closed here), or null to create one
     * @param connectTimeout connect timeout of a created client
     * @param requestTimeout per-attempt timeout, from sending to the response headers
     * @param listener       told about every finished call, or null
     */
    public Transport(HttpClient injected, Duration connectTimeout, Duration requestTimeout, RetryPolicy retryPolicy,
                     String userAgent, ScalewayCallListener listener) {
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.userAgent = userAgent;
        this.listener = listener;
        if (injected != null) {
            this.client = injected;
            this.ownedExecutor = null;
        } else {
            // A cached pool of daemon threads: grows with concurrent calls, never with the number of organizations,
            // and shrinks back when idle. Owned so that close() stops it (Java 17 HttpClient has no close()).
            int pool = POOLS.incrementAndGet();
            AtomicInteger threads = new AtomicInteger();
            ThreadFactory factory = runnable -> {
                Thread t = new Thread(runnable, "scaleway-http-" + pool + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.ownedExecutor = Executors.newCachedThreadPool(factory);
            this.client = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .executor(ownedExecutor)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The underlying client (for tests that check it is shared). */
    public HttpClient httpClient() {
        return client;
    }

    /**
     * One HTTP call, described before it is sent; the tenant is only formatted when a debug line is logged.
     * {@code operation} is the API's name of it ({@code block.updateVolume}), reported to the call listener.
     */
    public record Call(String operation, String method, URI baseUrl, String path, Map<String, ?> query, Object body,
                       boolean idempotent, OrganizationId tenant) {

        /** {@code METHOD /path}, for messages and logs (no query: it may carry filter values). */
        public String endpoint() {
            return method + " " + path;
        }
    }

    /** A successful answer. */
    public record Response(int status, String requestId, long totalCount, byte[] body) {
    }

    /** Reads a 2xx answer into the call's result. */
    @FunctionalInterface
    public interface ResponseHandler<T> {
        T handle(Response response);
    }

    /** What the attempts of one call came to, for the call listener. */
    private static final class Tally {
        int attempts;
        int throttled;
        int lastStatus;
    }

    /**
     * One logical call: sends it with the token (retrying as the policy allows), reads the 2xx answer with
     * {@code handler}, and reports the outcome to the call listener once, whether it succeeded or threw.
     *
     * @throws ScalewayException the typed error of the last attempt, or of reading the answer
     */
    public <T> T exchange(Call call, Secret token, ResponseHandler<T> handler) {
        if (listener == null) {
            return handler.handle(send(call, token, null));
        }
        Tally tally = new Tally();
        long start = retryPolicy.nanoClock().getAsLong();
        String error = ScalewayCall.UNEXPECTED_ERROR;
        try {
            T result = handler.handle(send(call, token, tally));
            error = null;
            return result;
        } catch (ScalewayException e) {
            error = e.code();
            throw e;
        } finally {
            report(call, tally, start, error);
        }
    }

    private void report(Call call, Tally tally, long start, String error) {
        try {
            Duration took = Duration.ofNanos(Math.max(0, retryPolicy.nanoClock().getAsLong() - start));
            listener.onCall(new ScalewayCall(call.operation(), call.method(), tally.lastStatus, tally.attempts,
                    tally.throttled, took, call.tenant(), error));
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            // The listener is the host's metrics: its failure must not change the call's outcome. Logged once, as the
            // same fault would otherwise log on every call; the listener never sees a secret, nor does this line.
            if (listenerFailureLogged.compareAndSet(false, true)) {
                LOG.warn("Scaleway call listener {} threw {} on {} (logged once per factory; the call's own outcome "
                        + "is kept)", listener.getClass().getName(), t.getClass().getName(), call.operation(), t);
            }
        }
    }

    /**
     * Sends the call with the token, retrying as the policy allows, and returns the 2xx answer; counts the attempts
     * in {@code tally} when it is not null.
     *
     * @throws ScalewayException the typed error of the last attempt
     */
    private Response send(Call call, Secret token, Tally tally) {
        byte[] payload = null;
        if (call.body() != null) {
            try {
                payload = Json.mapper().writeValueAsBytes(call.body());
            } catch (JsonProcessingException e) {
                throw ScalewayClientException.invalidRequest("cannot serialise the request body of "
                        + call.endpoint() + " (" + Json.problem(e) + "): check the values passed to the call");
            }
        }
        HttpRequest request = build(call, token, payload);
        long start = retryPolicy.nanoClock().getAsLong();
        long budget = Durations.saturatedNanos(retryPolicy.totalBudget());
        boolean mayHaveActed = false;
        // Per call, on this thread: no state is shared with other calls or organizations.
        int throttled = 0;
        int failedOtherwise = 0;
        for (int attempt = 1; ; attempt++) {
            ScalewayException failure;
            long attemptStart = System.nanoTime();
            if (tally != null) {
                tally.attempts = attempt;
                tally.lastStatus = 0;
            }
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (tally != null) {
                    tally.lastStatus = response.statusCode();
                    tally.throttled += response.statusCode() == 429 ? 1 : 0;
                }
                String requestId = response.headers().firstValue("x-request-id").orElse(null);
                log(call, response.statusCode(), requestId, attempt, attemptStart, null);
                if (response.statusCode() >= 200 && response.statusCode() < 300) {
                    long total = response.headers().firstValue("x-total-count").map(Transport::parseLong).orElse(-1L);
                    return new Response(response.statusCode(), requestId, total, response.body());
                }
                failure = ErrorMapper.toException(call.endpoint(), response.statusCode(), requestId,
                        response.headers().firstValue("content-type").orElse(null),
                        response.headers().firstValue("retry-after").orElse(null), response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ScalewayClientException.interrupted("interrupted during " + call.endpoint() + " (attempt "
                        + attempt + "); the call may or may not have been processed: check the resource before "
                        + "repeating a create or an action", call.endpoint(), e);
            } catch (IOException | UnresolvedAddressException e) {
                failure = transportFailure(call, e);
                log(call, 0, null, attempt, attemptStart, failure);
            }
            ScalewayErrorType errorType = failure instanceof ScalewayServiceException service ? service.errorType() : null;
            if (mayHaveActed && "DELETE".equals(call.method()) && errorType == ScalewayErrorType.NOT_FOUND) {
                // An earlier attempt whose answer was lost deleted the resource: the DELETE has succeeded.
                LOG.debug("{} {}: 404 after an ambiguous earlier attempt, the resource is deleted", call.tenant(),
                        call.endpoint());
                return new Response(204, ((ScalewayServiceException) failure).requestId(), -1, new byte[0]);
            }
            mayHaveActed |= errorType == ScalewayErrorType.SERVER_ERROR
                    || (failure instanceof ScalewayTransportException t && t.mayHaveReachedServer());
            boolean isThrottled = errorType == ScalewayErrorType.THROTTLED;
            int sameKind = isThrottled ? ++throttled : ++failedOtherwise;
            int limit = isThrottled ? retryPolicy.maxThrottledAttempts() : retryPolicy.maxAttempts();
            if (sameKind >= limit || !retryPolicy.isRetryable(failure, call.idempotent())) {
                throw failure;
            }
            Duration delay = retryPolicy.delayBeforeRetry(sameKind, failure);
            long elapsed = retryPolicy.nanoClock().getAsLong() - start;
            if (Durations.saturatedNanos(delay) > budget - elapsed) {
                LOG.debug("{} {}: not retrying, the retry budget {} would be exceeded (elapsed {} ms, next delay {} ms)",
                        call.tenant(), call.endpoint(), retryPolicy.totalBudget(), elapsed / 1_000_000, delay.toMillis());
                throw failure;
            }
            LOG.debug("{} {}: attempt {} failed with {}, retrying in {} ms", call.tenant(), call.endpoint(),
                    attempt, failure.code(), delay.toMillis());
            try {
                retryPolicy.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ScalewayClientException interrupted = ScalewayClientException.interrupted("interrupted while waiting "
                        + "to retry " + call.endpoint() + " after attempt " + attempt, call.endpoint(), e);
                interrupted.addSuppressed(failure);
                throw interrupted;
            }
        }
    }

    /** Reads a 2xx body as {@code type}; a body that does not fit gives a typed exception, never raw parser text. */
    public <T> T read(Call call, Response response, JavaType type) {
        return read(call, response, Json.mapper().readerFor(type));
    }

    /** As {@link #read(Call, Response, JavaType)} with a prepared reader (see {@link Json#reader(Class)}). */
    public <T> T read(Call call, Response response, ObjectReader reader) {
        try {
            T value = reader.readValue(response.body());
            if (value == null) {
                throw unexpected(call, response, "an empty body where a JSON object was expected");
            }
            return value;
        } catch (IOException e) {
            throw unreadable(call, response, e);
        }
    }

    /** Reads a 2xx body as a tree. */
    public JsonNode readTree(Call call, Response response) {
        try {
            JsonNode node = Json.mapper().readTree(response.body());
            if (node == null || !node.isObject()) {
                throw unexpected(call, response, "a body that is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw unreadable(call, response, e);
        }
    }

    /** Converts part of a tree to {@code type}, with the same error handling as {@link #read}. */
    public <T> T convert(Call call, Response response, JsonNode node, JavaType type) {
        try {
            return Json.mapper().treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(call, response, e);
        }
    }

    private static ScalewayClientException unreadable(Call call, Response response, Exception e) {
        // Only the exception kind and the JSON path: Jackson's own message may quote the body.
        return unexpected(call, response, "a body this client cannot read (" + Json.problem(e) + ", "
                + response.body().length + " bytes)");
    }

    /**
     * A 2xx answer without what the call expects ({@code what}, which never quotes the body): the API may have
     * changed, or the base URL is not the Scaleway API.
     */
    public static ScalewayClientException unexpected(Call call, Response response, String what) {
        return ScalewayClientException.unreadableResponse("Scaleway API answered " + response.status() + " to "
                + call.endpoint() + " with " + what + " (request id " + response.requestId() + "): the API may have "
                + "changed or the base URL is not the Scaleway API; report it with the request id", call.endpoint(),
                response.status(), response.requestId());
    }

    private HttpRequest build(Call call, Secret token, byte[] payload) {
        // The parts are validated where they are made (base URL by the factory, zone and ids by the provider, the
        // query encoded); URI.create parses the joined string once, as HttpRequest needs a URI.
        String query = query(call.query());
        String base = withoutTrailingSlashes(call.baseUrl().toString());
        URI uri = URI.create(query.isEmpty() ? base.concat(call.path()) : base + call.path() + query);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("X-Auth-Token", token.reveal())
                .header("Accept", "application/json");
        if (userAgent != null) {
            builder.header("User-Agent", userAgent);
        }
        if (payload != null) {
            builder.header("Content-Type", "application/json")
                    .method(call.method(), HttpRequest.BodyPublishers.ofByteArray(payload));
        } else {
            builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    /** {@code url} without its trailing slashes; the same string (no copy) when it has none, the usual case. */
    static String withoutTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return end == url.length() ? url : url.substring(0, end);
    }

    /** The query string; a null value is left out, a list value repeats the parameter ({@code tags=a&tags=b}). */
    private static String query(Map<String, ?> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringJoiner out = new StringJoiner("&", "?", "");
        query.forEach((key, value) -> {
            if (value instanceof java.util.Collection<?> values) {
                values.forEach(v -> out.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
            } else if (value != null) {
                out.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        });
        return out.length() == 1 ? "" : out.toString();
    }

    private static ScalewayTransportException transportFailure(Call call, Exception e) {
        boolean notSent = e instanceof HttpConnectTimeoutException || e instanceof ConnectException
                || e instanceof UnresolvedAddressException || e.getCause() instanceof UnresolvedAddressException;
        String what;
        if (e instanceof HttpConnectTimeoutException) {
            what = "connect timed out";
        } else if (e instanceof HttpTimeoutException) {
            what = "no answer within the request timeout";
        } else if (notSent) {
            what = "cannot connect";
        } else {
            what = "connection failed after sending";
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new ScalewayTransportException("Scaleway API unreachable for " + call.endpoint() + ": " + what + " ("
                + detail + ")" + (notSent ? "; nothing was sent" : "; the call may have been processed")
                + ". Check network access to " + call.baseUrl() + " and the timeouts of ScalewayProviderFactory",
                call.endpoint(), !notSent, e);
    }

    private static void log(Call call, int status, String requestId, int attempt, long startNanos, ScalewayException failure) {
        if (LOG.isDebugEnabled()) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            if (failure == null) {
                LOG.debug("{} {} -> {} request-id={} attempt={} {}ms tenant={}", call.method(), call.path(), status,
                        requestId, attempt, millis, call.tenant());
            } else {
                LOG.debug("{} {} -> {} attempt={} {}ms tenant={}", call.method(), call.path(),
                        failure.getClass().getSimpleName(), attempt, millis, call.tenant());
            }
        }
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    /** Stops the owned executor; an injected client is left alone. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }
}
