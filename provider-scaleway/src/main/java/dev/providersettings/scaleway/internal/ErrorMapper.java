package dev.providersettings.scaleway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.providersettings.scaleway.ScalewayAccessDeniedException;
import dev.providersettings.scaleway.ScalewayCapacityException;
import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayConflictException;
import dev.providersettings.scaleway.ScalewayError;
import dev.providersettings.scaleway.ScalewayErrorType;
import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayServiceException;
import dev.providersettings.scaleway.ScalewayThrottledException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an error answer (status, headers, body) into the typed exception: a {@link ScalewayServiceException} for an
 * error of the API, a {@link ScalewayClientException} ({@code UNREADABLE_RESPONSE}) for an answer that is not one.
 *
 * <p>An error of the API is a JSON object body, a 429 of its gateway (empty body), or any 5xx (the status is the
 * message of a failing gateway, and a 5xx is retried whatever its body). Any other answer whose body is empty, not
 * JSON or broken JSON comes from something that is not the API — a proxy, a wrong base URL — and is never taken for
 * an API error: an HTML 404 must not read as "the resource is deleted".
 */
public final class ErrorMapper {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_TEXT = 500;

    private ErrorMapper() {
    }

    /**
     * The typed exception for the error answer of {@code endpoint}.
     *
     * @param endpoint    the call, as {@code METHOD /path}
     * @param status      the HTTP status (not 2xx)
     * @param requestId   the {@code X-Request-Id} header, or null
     * @param contentType the {@code Content-Type} header, or null
     * @param retryAfter  the {@code Retry-After} header, or null
     * @param body        the body, possibly empty or null
     */
    public static ScalewayException toException(String endpoint, int status, String requestId, String contentType,
                                                String retryAfter, byte[] body) {
        Long retryAfterSeconds = parseRetryAfter(retryAfter);
        byte[] bytes = body == null ? new byte[0] : body;
        JsonNode root = null;
        String unreadable = null;
        if (bytes.length == 0) {
            unreadable = "an empty body";
        } else {
            try {
                root = Json.mapper().readTree(bytes);
                if (root == null || !root.isObject()) {
                    unreadable = "JSON that is not an object (" + describe(bytes.length, contentType) + ")";
                    root = null;
                }
            } catch (IOException | RuntimeException e) {
                // Never quote the body: a gateway page is useless and a broken body may hold data.
                unreadable = looksLikeJson(bytes, contentType)
                        ? "broken JSON (" + Json.problem(e) + "; " + describe(bytes.length, contentType) + ")"
                        : "a body that is not JSON (" + describe(bytes.length, contentType) + ")";
            }
        }
        if (root == null && status != 429 && status < 500) {
            return ScalewayClientException.unreadableResponse("Scaleway API call " + endpoint + " was answered "
                    + status + " with " + unreadable + ", not a Scaleway API error (request id "
                    + (requestId == null ? "none" : requestId) + "). The answer may come from a proxy or from a base "
                    + "URL that is not the Scaleway API: check ScalewayProviderFactory.builder().baseUrl(...); if it is "
                    + "the API, quote the request id to Scaleway support", endpoint, status, requestId);
        }
        ScalewayError error = root == null
                ? withoutBody(status, requestId, retryAfterSeconds, status == 429 && bytes.length == 0
                        ? "rate limited by the API gateway (empty body, no Retry-After)" : "the answer has " + unreadable)
                : parse(root, status, requestId, retryAfterSeconds);
        ScalewayErrorType type = classify(status, error.type(), error.message());
        return switch (type) {
            case NOT_FOUND -> new ScalewayNotFoundException(error, endpoint);
            case DENIED_AUTHENTICATION, PERMISSIONS_DENIED -> new ScalewayAccessDeniedException(type, error, endpoint);
            case QUOTAS_EXCEEDED, OUT_OF_STOCK -> new ScalewayCapacityException(type, error, endpoint);
            case TRANSIENT_STATE, ALREADY_EXISTS, PRECONDITION_FAILED ->
                    new ScalewayConflictException(type, error, endpoint);
            case THROTTLED -> new ScalewayThrottledException(error, endpoint);
            case INVALID_ARGUMENTS, LOCKED, RESOURCE_EXPIRED, SERVER_ERROR, UNKNOWN ->
                    new ScalewayServiceException(type, error, endpoint);
        };
    }

    /** The error type of an answer: the body's {@code type} first, then the status. */
    static ScalewayErrorType classify(int status, String type, String message) {
        if (status == 429) {
            return ScalewayErrorType.THROTTLED;
        }
        ScalewayErrorType byType = switch (type == null ? "" : type) {
            case "invalid_arguments" -> ScalewayErrorType.INVALID_ARGUMENTS;
            case "invalid_request_error" -> message != null && message.toLowerCase(Locale.ROOT).contains("quota exceeded")
                    ? ScalewayErrorType.QUOTAS_EXCEEDED : ScalewayErrorType.INVALID_ARGUMENTS;
            case "denied_authentication" -> ScalewayErrorType.DENIED_AUTHENTICATION;
            case "permissions_denied" -> ScalewayErrorType.PERMISSIONS_DENIED;
            case "not_found", "unknown_resource" -> ScalewayErrorType.NOT_FOUND;
            case "transient_state" -> ScalewayErrorType.TRANSIENT_STATE;
            case "already_exists" -> ScalewayErrorType.ALREADY_EXISTS;
            case "precondition_failed" -> ScalewayErrorType.PRECONDITION_FAILED;
            case "quotas_exceeded" -> ScalewayErrorType.QUOTAS_EXCEEDED;
            case "out_of_stock" -> ScalewayErrorType.OUT_OF_STOCK;
            case "locked" -> ScalewayErrorType.LOCKED;
            case "resource_expired" -> ScalewayErrorType.RESOURCE_EXPIRED;
            default -> null;
        };
        if (byType != null) {
            return byType;
        }
        if (status >= 500) {
            return ScalewayErrorType.SERVER_ERROR;
        }
        return switch (status) {
            case 400 -> ScalewayErrorType.INVALID_ARGUMENTS;
            case 401 -> ScalewayErrorType.DENIED_AUTHENTICATION;
            case 403 -> ScalewayErrorType.PERMISSIONS_DENIED;
            case 404 -> ScalewayErrorType.NOT_FOUND;
            case 412 -> ScalewayErrorType.PRECONDITION_FAILED;
            default -> ScalewayErrorType.UNKNOWN;
        };
    }

    private static ScalewayError withoutBody(int status, String requestId, Long retryAfter, String message) {
        return new ScalewayError(status, null, message, null, null, null, requestId, null, null, null, null, null,
                null, null, retryAfter);
    }

    private static ScalewayError parse(JsonNode root, int status, String requestId, Long retryAfter) {
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
                instant(text(root, "expired_since")), retryAfter);
    }

    private static boolean looksLikeJson(byte[] body, String contentType) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) {
            return true;
        }
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    private static String describe(int length, String contentType) {
        return length + " bytes" + (contentType == null ? "" : ", " + contentType);
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
                Instant at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(Instant.now(), at).getSeconds());
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}
