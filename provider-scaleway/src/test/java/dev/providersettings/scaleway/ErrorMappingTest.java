package dev.providersettings.scaleway;

import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.scaleway.ScalewayClientException.Reason;
import dev.providersettings.scaleway.internal.ErrorMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every error answer the API documents (the status/type pairs of the recorded cassettes and of the SDKs, the legacy
 * Instance formats, message-only bodies) maps to the service branch with the right class, error type, status, raw
 * type and request id; answers that are not API errors (empty, HTML or broken JSON 4xx) map to the client branch.
 */
class ErrorMappingTest {
    private static final String ENDPOINT = "POST /instance/v1/zones/fr-par-1/servers";

    private static ScalewayException map(int status, String contentType, String body) {
        return ErrorMapper.toException(ENDPOINT, status, "rid-1", contentType, null,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static ScalewayException map(int status, String body) {
        return map(status, "application/json", body);
    }

    /** One documented answer and what it must map to. */
    private record Row(int status, String body, Class<?> type, ScalewayErrorType errorType, String apiType) {
    }

    private static final List<Row> ROWS = List.of(
            new Row(400, "{\"type\":\"invalid_arguments\",\"message\":\"invalid argument(s)\",\"details\":[{\"argument_name\":"
                    + "\"reverse\",\"reason\":\"constraint\",\"help_message\":\"must resolve\"}]}",
                    ScalewayServiceException.class, ScalewayErrorType.INVALID_ARGUMENTS, "invalid_arguments"),
            new Row(400, "{\"type\":\"invalid_request_error\",\"message\":\"Validation Error\",\"fields\":{\"name\":"
                    + "[\"required field\"]}}", ScalewayServiceException.class, ScalewayErrorType.INVALID_ARGUMENTS,
                    "invalid_request_error"),
            new Row(400, "{\"type\":\"invalid_request_error\",\"message\":\"Quota exceeded for this resource\"}",
                    ScalewayCapacityException.class, ScalewayErrorType.QUOTAS_EXCEEDED, "invalid_request_error"),
            new Row(400, "{\"message\":\"bad things\"}", ScalewayServiceException.class,
                    ScalewayErrorType.INVALID_ARGUMENTS, null),
            new Row(401, "{\"type\":\"denied_authentication\",\"message\":\"authentication is denied\",\"method\":"
                    + "\"api_key\",\"reason\":\"not_found\"}", ScalewayAccessDeniedException.class,
                    ScalewayErrorType.DENIED_AUTHENTICATION, "denied_authentication"),
            new Row(401, "{\"message\":\"authentication is denied\",\"method\":\"api_key\",\"reason\":\"expired\"}",
                    ScalewayAccessDeniedException.class, ScalewayErrorType.DENIED_AUTHENTICATION, null),
            new Row(403, "{\"type\":\"permissions_denied\",\"message\":\"insufficient permissions\",\"details\":"
                    + "[{\"action\":\"read\",\"resource\":\"api_key\"}]}", ScalewayAccessDeniedException.class,
                    ScalewayErrorType.PERMISSIONS_DENIED, "permissions_denied"),
            new Row(404, "{\"type\":\"not_found\",\"message\":\"resource is not found\",\"resource\":\"volume\","
                    + "\"resource_id\":\"v-1\"}", ScalewayNotFoundException.class, ScalewayErrorType.NOT_FOUND,
                    "not_found"),
            new Row(404, "{\"type\":\"unknown_resource\",\"message\":\"\\\"8c38fa15-4249-47c3-b4ea-ce379d4620dd\\\" "
                    + "not found\"}", ScalewayNotFoundException.class, ScalewayErrorType.NOT_FOUND, "unknown_resource"),
            new Row(404, "{\"type\":\"a_type_from_the_future\",\"message\":\"gone\"}", ScalewayNotFoundException.class,
                    ScalewayErrorType.NOT_FOUND, "a_type_from_the_future"),
            new Row(409, "{\"type\":\"transient_state\",\"message\":\"resource is in a transient state\",\"resource\":"
                    + "\"instance_server\",\"resource_id\":\"s-1\",\"current_state\":\"starting\"}",
                    ScalewayConflictException.class, ScalewayErrorType.TRANSIENT_STATE, "transient_state"),
            new Row(409, "{\"type\":\"already_exists\",\"message\":\"resource already exists\",\"resource\":\"volume\","
                    + "\"resource_id\":\"v-1\",\"help_message\":\"pick another name\"}", ScalewayConflictException.class,
                    ScalewayErrorType.ALREADY_EXISTS, "already_exists"),
            new Row(409, "{\"message\":\"conflict\"}", ScalewayServiceException.class, ScalewayErrorType.UNKNOWN, null),
            new Row(412, "{\"type\":\"precondition_failed\",\"message\":\"precondition failed\",\"precondition\":"
                    + "\"resource_still_in_use\",\"help_message\":\"detach it first\"}", ScalewayConflictException.class,
                    ScalewayErrorType.PRECONDITION_FAILED, "precondition_failed"),
            new Row(403, "{\"type\":\"quotas_exceeded\",\"message\":\"quota(s) exceeded\",\"details\":[{\"resource\":"
                    + "\"instances_gpu\",\"quota\":2,\"current\":2}]}", ScalewayCapacityException.class,
                    ScalewayErrorType.QUOTAS_EXCEEDED, "quotas_exceeded"),
            new Row(503, "{\"type\":\"out_of_stock\",\"message\":\"out of stock\",\"resource\":\"H100-1-80G\"}",
                    ScalewayCapacityException.class, ScalewayErrorType.OUT_OF_STOCK, "out_of_stock"),
            new Row(403, "{\"type\":\"locked\",\"message\":\"resource is locked\",\"resource\":\"instance_server\","
                    + "\"resource_id\":\"s-2\"}", ScalewayServiceException.class, ScalewayErrorType.LOCKED, "locked"),
            new Row(403, "{\"type\":\"resource_expired\",\"message\":\"expired\",\"expired_since\":"
                    + "\"2024-01-02T03:04:05Z\"}", ScalewayServiceException.class, ScalewayErrorType.RESOURCE_EXPIRED,
                    "resource_expired"),
            new Row(429, "", ScalewayThrottledException.class, ScalewayErrorType.THROTTLED, null),
            new Row(500, "{\"message\":\"internal error\"}", ScalewayServiceException.class,
                    ScalewayErrorType.SERVER_ERROR, null),
            new Row(502, "<html><body>Bad gateway secret-ish-content</body></html>", ScalewayServiceException.class,
                    ScalewayErrorType.SERVER_ERROR, null),
            new Row(503, "", ScalewayServiceException.class, ScalewayErrorType.SERVER_ERROR, null),
            new Row(503, "{\"message\":\"unavail", ScalewayServiceException.class, ScalewayErrorType.SERVER_ERROR, null),
            new Row(418, "{\"type\":\"teapot\",\"message\":\"short and stout\"}", ScalewayServiceException.class,
                    ScalewayErrorType.UNKNOWN, "teapot"));

    @Test
    void everyDocumentedErrorMapsToTheServiceBranchWithStatusTypeAndRequestId() {
        Set<ScalewayErrorType> seen = EnumSet.noneOf(ScalewayErrorType.class);
        for (Row row : ROWS) {
            ScalewayException mapped = map(row.status(), row.body());
            String what = row.status() + " " + row.body();
            assertThat(mapped.getClass()).as(what).isEqualTo(row.type());
            ScalewayServiceException e = (ScalewayServiceException) mapped;
            assertThat(e.errorType()).as(what).isEqualTo(row.errorType());
            assertThat(e.code()).as(what).isEqualTo(row.errorType().code());
            assertThat(e.status()).as(what).isEqualTo(row.status());
            assertThat(e.type()).as(what).isEqualTo(row.apiType());
            assertThat(e.requestId()).as(what).isEqualTo("rid-1");
            assertThat(e.apiMessage()).as(what).isNotBlank();
            assertThat(e.endpoint()).isEqualTo(ENDPOINT);
            assertThat(e.isRetryable()).as(what).isEqualTo(row.errorType().isRetryable());
            assertThat(e.isThrottling()).as(what).isEqualTo(row.status() == 429);
            assertThat(e).isInstanceOf(ProviderSettingsException.class);
            assertThat(e.getMessage()).as(what).contains(Integer.toString(row.status()), ENDPOINT, "request id rid-1",
                    "To fix: " + row.errorType().fix()).doesNotContain("secret-ish-content");
            seen.add(row.errorType());
        }
        assertThat(seen).as("every error type is reachable").isEqualTo(EnumSet.allOf(ScalewayErrorType.class));
    }

    @Test
    void typeSpecificFieldsAreKeptAndPrinted() {
        ScalewayConflictException busy = (ScalewayConflictException) map(409, ROWS.get(10).body());
        assertThat(busy.currentState()).isEqualTo("starting");
        assertThat(busy.getMessage()).contains("409 transient_state", "instance_server s-1", "current state starting");

        ScalewayConflictException pre = (ScalewayConflictException) map(412, ROWS.get(13).body());
        assertThat(pre.precondition()).isEqualTo("resource_still_in_use");
        assertThat(pre.helpMessage()).isEqualTo("detach it first");
        assertThat(pre.getMessage()).contains("help: detach it first");

        ScalewayServiceException invalid = (ScalewayServiceException) map(400, ROWS.get(1).body());
        assertThat(invalid.error().fields()).containsEntry("name", List.of("required field"));
        assertThat(invalid.getMessage()).contains("fields {name=[required field]}");

        ScalewayCapacityException quotas = (ScalewayCapacityException) map(403, ROWS.get(14).body());
        assertThat(quotas.details()).singleElement().satisfies(d -> {
            assertThat(d.resource()).isEqualTo("instances_gpu");
            assertThat(d.quota()).isEqualTo(2L);
            assertThat(d.current()).isEqualTo(2L);
        });

        assertThat(map(404, ROWS.get(8).body()))
                .isInstanceOfSatisfying(ScalewayNotFoundException.class,
                        e -> assertThat(e.resourceId()).isEqualTo("8c38fa15-4249-47c3-b4ea-ce379d4620dd"));
        assertThat(((ScalewayServiceException) map(403, ROWS.get(17).body())).error().expiredSince())
                .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));

        ScalewayAccessDeniedException denied = (ScalewayAccessDeniedException) map(401, ROWS.get(5).body());
        assertThat(denied.isAuthenticationFailure()).isTrue();
        assertThat(denied.authenticationReason()).isEqualTo("expired");
        assertThat(denied.getMessage()).contains("authentication method api_key, reason expired");

        ScalewayServiceException gateway = (ScalewayServiceException) map(502, "text/html", ROWS.get(20).body());
        assertThat(gateway.getMessage()).contains("502", "not JSON", "text/html");
        ScalewayThrottledException limited = (ScalewayThrottledException) map(429, null, null);
        assertThat(limited.getMessage()).contains("429 throttled", "rate limited", "RetryPolicy");
    }

    @Test
    void answersThatAreNotApiErrorsGoToTheClientBranchWithAClearMessage() {
        String[][] cases = {
                {"404", "", null, "an empty body"},
                {"404", "<html><body>Not Found secret-ish-content</body></html>", "text/html", "not JSON"},
                {"400", "{\"type\":\"invalid_argu secret-ish-content", "application/json", "broken JSON"},
                {"401", "{\"type\": secret-ish-content}", null, "broken JSON"},
                {"403", "[\"secret-ish-content\"]", "application/json", "JSON that is not an object"},
                {"409", "plain text secret-ish-content", "text/plain", "not JSON"},
        };
        for (String[] c : cases) {
            int status = Integer.parseInt(c[0]);
            ScalewayException mapped = map(status, c[2], c[1]);
            assertThat(mapped).as(c[1]).isInstanceOfSatisfying(ScalewayClientException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_RESPONSE);
                assertThat(e.code()).isEqualTo("unreadable_response");
                assertThat(e.status()).isEqualTo(status);
                assertThat(e.requestId()).isEqualTo("rid-1");
                assertThat(e.endpoint()).isEqualTo(ENDPOINT);
                assertThat(e.isRetryable()).isFalse();
            });
            assertThat(mapped.getMessage()).as(c[1]).contains(ENDPOINT, c[0], c[3], "not a Scaleway API error",
                    "request id rid-1", "baseUrl").doesNotContain("secret-ish-content");
        }
        assertThat(map(400, "{\"a\":").getMessage()).contains("broken JSON (JsonEOFException at line 1");
    }

    @Test
    void retryAfterIsParsedWhenPresent() {
        ScalewayServiceException e = (ScalewayServiceException) ErrorMapper.toException("GET /x", 429, "r", null, "7",
                new byte[0]);
        assertThat(e.error().retryAfter()).isEqualTo(7L);
        e = (ScalewayServiceException) ErrorMapper.toException("GET /x", 429, "r", null, "soon", new byte[0]);
        assertThat(e.error().retryAfter()).isNull();
    }

    @Test
    void subclassesStandOnlyForTheirErrorTypes() {
        ScalewayError error = ((ScalewayServiceException) map(404, ROWS.get(7).body())).error();
        assertThatThrownBy(() -> new ScalewayCapacityException(ScalewayErrorType.NOT_FOUND, error, ENDPOINT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QUOTAS_EXCEEDED");
        assertThatThrownBy(() -> new ScalewayConflictException(ScalewayErrorType.THROTTLED, error, ENDPOINT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScalewayAccessDeniedException(ScalewayErrorType.LOCKED, error, ENDPOINT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScalewayWaitException(Reason.TRANSPORT, "x", null))
                .isInstanceOf(IllegalArgumentException.class);
        // A host can build the exceptions it handles, e.g. to test its own error handling.
        assertThat(new ScalewayNotFoundException(error, ENDPOINT).resourceId()).isEqualTo("v-1");
    }

    @Test
    void aServiceErrorSurvivesSerialisationWithItsParsedAnswer() throws Exception {
        ScalewayCapacityException original = (ScalewayCapacityException) map(403, ROWS.get(14).body());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ScalewayCapacityException copy = (ScalewayCapacityException) in.readObject();
            assertThat(copy.errorType()).isEqualTo(ScalewayErrorType.QUOTAS_EXCEEDED);
            assertThat(copy.error()).isEqualTo(original.error());
            assertThat(copy.requestId()).isEqualTo("rid-1");
        }
    }
}
