package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One answer: status, JSON body ({@code null} = no body) and extra headers; and the paging both list styles share. */
record Resp(int status, JsonNode body, Map<String, String> headers) {

    static Resp json(int status, JsonNode body) {
        return new Resp(status, body, Map.of());
    }

    static Resp noContent() {
        return new Resp(204, null, Map.of());
    }

    /** The Instance API wraps single objects: {@code {"server":{...}}}. */
    static ObjectNode wrap(String name, JsonNode inner) {
        ObjectNode n = Json.object();
        n.set(name, inner);
        return n;
    }

    /** Page {@code page} (from 1) of {@code perPage} items; empty past the end. */
    static <T> List<T> page(List<T> all, int page, int perPage) {
        long from = (long) (page - 1) * perPage;
        if (from >= all.size()) {
            return List.of();
        }
        return all.subList((int) from, (int) Math.min(all.size(), from + perPage));
    }

    /** Instance lists: {@code X-Total-Count} and a {@code Link} header shaped like the recorded ones. */
    static Map<String, String> pageHeaders(String path, int total, int page, int perPage) {
        int last = Math.max(1, (total + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        if (page > 1) {
            links.add(link(path, 1, perPage, "first"));
            links.add(link(path, Math.min(page - 1, last), perPage, "previous"));
        }
        if (page < last) {
            links.add(link(path, page + 1, perPage, "next"));
        }
        links.add(link(path, last, perPage, "last"));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Total-Count", Integer.toString(total));
        h.put("Link", String.join(",", links));
        return h;
    }

    private static String link(String path, int page, int perPage, String rel) {
        return "<" + path + "?page=" + page + "&per_page=" + perPage + "&>; rel=\"" + rel + "\"";
    }
}
