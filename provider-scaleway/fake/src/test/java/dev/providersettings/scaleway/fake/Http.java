package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny raw HTTP client for the fake's tests (deliberately not the project's Scaleway client). */
final class Http {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String token;

    Http(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    Http as(String otherToken) {
        return new Http(baseUrl, otherToken);
    }

    /** One answer. */
    record Res(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    Res get(String path) {
        return send("GET", path, null);
    }

    Res post(String path, String json) {
        return send("POST", path, json);
    }

    Res patch(String path, String json) {
        return send("PATCH", path, json);
    }

    Res delete(String path) {
        return send("DELETE", path, null);
    }

    Res send(String method, String path, String json) {
        try {
            return sendChecked(method, path, json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        }
    }

    Res sendChecked(String method, String path, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.headers(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
