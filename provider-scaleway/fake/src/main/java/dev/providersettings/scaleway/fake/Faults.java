package dev.providersettings.scaleway.fake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Fault injection for a {@link FakeScaleway}: each method arms a rule that hits the next {@code nextN} requests
 * (optionally only those whose path starts with a prefix such as {@code "/block/"}). Rules are consumed in the
 * order they were armed; a {@link #slow slow} rule delays a request and can combine with one answering rule.
 * Faults apply before authentication, as the real API gateway rate-limits before it authenticates.
 * Thread-safe.
 */
public final class Faults {

    /** What a rule does to the request it hits. */
    enum Kind { RATE_LIMIT, SERVER_ERROR, SLOW, DROP_CONNECTION, MALFORMED_JSON }

    static final class Rule {
        final Kind kind;
        final String pathPrefix;
        final int status;
        final Duration delay;
        int remaining;

        Rule(Kind kind, int remaining, String pathPrefix, int status, Duration delay) {
            this.kind = kind;
            this.remaining = remaining;
            this.pathPrefix = pathPrefix;
            this.status = status;
            this.delay = delay;
        }
    }

    /** The rules that hit one request: at most one delay and at most one replaced answer. */
    record Hit(Duration delay, Rule answer) {
    }

    private final List<Rule> rules = new ArrayList<>();

    Faults() {
    }

    /**
     * The next {@code nextN} requests get 429 exactly as recorded from the real gateway: empty body, no
     * {@code Content-Type}, {@code X-Envoy-Ratelimited: true} and no {@code Retry-After}.
     */
    public Faults rateLimit(int nextN) {
        return rateLimit(nextN, "/");
    }

    /** {@link #rateLimit(int)} limited to paths starting with {@code pathPrefix}. */
    public Faults rateLimit(int nextN, String pathPrefix) {
        return add(new Rule(Kind.RATE_LIMIT, count(nextN), prefix(pathPrefix), 429, Duration.ZERO));
    }

    /**
     * The next {@code nextN} requests get {@code status} (500..599) with a {@code {"message":...}} JSON body;
     * the request has no effect on the state.
     */
    public Faults serverError(int nextN, int status) {
        return serverError(nextN, status, "/");
    }

    /** {@link #serverError(int, int)} limited to paths starting with {@code pathPrefix}. */
    public Faults serverError(int nextN, int status, String pathPrefix) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("serverError status must be 500..599, got " + status);
        }
        return add(new Rule(Kind.SERVER_ERROR, count(nextN), prefix(pathPrefix), status, Duration.ZERO));
    }

    /** The next {@code nextN} requests are answered normally but only after {@code delay} (real time). */
    public Faults slow(Duration delay, int nextN) {
        return slow(delay, nextN, "/");
    }

    /** {@link #slow(Duration, int)} limited to paths starting with {@code pathPrefix}. */
    public Faults slow(Duration delay, int nextN, String pathPrefix) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("slow delay must not be negative, got " + delay);
        }
        return add(new Rule(Kind.SLOW, count(nextN), prefix(pathPrefix), 0, delay));
    }

    /**
     * The next {@code nextN} requests are read and then the connection is closed without any response
     * (the client sees an I/O error); the request has no effect on the state. Note: the JDK's
     * {@code HttpClient} silently retries a GET once when the connection closes before any answer, so to make a
     * GET fail through it, drop two.
     */
    public Faults dropConnection(int nextN) {
        return dropConnection(nextN, "/");
    }

    /** {@link #dropConnection(int)} limited to paths starting with {@code pathPrefix}. */
    public Faults dropConnection(int nextN, String pathPrefix) {
        return add(new Rule(Kind.DROP_CONNECTION, count(nextN), prefix(pathPrefix), 0, Duration.ZERO));
    }

    /**
     * The next {@code nextN} requests get 200 with {@code Content-Type: application/json} and a truncated,
     * unparsable JSON body; the request has no effect on the state.
     */
    public Faults malformedJson(int nextN) {
        return malformedJson(nextN, "/");
    }

    /** {@link #malformedJson(int)} limited to paths starting with {@code pathPrefix}. */
    public Faults malformedJson(int nextN, String pathPrefix) {
        return add(new Rule(Kind.MALFORMED_JSON, count(nextN), prefix(pathPrefix), 200, Duration.ZERO));
    }

    /** Disarms every rule. */
    public synchronized void clear() {
        rules.clear();
    }

    /** How many faulty answers are still armed, over all rules. */
    public synchronized int pending() {
        return rules.stream().mapToInt(r -> r.remaining).sum();
    }

    synchronized Hit take(String path) {
        Duration delay = Duration.ZERO;
        Rule answer = null;
        Iterator<Rule> it = rules.iterator();
        while (it.hasNext()) {
            Rule r = it.next();
            if (!path.startsWith(r.pathPrefix)) {
                continue;
            }
            if (r.kind == Kind.SLOW) {
                if (!delay.isZero()) {
                    continue;
                }
                delay = r.delay;
            } else {
                if (answer != null) {
                    continue;
                }
                answer = r;
            }
            if (--r.remaining == 0) {
                it.remove();
            }
        }
        return new Hit(delay, answer);
    }

    private synchronized Faults add(Rule rule) {
        rules.add(rule);
        return this;
    }

    private static int count(int nextN) {
        if (nextN < 1) {
            throw new IllegalArgumentException("nextN must be at least 1, got " + nextN);
        }
        return nextN;
    }

    private static String prefix(String pathPrefix) {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("pathPrefix must start with '/', got '" + pathPrefix + "'");
        }
        return pathPrefix;
    }
}
