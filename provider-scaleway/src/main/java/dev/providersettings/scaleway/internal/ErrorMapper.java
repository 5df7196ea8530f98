package dev.providersettings.scaleway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.providersettings.scaleway.ScalewayError;
import dev.providersettings.scaleway.ScalewayException;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns an error answer (status, headers, body) into the typed {@link ScalewayException}. */
public final class ErrorMapper {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_TEXT = 500;

    private ErrorMapper() {
    }

    /** Parses the error, tolerating empty, non-JSON and partial bodies. */
    public static ScalewayError parse(int status, String requestId, String contentType, String retryAfter, byte[] body) {
        Long retryAfterSeconds = parseRetryAfter(retryAfter);
        if (body == null || body.length == 0) {
            String message = status == 429
                    ? "rate limited by the API gateway (empty body, no Retry-After)"
                    : "empty response body";
            return new ScalewayError(status, null, message, null, null, null, requestId, null, null, null, null,
                    null, null, null, retryAfterSeconds);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException | RuntimeException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            // Never quote the body: a gateway page is useless and a broken body may hold data.
            String message = "response body is not a JSON object (" + body.length + " bytes"
                    + (contentType == null ? "" : ", " + contentType) + ")";
            return new ScalewayError(status, null, message, null, null, null, requestId, null, null, null, null,
                    null, null, null, retryAfterSeconds);
        }
        String type = text(root, "type");
        String message = text(root, "message");
        String resourceId = text(root, "resource_id");
        if (resourceId == null && "unknown_resource".equals(type) && message != null) {
            Matcher m = UUID.matcher(message);
            if (m.find()) {
                resourceId = m.group();
            }
        }
        return new ScalewayError(status, type, message, text(root, "resource"), resourceId,
                text(root, "help_message"), requestId, details(root.get("details")), fields(root.get("fields")),
                text(root, "method"), text(root, "reason"), text(root, "current_state"), text(root, "precondition"),
                instant(text(root, "expired_since")), retryAfterSeconds);
    }

    /** The typed exception for an error answer of {@code endpoint}. */
    public static ScalewayException toException(ScalewayError error, String endpoint) {
        int status = error.status();
        if (status == 429) {
            return new ScalewayException.RateLimited(error, endpoint);
        }
        String type = error.type() == null ? "" : error.type();
        switch (type) {
            case "invalid_arguments":
                return new ScalewayException.InvalidArguments(error, endpoint);
            case "invalid_request_error":
                if (error.message() != null && error.message().toLowerCase(Locale.ROOT).contains("quota exceeded")) {
                    return new ScalewayException.QuotasExceeded(error, endpoint);
                }
                return new ScalewayException.InvalidArguments(error, endpoint);
            case "denied_authentication":
                return new ScalewayException.DeniedAuthentication(error, endpoint);
            case "permissions_denied":
                return new ScalewayException.PermissionsDenied(error, endpoint);
            case "not_found":
            case "unknown_resource":
                return new ScalewayException.NotFound(error, endpoint);
            case "transient_state":
                return new ScalewayException.TransientState(error, endpoint);
            case "already_exists":
                return new ScalewayException.AlreadyExists(error, endpoint);
            case "precondition_failed":
                return new ScalewayException.PreconditionFailed(error, endpoint);
            case "quotas_exceeded":
                return new ScalewayException.QuotasExceeded(error, endpoint);
            case "out_of_stock":
                return new ScalewayException.OutOfStock(error, endpoint);
            case "locked":
                return new ScalewayException.Locked(error, endpoint);
            case "resource_expired":
                return new ScalewayException.ResourceExpired(error, endpoint);
            default:
                break;
        }
        if (status >= 500) {
            return new ScalewayException.ServerError(error, endpoint);
        }
        switch (status) {
            case 400:
                return new ScalewayException.InvalidArguments(error, endpoint);
            case 401:
                return new ScalewayException.DeniedAuthentication(error, endpoint);
            case 403:
                return new ScalewayException.PermissionsDenied(error, endpoint);
            case 404:
                return new ScalewayException.NotFound(error, endpoint);
            case 412:
                return new ScalewayException.PreconditionFailed(error, endpoint);
            default:
                return new ScalewayException(error, endpoint);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
    }

    private static Long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToLong() ? value.asLong() : null;
    }

    private static List<ScalewayError.Detail> details(JsonNode details) {
        List<ScalewayError.Detail> out = new ArrayList<>();
        if (details != null && details.isArray()) {
            for (JsonNode d : details) {
                if (d.isObject()) {
                    out.add(new ScalewayError.Detail(text(d, "argument_name"), text(d, "reason"),
                            text(d, "help_message"), text(d, "action"), text(d, "resource"), number(d, "quota"),
                            number(d, "current")));
                }
            }
        }
        return out;
    }

    private static Map<String, List<String>> fields(JsonNode fields) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (fields != null && fields.isObject()) {
            fields.properties().forEach(entry -> {
                List<String> messages = new ArrayList<>();
                if (entry.getValue().isArray()) {
                    entry.getValue().forEach(m -> messages.add(m.asText()));
                } else if (!entry.getValue().isNull()) {
                    messages.add(entry.getValue().asText());
                }
                out.put(entry.getKey(), messages);
            });
        }
        return out;
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Long parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds >= 0 ? seconds : null;
        } catch (NumberFormatException e) {
            // An HTTP date: honour it relative to now.
            try {
                Instant at = java.time.ZonedDateTime.parse(header.strip(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, java.time.Duration.between(Instant.now(), at).getSeconds());
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}
