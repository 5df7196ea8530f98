package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** JSON helpers: one mapper, and the two timestamp formats the real APIs use. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    // Instance API (recorded): "2026-07-30T12:54:30.207487+00:00"
    private static final DateTimeFormatter INSTANCE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    // Block / IAM / Account APIs (recorded): "2026-07-30T12:54:30.620092Z"
    private static final DateTimeFormatter BLOCK_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    static String instanceTime(Instant t) {
        return t == null ? null : INSTANCE_TIME.format(t);
    }

    static String blockTime(Instant t) {
        return t == null ? null : BLOCK_TIME.format(t);
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = F.arrayNode();
        values.forEach(a::add);
        return a;
    }

    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return F.objectNode();
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiError.invalidArgument("body", "format", "the request body must be a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw ApiError.invalidArgument("body", "format", "the request body is not valid JSON");
        }
    }
}
