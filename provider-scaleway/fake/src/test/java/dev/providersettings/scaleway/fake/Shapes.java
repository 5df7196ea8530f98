package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the shape of two JSON documents: the same field names and the same JSON node types, recursively
 * (numbers split into integral and floating). Values do not matter. Objects listed as dynamic maps (keyed by data,
 * like the server-type catalog) have each fake value compared with the first recorded value.
 */
final class Shapes {
    private Shapes() {
    }

    static List<String> differences(JsonNode recorded, JsonNode fake, Set<String> dynamicMaps) {
        List<String> out = new ArrayList<>();
        compare(recorded, fake, "$", dynamicMaps, out);
        return out;
    }

    private static String kind(JsonNode n) {
        if (n.isIntegralNumber()) {
            return "integer";
        }
        if (n.isNumber()) {
            return "float";
        }
        return n.getNodeType().name().toLowerCase();
    }

    private static void compare(JsonNode rec, JsonNode fake, String path, Set<String> dynamicMaps, List<String> out) {
        if (!kind(rec).equals(kind(fake))) {
            out.add(path + ": recorded " + kind(rec) + ", fake " + kind(fake));
            return;
        }
        if (rec.isObject()) {
            if (dynamicMaps.contains(path)) {
                // Same key recorded: compare with it. Otherwise any recorded entry of the same shape will do.
                fake.properties().forEach(e -> {
                    String p = path + "." + e.getKey();
                    if (rec.has(e.getKey())) {
                        compare(rec.get(e.getKey()), e.getValue(), p, dynamicMaps, out);
                        return;
                    }
                    List<String> first = null;
                    for (Iterator<JsonNode> r = rec.elements(); r.hasNext();) {
                        List<String> d = new ArrayList<>();
                        compare(r.next(), e.getValue(), p, dynamicMaps, d);
                        if (d.isEmpty()) {
                            return;
                        }
                        first = first == null ? d : first;
                    }
                    if (first != null) {
                        out.addAll(first);
                    }
                });
                return;
            }
            Set<String> names = new TreeSet<>();
            rec.fieldNames().forEachRemaining(names::add);
            fake.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!rec.has(name)) {
                    out.add(path + "." + name + ": only in the fake");
                } else if (!fake.has(name)) {
                    out.add(path + "." + name + ": missing in the fake");
                } else {
                    compare(rec.get(name), fake.get(name), path + "." + name, dynamicMaps, out);
                }
            }
        } else if (rec.isArray()) {
            if (rec.size() > 0 && fake.size() > 0) {
                compare(rec.get(0), fake.get(0), path + "[0]", dynamicMaps, out);
            } else if (rec.size() != fake.size()) {
                out.add(path + ": recorded " + rec.size() + " elements, fake " + fake.size());
            }
        }
    }
}
