package dev.providersettings.examples.orchestrator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /deployments}, validated strictly: a JSON object with exactly the known fields, each of
 * its JSON type (no coercion of {@code "50"} to 50), and values that exist in the catalog. Every problem is an
 * {@link ApiException} with status 400, thrown before anything is written.
 *
 * @param instanceType  a catalog instance type, e.g. {@code GPU-3070-S}
 * @param zone          a catalog zone where the type is offered, e.g. {@code fr-par-2}
 * @param volumeSizeGb  the boot volume size in GB (10^9 bytes), within the type's limits
 * @param name          a name for the deployment and its instance
 */
record DeploymentRequest(String instanceType, String zone, int volumeSizeGb, String name) {
    private static final Set<String> FIELDS = Set.of("instance_type", "zone", "volume_size_gb", "name");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** Parses and validates a request body against the catalog. */
    static DeploymentRequest parse(byte[] body, HostDatabase.Catalog catalog) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed_json", "the body is not valid JSON (" + describe(e)
                    + "); send an object like {\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"my-gpu\"}");
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed_json", "the body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.badRequest("malformed_json", "the body is empty; send a JSON object with instance_type, zone, volume_size_gb and name");
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("invalid_body", "the body must be a JSON object, not " + kind(root));
        }
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown_field", "unknown field(s) " + quoteAll(unknown)
                    + "; accepted fields are instance_type, zone, volume_size_gb and name");
        }
        String instanceType = requiredText(root, "instance_type");
        String zone = requiredText(root, "zone");
        int volumeSizeGb = requiredInt(root, "volume_size_gb");
        String name = requiredText(root, "name");

        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid_name", "name must be 1 to 63 lower-case letters, digits or '-',"
                    + " starting and ending with a letter or digit");
        }
        HostDatabase.Catalog.InstanceType type = catalog.instanceTypes().get(instanceType);
        if (type == null) {
            throw ApiException.badRequest("unknown_instance_type", "unknown instance_type " + quote(instanceType)
                    + "; known types are " + new TreeSet<>(catalog.instanceTypes().keySet()));
        }
        if (!catalog.zones().containsKey(zone)) {
            throw ApiException.badRequest("unknown_zone", "unknown zone " + quote(zone)
                    + "; known zones are " + new TreeSet<>(catalog.zones().keySet()));
        }
        if (!type.zones().contains(zone)) {
            throw ApiException.badRequest("instance_type_not_in_zone", "instance_type " + instanceType
                    + " is not offered in zone " + zone + "; it is offered in " + type.zones());
        }
        if (volumeSizeGb < type.minVolumeSizeGb() || volumeSizeGb > type.maxVolumeSizeGb()) {
            throw ApiException.badRequest("invalid_volume_size", "volume_size_gb " + volumeSizeGb + " is out of range for "
                    + instanceType + ": use " + type.minVolumeSizeGb() + " to " + type.maxVolumeSizeGb());
        }
        return new DeploymentRequest(instanceType, zone, volumeSizeGb, name);
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("missing_field", "field " + field + " is required");
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("invalid_type", "field " + field + " must be a string, not " + kind(node));
        }
        return node.textValue();
    }

    private static int requiredInt(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("missing_field", "field " + field + " is required");
        }
        if (!node.isIntegralNumber()) {
            throw ApiException.badRequest("invalid_type", "field " + field + " must be a whole number, not " + kind(node));
        }
        if (!node.canConvertToInt()) {
            throw ApiException.badRequest("invalid_volume_size", "field " + field + " is too large");
        }
        return node.intValue();
    }

    private static String kind(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY: return "an array";
            case OBJECT: return "an object";
            case STRING: return "a string";
            case BOOLEAN: return "a boolean";
            case NULL: return "null";
            case NUMBER: return node.isIntegralNumber() ? "a whole number" : "a decimal number";
            default: return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static String describe(JsonProcessingException e) {
        // The original message, without Jackson's "Source: ..." echo of the body.
        String message = e.getOriginalMessage();
        if (e.getLocation() != null) {
            message += " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private static String quote(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return "'" + (printable.length() > 40 ? printable.substring(0, 40) + "..." : printable) + "'";
    }

    private static String quoteAll(Set<String> names) {
        List<String> quoted = names.stream().limit(10).map(DeploymentRequest::quote).toList();
        return String.join(", ", quoted) + (names.size() > 10 ? ", ..." : "");
    }
}
