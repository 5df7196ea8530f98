package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Replays the requests of a recorded cassette against a fake and compares each answer with the recorded one:
 * status, presence of the significant headers, and the body's shape. Recorded ids are mapped to the fake's ids as
 * they appear (both sides are walked in parallel), and every later request is rewritten with the fake's ids.
 * The test clock is set to each recorded answer's {@code Date}, so time-driven transitions happen where they did.
 */
final class CassetteReplayer {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern UUID_RE =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final List<String> HEADERS = List.of("X-Total-Count", "Link", "Location", "Content-Type",
            "X-Envoy-Ratelimited", "Retry-After");

    /** The outcome of one replayed interaction. */
    record Step(int index, String method, String url, int recordedStatus, int fakeStatus, JsonNode recorded,
            JsonNode fake, List<String> differences) {
    }

    private final FakeScaleway fake;
    private final TestClock clock;
    private final Http http;
    final Map<String, String> ids = new LinkedHashMap<>();
    private Set<String> dynamicMaps = Set.of();

    CassetteReplayer(FakeScaleway fake, TestClock clock, String token) {
        this.fake = fake;
        this.clock = clock;
        this.http = new Http(fake.baseUrl(), token);
    }

    CassetteReplayer dynamicMaps(Set<String> paths) {
        this.dynamicMaps = paths;
        return this;
    }

    static List<JsonNode> interactions(String resource) {
        try (InputStream in = CassetteReplayer.class.getResourceAsStream("/cassettes/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /cassettes/" + resource);
            }
            List<JsonNode> out = new ArrayList<>();
            YAML.readTree(in).get("interactions").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replays the interactions selected by {@code include}, in order. */
    List<Step> replay(List<JsonNode> interactions, Predicate<JsonNode> include) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < interactions.size(); i++) {
            JsonNode it = interactions.get(i);
            if (!include.test(it)) {
                continue;
            }
            steps.add(replayOne(i, it));
        }
        return steps;
    }

    private Step replayOne(int index, JsonNode it) {
        JsonNode req = it.get("request");
        JsonNode resp = it.get("response");
        String method = req.get("method").asText();
        String url = rewrite(req.get("url").asText().replace("https://api.scaleway.com", ""));
        String body = req.path("body").isNull() ? "" : rewrite(req.path("body").asText(""));
        int recordedStatus = resp.get("code").asInt();
        String date = first(resp.get("headers"), "Date");
        if (date != null) {
            Instant t = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            if (t.isAfter(clock.instant())) {
                clock.set(t);
            }
        }
        if (recordedStatus == 429) {
            fake.faults().rateLimit(1); // a 429 is the gateway's, not the state's: re-create it with a fault
        }
        Http.Res got = http.send(method, url, body.isEmpty() ? null : body);
        List<String> diffs = new ArrayList<>();
        if (got.status() != recordedStatus) {
            diffs.add("status: recorded " + recordedStatus + ", fake " + got.status() + " " + got.body());
        }
        for (String h : HEADERS) {
            boolean rec = first(resp.get("headers"), h) != null;
            boolean fak = got.headers().firstValue(h).isPresent();
            if (rec != fak) {
                diffs.add("header " + h + ": recorded " + (rec ? "present" : "absent") + ", fake "
                        + (fak ? "present" : "absent"));
            }
        }
        if (got.headers().firstValue("X-Request-Id").isEmpty()) {
            diffs.add("header X-Request-Id missing");
        }
        String recordedBody = resp.path("body").asText("");
        JsonNode recJson = null;
        JsonNode fakeJson = null;
        if (!recordedBody.isEmpty()) {
            recJson = parse(recordedBody);
            if (got.body().isEmpty()) {
                diffs.add("body: recorded JSON, fake empty");
            } else {
                fakeJson = got.json();
                diffs.addAll(Shapes.differences(recJson, fakeJson, dynamicMaps));
                learn(recJson, fakeJson);
            }
        } else if (!got.body().isEmpty()) {
            diffs.add("body: recorded empty, fake " + got.body());
        }
        return new Step(index, method, url, recordedStatus, got.status(), recJson, fakeJson, diffs);
    }

    /** Maps recorded ids to the fake's by walking both answers in parallel. */
    private void learn(JsonNode rec, JsonNode fak) {
        if (rec.isObject() && fak.isObject()) {
            rec.properties().forEach(e -> {
                JsonNode f = fak.get(e.getKey());
                if (f == null) {
                    return;
                }
                JsonNode r = e.getValue();
                if ((e.getKey().equals("id") || e.getKey().endsWith("_id")) && r.isTextual() && f.isTextual()
                        && UUID_RE.matcher(r.asText()).matches() && !ids.containsKey(r.asText())) {
                    ids.put(r.asText(), f.asText());
                } else {
                    learn(r, f);
                }
            });
        } else if (rec.isArray() && fak.isArray()) {
            for (int i = 0; i < Math.min(rec.size(), fak.size()); i++) {
                learn(rec.get(i), fak.get(i));
            }
        }
    }

    private String rewrite(String s) {
        String out = s;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String first(JsonNode headers, String name) {
        if (headers == null) {
            return null;
        }
        for (var e : headers.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                JsonNode v = e.getValue();
                return v.isArray() ? (v.size() == 0 ? null : v.get(0).asText()) : v.asText();
            }
        }
        return null;
    }

    private static JsonNode parse(String body) {
        try {
            return new ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("recorded body is not JSON: " + body, e);
        }
    }
}
