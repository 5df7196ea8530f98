package dev.providersettings.examples.orchestrator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.providersettings.OrganizationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator's HTTP API on the JDK's {@link HttpServer}:
 * <ul>
 *   <li>{@code POST /deployments} — body {@code {instance_type, zone, volume_size_gb, name}}; the organization is
 *       the signed-in user's current organization (header {@code X-User-Id} stands in for authentication).</li>
 *   <li>{@code GET /instances/{id}}, {@code GET /instances?organization=<id>}, {@code DELETE /instances/{id}} —
 *       only within the user's current organization.</li>
 *   <li>{@code GET /health}.</li>
 * </ul>
 * Errors are JSON {@code {"error": code, "message": text}} with a 4xx status; a rejected request writes nothing.
 */
final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Deployment bodies are tiny; anything larger is refused before parsing. */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    static final ObjectMapper JSON = JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

    private final HostDatabase host;
    private final InstanceRepository instances;
    private final HttpServer server;
    private final ExecutorService executor;

    ApiServer(HostDatabase host, InstanceRepository instances, int port) throws IOException {
        this.host = host;
        this.instances = instances;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "orchestrator-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = route(exchange);
            } catch (ApiException e) {
                response = Response.error(e.status(), e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                response = Response.error(500, "internal_error", "the request failed on the server; nothing was written");
            }
            send(exchange, response);
        } catch (IOException e) {
            LOG.debug("could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private Response route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        List<String> segments = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
        if (path.equals("/health")) {
            requireMethod(method, "GET");
            return Response.ok(200, Map.of("status", "ok"));
        }
        if (path.equals("/deployments")) {
            requireMethod(method, "POST");
            return createDeployment(exchange);
        }
        if (segments.get(0).equals("instances") && segments.size() == 1) {
            requireMethod(method, "GET");
            return listInstances(exchange);
        }
        if (segments.get(0).equals("instances") && segments.size() == 2) {
            UUID id = parseUuid(segments.get(1), "instance id");
            if (method.equals("GET")) {
                return Response.ok(200, InstanceView.of(visibleInstance(exchange, id)));
            }
            requireMethod(method, "DELETE");
            visibleInstance(exchange, id);
            Instance after = instances.requestTermination(id).orElseThrow(() -> notFound(id));
            if (after.status() == Instance.Status.PROVISIONING) {
                throw new ApiException(409, "instance_busy", "instance " + id
                        + " is being provisioned right now; retry the DELETE in a few seconds");
            }
            return Response.ok(202, InstanceView.of(after));
        }
        throw new ApiException(404, "not_found", "no route for " + method + " " + path
                + "; routes are POST /deployments, GET /instances?organization=<id>, GET|DELETE /instances/<id>, GET /health");
    }

    private Response createDeployment(HttpExchange exchange) throws IOException {
        HostDatabase.User user = authenticate(exchange);
        OrganizationId organization = requireOrganization(user);
        byte[] body = readBody(exchange);
        DeploymentRequest request = DeploymentRequest.parse(body, host.catalog());
        UUID deploymentId = UUID.randomUUID();
        UUID instanceId = UUID.randomUUID();
        // Deployment and instance in one transaction: a failure leaves neither. The organization is read again
        // under a row lock so a concurrent switch of organization cannot slip between check and insert.
        Sql.inTransaction(host.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT current_organization_id FROM users WHERE id = ? FOR SHARE")) {
                ps.setObject(1, user.id());
                try (ResultSet rs = ps.executeQuery()) {
                    UUID current = rs.next() ? rs.getObject(1, UUID.class) : null;
                    if (current == null || !current.equals(organization.value())) {
                        throw new ApiException(409, "organization_changed", "the user's current organization changed"
                                + " during the request; nothing was written, send the request again");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO deployments (id, organization_id, created_by, name) VALUES (?, ?, ?, ?)")) {
                ps.setObject(1, deploymentId);
                ps.setObject(2, organization.value());
                ps.setObject(3, user.id());
                ps.setString(4, request.name());
                ps.executeUpdate();
            }
            InstanceRepository.insert(c, instanceId, deploymentId, organization, request.name(), request.zone(),
                    request.instanceType(), request.volumeSizeGb());
            return null;
        });
        Instance instance = instances.find(instanceId).orElseThrow();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deployment_id", deploymentId.toString());
        answer.put("instance", InstanceView.of(instance));
        Response response = Response.ok(201, answer);
        exchange.getResponseHeaders().set("Location", "/instances/" + instanceId);
        return response;
    }

    private Response listInstances(HttpExchange exchange) {
        HostDatabase.User user = authenticate(exchange);
        OrganizationId organization = requireOrganization(user);
        Optional<String> asked = queryParameter(exchange.getRequestURI(), "organization");
        if (asked.isPresent()) {
            OrganizationId requested;
            try {
                requested = OrganizationId.parse(asked.get());
            } catch (RuntimeException e) {
                throw ApiException.badRequest("invalid_organization", e.getMessage());
            }
            if (!requested.equals(organization)) {
                throw new ApiException(403, "forbidden_organization", "user " + user.id()
                        + " works in organization " + organization + " and cannot list the instances of " + requested);
            }
        }
        List<InstanceView> views = instances.listByOrganization(organization).stream().map(InstanceView::of).toList();
        return Response.ok(200, Map.of("organization_id", organization.toString(), "instances", views));
    }

    private Instance visibleInstance(HttpExchange exchange, UUID id) {
        HostDatabase.User user = authenticate(exchange);
        OrganizationId organization = requireOrganization(user);
        Instance instance = instances.find(id).orElseThrow(() -> notFound(id));
        // Another organization's instance answers exactly like a missing one: its existence is not disclosed.
        if (!organization.equals(instance.organization())) {
            throw notFound(id);
        }
        return instance;
    }

    private static ApiException notFound(UUID id) {
        return new ApiException(404, "instance_not_found", "no instance " + id + " in your organization");
    }

    private HostDatabase.User authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("X-User-Id");
        if (header == null || header.isBlank()) {
            throw new ApiException(401, "unauthenticated", "sign in: send the header X-User-Id with your user id");
        }
        UUID id;
        try {
            id = UUID.fromString(header.strip());
        } catch (IllegalArgumentException e) {
            throw new ApiException(401, "unauthenticated", "X-User-Id must be the UUID of a known user");
        }
        return host.findUser(id).orElseThrow(() ->
                new ApiException(401, "unauthenticated", "X-User-Id names no known user"));
    }

    private static OrganizationId requireOrganization(HostDatabase.User user) {
        if (user.currentOrganization() == null) {
            throw new ApiException(422, "missing_organization", "user " + user.id() + " has no current organization;"
                    + " join or switch to an organization before deploying (nothing was written)");
        }
        return user.currentOrganization();
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new ApiException(405, "method_not_allowed", "use " + expected + " on this path, not " + actual);
        }
    }

    private static UUID parseUuid(String text, String what) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_id", what + " must be a UUID");
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json, not " + contentType);
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ApiException(413, "body_too_large", "the body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    private static Optional<String> queryParameter(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A status and a JSON body. */
    private record Response(int status, Object body) {
        static Response ok(int status, Object body) {
            return new Response(status, body);
        }

        static Response error(int status, String code, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", code);
            body.put("message", message);
            return new Response(status, body);
        }
    }
}
