package dev.providersettings.scaleway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A tiny local HTTP server for transport tests: answers with a handler and records what it received. */
final class StubServer implements AutoCloseable {

    /** What the stub received. */
    record Received(String method, String path, String query, String token, String body) {
    }

    /** What the stub answers; a negative status drops the connection without answering. */
    record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
        static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json", "X-Request-Id", "req-" + status), body, 0);
        }

        static Answer empty(int status) {
            return new Answer(status, Map.of("X-Request-Id", "req-" + status), "", 0);
        }

        static Answer rateLimited() {
            return new Answer(429, Map.of("X-Envoy-Ratelimited", "true", "X-Request-Id", "req-429"), "", 0);
        }

        Answer delayed(long millis) {
            return new Answer(status, headers, body, millis);
        }

        Answer header(String name, String value) {
            Map<String, String> copy = new java.util.HashMap<>(headers);
            copy.put(name, value);
            return new Answer(status, Map.copyOf(copy), body, delayMillis);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-http");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Answer> handler;

    StubServer(Function<Received, Answer> handler) {
        this.handler = handler;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void handler(Function<Received, Answer> value) {
        this.handler = value;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("X-Auth-Token"), body);
        received.add(r);
        Answer answer = handler.apply(r);
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (answer.status() < 0) {
            exchange.close();
            return;
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException clientGone) {
            // The client timed out: nothing to do.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
