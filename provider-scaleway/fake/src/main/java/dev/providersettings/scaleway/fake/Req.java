package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One parsed request, and the parsing of its parts the way the real API validates them. */
record Req(String method, String path, Map<String, List<String>> query, String token, JsonNode body) {

    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** All values of a list parameter, whether repeated ({@code tags=a&tags=b}) or comma-joined. */
    List<String> list(String name) {
        List<String> v = query.getOrDefault(name, List.of());
        return v.stream().flatMap(s -> Arrays.stream(s.split(","))).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    /** A positive integer query parameter up to {@code max}, or {@code dflt} when absent. */
    int intParam(String name, int dflt, int max) {
        String v = param(name);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiError.invalidArgument(name, "format", name + " must be an integer");
        }
        if (n < 1 || n > max) {
            throw ApiError.invalidArgument(name, "constraint", name + " must be between 1 and " + max);
        }
        return n;
    }

    /** The {@code order_by} parameter of the Block and Account lists, ties broken by id. */
    <T> Comparator<T> order(Function<T, Instant> created, Function<T, String> name, Function<T, UUID> id) {
        String o = param("order_by") == null ? "created_at_asc" : param("order_by");
        Comparator<T> c;
        switch (o) {
            case "created_at_asc":
                c = Comparator.comparing(created);
                break;
            case "created_at_desc":
                c = Comparator.comparing(created).reversed();
                break;
            case "name_asc":
                c = Comparator.comparing(name);
                break;
            case "name_desc":
                c = Comparator.comparing(name).reversed();
                break;
            default:
                throw ApiError.invalidArgument("order_by", "constraint",
                        "order_by must be created_at_asc, created_at_desc, name_asc or name_desc");
        }
        return c.thenComparing(id);
    }

    /** A UUID in canonical form, else 400 {@code invalid_arguments} naming the argument. */
    static UUID uuid(String text, String argument) {
        try {
            UUID u = UUID.fromString(text);
            if (!u.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidArgument(argument, "format", "must be a valid UUID");
        }
    }

    /** A field as text, {@code null} when absent or JSON null. */
    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** An array of strings (empty when absent), else 400 {@code invalid_arguments}. */
    static List<String> stringList(JsonNode n, String argument) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw ApiError.invalidArgument(argument, "format", argument + " must be an array of strings");
        }
        n.forEach(e -> out.add(e.asText()));
        return out;
    }
}
