package dev.providersettings.scaleway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a recorded go-vcr cassette (version 1 or 2) from the test resources. */
final class Cassette {
    static final List<String> FILES = List.of(
            "volume-update-size.cassette.yaml",
            "server-root-volume-from-image-block.cassette.yaml",
            "ip-reverse-dns-basic.cassette.yaml",
            "list-block-volumes-basic.cassette.yaml",
            "test-init-autocomplete-linux-bash.cassette.yaml",
            "test-alias-list-aliases.cassette.yaml");

    /** One recorded request and its response. */
    record Interaction(String file, int index, String method, URI url, String requestBody, int status,
                       Map<String, List<String>> headers, String body) {

        String path() {
            return url.getRawPath();
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return file + "#" + index + " " + method + " " + url + " -> " + status;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Cassette() {
    }

    static List<Interaction> load(String file) {
        try (InputStream in = Cassette.class.getResourceAsStream("/cassettes/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /cassettes/" + file);
            }
            JsonNode root = YAML.readTree(in);
            List<Interaction> out = new ArrayList<>();
            int i = 0;
            for (JsonNode it : root.get("interactions")) {
                JsonNode rq = it.get("request");
                JsonNode rs = it.get("response");
                Map<String, List<String>> headers = new LinkedHashMap<>();
                JsonNode h = rs.get("headers");
                if (h != null && h.isObject()) {
                    h.properties().forEach(e -> {
                        List<String> values = new ArrayList<>();
                        e.getValue().forEach(v -> values.add(v.asText()));
                        headers.put(e.getKey(), values);
                    });
                }
                out.add(new Interaction(file, i++, rq.get("method").asText(), URI.create(rq.get("url").asText()),
                        rq.path("body").asText(""), rs.get("code").asInt(), headers, rs.path("body").asText("")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Interaction> all() {
        List<Interaction> out = new ArrayList<>();
        FILES.forEach(f -> out.addAll(load(f)));
        return out;
    }
}
