package dev.providersettings.examples.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** A tiny client of the orchestrator's HTTP API, as a signed-in user (used by the demo and the tests). */
final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    ApiClient(URI base) {
        this.base = base;
    }

    /** An answer: status and JSON body. */
    record Answer(int status, JsonNode body) {
        /** The {@code error} code of an error answer, or null. */
        String error() {
            return body.hasNonNull("error") ? body.get("error").asText() : null;
        }

        String message() {
            return body.hasNonNull("message") ? body.get("message").asText() : null;
        }
    }

    Answer deploy(UUID user, String json) {
        return send(user, "POST", "/deployments", json);
    }

    Answer instance(UUID user, UUID instance) {
        return send(user, "GET", "/instances/" + instance, null);
    }

    Answer instances(UUID user, String organization) {
        return send(user, "GET", "/instances" + (organization == null ? "" : "?organization=" + organization), null);
    }

    Answer terminate(UUID user, UUID instance) {
        return send(user, "DELETE", "/instances/" + instance, null);
    }

    Answer send(UUID user, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (user != null) {
            request.header("X-User-Id", user.toString());
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), ApiServer.JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
