package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake of the Scaleway Instance, Block Storage, IAM and Account APIs: an in-process HTTP server (JDK
 * {@code com.sun.net.httpserver}) bound to 127.0.0.1 that keeps state and answers like the recorded real API.
 * See the package documentation for the endpoints, the fidelity and the known differences.
 *
 * <pre>{@code
 * try (FakeScaleway fake = FakeScaleway.start()) {
 *     fake.addApiKey("SCW0123456789ABCDEFGH", secret, projectId, orgId);
 *     // point the client at fake.baseUrl()
 * }
 * }</pre>
 */
public final class FakeScaleway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FakeScaleway.class);
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final FakeApi api;
    private final Faults faults = new Faults();
    private final Clock clock;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final String baseUrl;

    private FakeScaleway(Builder b) throws IOException {
        this.clock = b.clock;
        this.api = new FakeApi(b.clock, b.resizeDelay, b.serverBootDelay, b.serverStopDelay, b.volumeCreateDelay);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "fake-scaleway-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        api.baseUrl(baseUrl);
    }

    /** Starts a fake on a free port with the default settings. */
    public static FakeScaleway start() {
        return builder().build().start();
    }

    /** A builder for a fake with a given port, clock or transition delays. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL to give a client, e.g. {@code http://127.0.0.1:40123} (no trailing slash). */
    public String baseUrl() {
        return baseUrl;
    }

    /** The port the fake listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    // ------------------------------------------------------------------ seeding

    /** Registers an organization and its default project (same UUID). Idempotent. */
    public FakeScaleway addOrganization(UUID orgId) {
        api.addOrganization(Objects.requireNonNull(orgId, "orgId"));
        return this;
    }

    /** Registers a project of an organization (the organization is registered too if unknown). Idempotent. */
    public FakeScaleway addProject(UUID projectId, UUID orgId) {
        api.addProject(Objects.requireNonNull(projectId, "projectId"), Objects.requireNonNull(orgId, "orgId"));
        return this;
    }

    /**
     * Registers an API key owned by a new IAM application of {@code orgId}. Its secret key is the
     * {@code X-Auth-Token} callers send; it may act on every project of the organization (see
     * {@link #restrictKeyToProjects}). The organization and default project are registered if unknown.
     *
     * @throws IllegalArgumentException if the access key is not {@code SCW} + 17 of {@code [A-Z0-9]}, or already used
     */
    public FakeScaleway addApiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID orgId) {
        api.addApiKey(accessKey, secretKey, Objects.requireNonNull(defaultProjectId, "defaultProjectId"),
                Objects.requireNonNull(orgId, "orgId"), false);
        return this;
    }

    /** Like {@link #addApiKey} but the key is owned by a new IAM user of the organization. */
    public FakeScaleway addUserApiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID orgId) {
        api.addApiKey(accessKey, secretKey, Objects.requireNonNull(defaultProjectId, "defaultProjectId"),
                Objects.requireNonNull(orgId, "orgId"), true);
        return this;
    }

    /** The IAM application or user that owns the key, if the key exists. */
    public Optional<UUID> keyOwner(String accessKey) {
        return api.ownerOf(accessKey);
    }

    /**
     * Takes IAM read rights from (or gives them back to) a key: without them, IAM reads answer 403
     * {@code permissions_denied} with {@code details:[{action:"read",resource:"api_key"}]}, as recorded.
     */
    public FakeScaleway iamReadAllowed(String accessKey, boolean allowed) {
        api.configureKey(accessKey, k -> k.iamRead = allowed);
        return this;
    }

    /** Marks a key expired: every request with its secret then gets 401 {@code denied_authentication/expired}. */
    public FakeScaleway expireApiKey(String accessKey) {
        api.configureKey(accessKey, k -> k.expired = true);
        return this;
    }

    /** Limits a key to some projects of its organization; creating elsewhere gives 403, reading gives 404. */
    public FakeScaleway restrictKeyToProjects(String accessKey, UUID... projectIds) {
        Set<UUID> ids = Set.of(projectIds);
        api.configureKey(accessKey, k -> k.projects = ids);
        return this;
    }

    /** Adds a public image usable as {@code image} when creating a server. Two Ubuntu images are preinstalled. */
    public FakeScaleway addImage(UUID imageId, String name, String arch) {
        api.addImage(Objects.requireNonNull(imageId, "imageId"), Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(arch, "arch"));
        return this;
    }

    /**
     * Adds a server type to the catalog. Preinstalled: DEV1-S, PRO2-XS, L4-1-24G, GPU-3070-S, H100-1-80G.
     *
     * @param gpus number of GPUs, {@code 0} for none
     */
    public FakeScaleway addServerType(String name, int ncpus, long ramBytes, int gpus, double hourlyPrice) {
        ObjectNode t = ServerTypes.type(ncpus, ramBytes, gpus, gpus > 0 ? "GPU" : null, gpus > 0 ? 16L << 30 : 0,
                hourlyPrice, hourlyPrice * 730, 0, 1_000_000_000L, 1_048_576_000L, 0);
        api.addServerType(Objects.requireNonNull(name, "name"), t);
        return this;
    }

    /** The names of the server types in the catalog. */
    public Set<String> serverTypes() {
        return api.serverTypeNames();
    }

    // ------------------------------------------------------------------ inspection

    /** The Block volume as the {@code block/v1} API would show it now, or empty. A copy: changing it changes nothing. */
    public Optional<JsonNode> volume(UUID volumeId) {
        return api.inspectVolume(volumeId);
    }

    /** The server (the object inside {@code {"server":...}}) as the API would show it now, or empty. A copy. */
    public Optional<JsonNode> server(UUID serverId) {
        return api.inspectServer(serverId);
    }

    /** The Block snapshot as the API would show it now, or empty. A copy. */
    public Optional<JsonNode> snapshot(UUID snapshotId) {
        return api.inspectSnapshot(snapshotId);
    }

    /** Every request received so far, in arrival order (immutable copy). */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    /** The fault injection controls. */
    public Faults faults() {
        return faults;
    }

    /** Stops the server at once and its threads. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "FakeScaleway[" + baseUrl + "]";
    }

    // ------------------------------------------------------------------ HTTP

    private void exchange(HttpExchange ex) {
        String requestId = UUID.randomUUID().toString();
        try (ex) {
            byte[] bytes = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            String path = ex.getRequestURI().getPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
            synchronized (requests) {
                requests.add(new RecordedRequest(method, path, rawQuery, token,
                        new String(bytes, StandardCharsets.UTF_8), clock.instant()));
            }
            Faults.Hit hit = faults.take(path);
            if (!hit.delay().isZero()) {
                Thread.sleep(hit.delay().toMillis());
            }
            if (hit.answer() != null) {
                fault(ex, hit.answer(), requestId);
                return;
            }
            Resp resp;
            try {
                JsonNode body = method.equals("POST") || method.equals("PATCH") || method.equals("PUT")
                        ? Json.parse(bytes) : Json.object();
                resp = api.handle(new Req(method, path, query(rawQuery), token, body));
            } catch (ApiError e) {
                resp = Resp.json(e.status, e.body);
            }
            send(ex, resp, requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("fake Scaleway: client went away during request {}: {}", requestId, e.toString());
        } catch (RuntimeException e) {
            LOG.error("fake Scaleway: unexpected failure in request {}", requestId, e);
            try {
                ObjectNode b = Json.object().put("message", "internal error in the fake: " + e);
                send(ex, Resp.json(500, b), requestId);
            } catch (IOException | RuntimeException ignored) {
                // the response may already be started; nothing more to do
            }
        }
    }

    private static void fault(HttpExchange ex, Faults.Rule rule, String requestId) throws IOException {
        Headers h = ex.getResponseHeaders();
        switch (rule.kind) {
            case RATE_LIMIT:
                // Recorded 30 times: empty body, no Content-Type, X-Envoy-Ratelimited: true, no Retry-After.
                commonHeaders(h, requestId);
                h.set("X-Envoy-Ratelimited", "true");
                ex.sendResponseHeaders(429, -1);
                return;
            case SERVER_ERROR: {
                ObjectNode b = Json.object().put("message", "internal server error (injected by the fake)");
                send(ex, Resp.json(rule.status, b), requestId);
                return;
            }
            case MALFORMED_JSON: {
                commonHeaders(h, requestId);
                h.set("Content-Type", "application/json");
                byte[] broken = "{\"id\":\"8c38fa15-4249-47c3-b4ea-ce379d4620dd\",\"size\":100000".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, broken.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(broken);
                }
                return;
            }
            case DROP_CONNECTION:
                // Closing an exchange whose response was never started makes the JDK server close the socket:
                // the client reads end-of-stream where it expected a status line.
                ex.close();
                return;
            default:
                throw new IllegalStateException("unexpected fault " + rule.kind);
        }
    }

    private static void commonHeaders(Headers h, String requestId) {
        h.set("X-Request-Id", requestId);
        h.set("Server", "Scaleway API Gateway (fake)");
        h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        h.set("Strict-Transport-Security", "max-age=63072000");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
    }

    private static void send(HttpExchange ex, Resp resp, String requestId) throws IOException {
        Headers h = ex.getResponseHeaders();
        commonHeaders(h, requestId);
        h.set("Content-Type", "application/json"); // recorded on every answer but 429, 204 included
        resp.headers().forEach(h::set);
        if (resp.body() == null) {
            ex.sendResponseHeaders(resp.status(), -1);
            return;
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(resp.body());
        ex.sendResponseHeaders(resp.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return q;
    }

    // ------------------------------------------------------------------ standalone

    /**
     * Starts a fake on its own: {@code --port 4000} (default 4000), and one organization with one API key taken from
     * {@code --org --project --access-key --secret-key} or from {@code SCW_DEFAULT_ORGANIZATION_ID},
     * {@code SCW_DEFAULT_PROJECT_ID}, {@code SCW_ACCESS_KEY}, {@code SCW_SECRET_KEY}; missing values are generated
     * and printed (they are fake credentials for a local test server). Runs until the process is stopped.
     */
    public static void main(String[] args) throws InterruptedException {
        // The JDK server writes the headers and the body separately; with Nagle's algorithm on, every answer then
        // waits ~40 ms for the client's delayed ACK. The property is JVM-wide and read once, before the first server
        // starts: only this main, which owns its JVM, sets it (unless given); library use never does.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
        FakeScaleway fake;
        try {
            fake = startStandalone(args, System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close, "fake-scaleway-shutdown"));
        new CountDownLatch(1).await();
    }

    /** Parses the command line, starts the fake, seeds it and prints how to reach it; {@link #main} then waits. */
    static FakeScaleway startStandalone(String[] args, Map<String, String> env, PrintStream out) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: FakeScaleway [--port N] [--org UUID] [--project UUID] "
                        + "[--access-key SCW...] [--secret-key UUID]; unexpected '" + args[i] + "'");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        for (String k : opts.keySet()) {
            if (!Set.of("port", "org", "project", "access-key", "secret-key").contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k
                        + "; known: --port --org --project --access-key --secret-key");
            }
        }
        int port;
        UUID org;
        UUID project;
        try {
            port = Integer.parseInt(opt(opts, env, "port", "FAKE_SCALEWAY_PORT", "4000"));
            org = UUID.fromString(opt(opts, env, "org", "SCW_DEFAULT_ORGANIZATION_ID", UUID.randomUUID().toString()));
            project = UUID.fromString(opt(opts, env, "project", "SCW_DEFAULT_PROJECT_ID", org.toString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--port must be a number and --org/--project UUIDs: " + e.getMessage(), e);
        }
        String access = opt(opts, env, "access-key", "SCW_ACCESS_KEY", randomAccessKey());
        String givenSecret = opt(opts, env, "secret-key", "SCW_SECRET_KEY", null);
        String secret = givenSecret == null ? UUID.randomUUID().toString() : givenSecret;
        FakeScaleway fake = builder().port(port).build().start();
        try {
            fake.addApiKey(access, secret, project, org);
        } catch (IllegalArgumentException e) {
            fake.close();
            throw e;
        }
        out.println("Fake Scaleway API listening on " + fake.baseUrl());
        out.println("SCW_API_URL=" + fake.baseUrl());
        out.println("SCW_DEFAULT_ORGANIZATION_ID=" + org);
        out.println("SCW_DEFAULT_PROJECT_ID=" + project);
        out.println("SCW_ACCESS_KEY=" + access);
        // A generated key is useless unless printed; a key passed in by the caller is not echoed back.
        out.println("SCW_SECRET_KEY=" + (givenSecret != null ? "<as given>" : secret));
        return fake;
    }

    private static String opt(Map<String, String> opts, Map<String, String> env, String name, String envName,
            String dflt) {
        String v = opts.get(name);
        if (v == null) {
            v = env.get(envName);
        }
        return v == null || v.isBlank() ? dflt : v;
    }

    private static String randomAccessKey() {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder("SCW");
        for (int i = 0; i < 17; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    /** Configuration of a {@link FakeScaleway}; {@link #build()} then {@link Starter#start()}. */
    public static final class Builder {
        private int port;
        private Clock clock = Clock.systemUTC();
        private Duration resizeDelay = Duration.ofMillis(300);
        private Duration serverBootDelay = Duration.ofMillis(500);
        private Duration serverStopDelay = Duration.ofMillis(500);
        private Duration volumeCreateDelay = Duration.ofMillis(100);
        private int threads = 16;

        private Builder() {
        }

        /** The port to listen on, {@code 0} (default) for a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The clock that drives timestamps and transitions (default: system UTC). A test clock makes them deterministic. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a volume stays {@code updating} after a size or IOPS PATCH (default 300 ms; recorded: about 1 s). */
        public Builder resizeDelay(Duration delay) {
            this.resizeDelay = nonNegative(delay, "resizeDelay");
            return this;
        }

        /** How long {@code starting} (and a reboot) lasts before {@code running} (default 500 ms; recorded: under 5 s). */
        public Builder serverBootDelay(Duration delay) {
            this.serverBootDelay = nonNegative(delay, "serverBootDelay");
            return this;
        }

        /** How long {@code stopping} lasts, for poweroff and terminate (default 500 ms; recorded terminate: about 12 s). */
        public Builder serverStopDelay(Duration delay) {
            this.serverStopDelay = nonNegative(delay, "serverStopDelay");
            return this;
        }

        /** How long a new Block volume or snapshot stays {@code creating} (default 100 ms; recorded: under 5 s). */
        public Builder volumeCreateDelay(Duration delay) {
            this.volumeCreateDelay = nonNegative(delay, "volumeCreateDelay");
            return this;
        }

        /** Worker threads answering requests (default 16); a {@link Faults#slow slow} answer holds one. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Seals the configuration. */
        public Starter build() {
            return new Starter(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + d);
            }
            return d;
        }
    }

    /** A sealed configuration, ready to start (possibly several fakes). */
    public static final class Starter {
        private final Builder b;

        private Starter(Builder source) {
            Builder copy = new Builder();
            copy.port = source.port;
            copy.clock = source.clock;
            copy.resizeDelay = source.resizeDelay;
            copy.serverBootDelay = source.serverBootDelay;
            copy.serverStopDelay = source.serverStopDelay;
            copy.volumeCreateDelay = source.volumeCreateDelay;
            copy.threads = source.threads;
            this.b = copy;
        }

        /**
         * Binds and starts the server.
         *
         * @throws IllegalStateException if the port cannot be bound (it says which port)
         */
        public FakeScaleway start() {
            try {
                return new FakeScaleway(b);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the fake Scaleway API on 127.0.0.1:" + b.port
                        + " (" + e.getMessage() + "); choose another port or 0 for a free one", e);
            }
        }
    }
}
