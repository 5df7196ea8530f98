package dev.providersettings.scaleway;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An error answer of the Scaleway API, as parsed from its status, headers and JSON body ({@code type}, {@code message}
 * and the fields of each type). Every field but {@code status} may be null: a 429 has an empty body, a gateway error
 * may not be JSON at all.
 *
 * @param status       the HTTP status
 * @param type         the {@code type} field ({@code not_found}, {@code invalid_arguments}, legacy
 *                     {@code invalid_request_error} ...), or null
 * @param message      the {@code message} field, or a short description of a non-JSON body
 * @param resource     the {@code resource} field ({@code volume}, {@code instance_server} ...)
 * @param resourceId   the {@code resource_id} field
 * @param helpMessage  the {@code help_message} field
 * @param requestId    the {@code X-Request-Id} response header
 * @param details      the {@code details} list ({@code invalid_arguments}, {@code permissions_denied},
 *                     {@code quotas_exceeded})
 * @param fields       legacy {@code invalid_request_error} {@code fields}: argument name to messages
 * @param method       {@code denied_authentication}: the method ({@code api_key}, {@code jwt})
 * @param reason       {@code denied_authentication}: the reason ({@code not_found}, {@code expired} ...)
 * @param currentState {@code transient_state}: the state the resource is in
 * @param precondition {@code precondition_failed}: which precondition
 * @param expiredSince {@code resource_expired}: since when
 * @param retryAfter   the {@code Retry-After} header, in seconds, or null (Scaleway does not send it today)
 */
public record ScalewayError(
        int status,
        String type,
        String message,
        String resource,
        String resourceId,
        String helpMessage,
        String requestId,
        List<Detail> details,
        Map<String, List<String>> fields,
        String method,
        String reason,
        String currentState,
        String precondition,
        Instant expiredSince,
        Long retryAfter) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ScalewayError {
        details = details == null ? List.of() : List.copyOf(details);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    /**
     * One entry of an error's {@code details}. Which fields are set depends on the error type.
     *
     * @param argumentName {@code invalid_arguments}: the argument
     * @param reason       {@code invalid_arguments}: {@code required}, {@code format}, {@code constraint}, {@code unknown}
     * @param helpMessage  {@code invalid_arguments}: how to fix it
     * @param action       {@code permissions_denied}: the denied action ({@code read})
     * @param resource     {@code permissions_denied} / {@code quotas_exceeded}: the resource ({@code api_key})
     * @param quota        {@code quotas_exceeded}: the quota
     * @param current      {@code quotas_exceeded}: the current usage
     */
    public record Detail(String argumentName, String reason, String helpMessage, String action, String resource,
                         Long quota, Long current) implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            append(out, "argument", argumentName);
            append(out, "reason", reason);
            append(out, "action", action);
            append(out, "resource", resource);
            append(out, "quota", quota);
            append(out, "current", current);
            append(out, "help", helpMessage);
            return out.toString();
        }

        private static void append(StringBuilder out, String name, Object value) {
            if (value != null) {
                out.append(out.length() == 0 ? "" : " ").append(name).append('=').append(value);
            }
        }
    }
}
