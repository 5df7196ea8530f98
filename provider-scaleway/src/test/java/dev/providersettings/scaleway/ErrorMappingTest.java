package dev.providersettings.scaleway;

import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.scaleway.internal.ErrorMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Synthetic error bodies for the types only the SDKs document, the legacy formats and broken bodies. */
class ErrorMappingTest {

    private static ScalewayException map(int status, String body) {
        ScalewayError error = ErrorMapper.parse(status, "rid-1", "application/json", null,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        return ErrorMapper.toException(error, "POST /instance/v1/zones/fr-par-1/servers");
    }

    @Test
    void transientStateCarriesCurrentStateAndIsRetryable() {
        ScalewayException e = map(409, "{\"type\":\"transient_state\",\"message\":\"resource is in a transient state\","
                + "\"resource\":\"instance_server\",\"resource_id\":\"s-1\",\"current_state\":\"starting\"}");
        assertThat(e).isInstanceOf(ScalewayException.TransientState.class);
        assertThat(((ScalewayException.TransientState) e).currentState()).isEqualTo("starting");
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("409", "transient_state", "instance_server s-1", "current state starting",
                "rid-1", "POST /instance/v1/zones/fr-par-1/servers");
    }

    @Test
    void alreadyExistsAndPreconditionFailed() {
        ScalewayException exists = map(409, "{\"type\":\"already_exists\",\"message\":\"resource already exists\","
                + "\"resource\":\"volume\",\"resource_id\":\"v-1\",\"help_message\":\"pick another name\"}");
        assertThat(exists).isInstanceOf(ScalewayException.AlreadyExists.class);
        assertThat(exists.helpMessage()).isEqualTo("pick another name");
        assertThat(exists.getMessage()).contains("help: pick another name");

        ScalewayException pre = map(412, "{\"type\":\"precondition_failed\",\"message\":\"precondition failed\","
                + "\"precondition\":\"resource_still_in_use\",\"help_message\":\"detach it first\"}");
        assertThat(pre).isInstanceOf(ScalewayException.PreconditionFailed.class);
        assertThat(((ScalewayException.PreconditionFailed) pre).precondition()).isEqualTo("resource_still_in_use");
    }

    @Test
    void sdkOnlyTypes() {
        ScalewayException quotas = map(403, "{\"type\":\"quotas_exceeded\",\"message\":\"quota(s) exceeded\","
                + "\"details\":[{\"resource\":\"instances_gpu\",\"quota\":2,\"current\":2}]}");
        assertThat(quotas).isInstanceOf(ScalewayException.QuotasExceeded.class);
        assertThat(quotas.details()).singleElement().satisfies(d -> {
            assertThat(d.resource()).isEqualTo("instances_gpu");
            assertThat(d.quota()).isEqualTo(2L);
            assertThat(d.current()).isEqualTo(2L);
        });
        assertThat(map(503, "{\"type\":\"out_of_stock\",\"message\":\"out of stock\",\"resource\":\"H100-1-80G\"}"))
                .isInstanceOf(ScalewayException.OutOfStock.class);
        ScalewayException locked = map(403, "{\"type\":\"locked\",\"message\":\"resource is locked\","
                + "\"resource\":\"instance_server\",\"resource_id\":\"s-2\"}");
        assertThat(locked).isInstanceOf(ScalewayException.Locked.class);
        assertThat(locked.resourceId()).isEqualTo("s-2");
        ScalewayException expired = map(403, "{\"type\":\"resource_expired\",\"message\":\"expired\","
                + "\"expired_since\":\"2024-01-02T03:04:05Z\"}");
        assertThat(expired).isInstanceOf(ScalewayException.ResourceExpired.class);
        assertThat(expired.error().orElseThrow().expiredSince()).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        // A service error with a known type and a 5xx keeps the type, not retried as a generic 5xx.
        assertThat(map(503, "{\"type\":\"out_of_stock\",\"message\":\"x\"}").isRetryable()).isFalse();
    }

    @Test
    void legacyInstanceFormats() {
        ScalewayException invalid = map(400, "{\"type\":\"invalid_request_error\",\"message\":\"Validation Error\","
                + "\"fields\":{\"name\":[\"required field\"]}}");
        assertThat(invalid).isInstanceOf(ScalewayException.InvalidArguments.class);
        assertThat(((ScalewayException.InvalidArguments) invalid).fields()).containsEntry("name",
                java.util.List.of("required field"));
        assertThat(invalid.getMessage()).contains("fields {name=[required field]}");

        assertThat(map(400, "{\"type\":\"invalid_request_error\",\"message\":\"Quota exceeded for this resource\"}"))
                .isInstanceOf(ScalewayException.QuotasExceeded.class);

        ScalewayException unknown = map(404, "{\"type\":\"unknown_resource\",\"message\":\"\\\"8c38fa15-4249-47c3-b4ea-ce379d4620dd\\\" not found\"}");
        assertThat(unknown).isInstanceOf(ScalewayException.NotFound.class);
        assertThat(unknown.resourceId()).isEqualTo("8c38fa15-4249-47c3-b4ea-ce379d4620dd");
    }

    @Test
    void bodyWithOnlyAMessageEmptyOrNotJsonStillGivesAUsefulError() {
        ScalewayException onlyMessage = map(400, "{\"message\":\"bad things\"}");
        assertThat(onlyMessage).isInstanceOf(ScalewayException.InvalidArguments.class);
        assertThat(onlyMessage.type()).isNull();
        assertThat(onlyMessage.getMessage()).contains("400", "bad things", "rid-1");

        ScalewayException empty = map(404, "");
        assertThat(empty).isInstanceOf(ScalewayException.NotFound.class);
        assertThat(empty.getMessage()).contains("404", "empty response body", "rid-1");

        ScalewayException html = map(502, "<html><body>Bad gateway secret-ish-content</body></html>");
        assertThat(html).isInstanceOf(ScalewayException.ServerError.class);
        assertThat(html.isRetryable()).isTrue();
        assertThat(html.getMessage()).contains("502", "not a JSON object", "rid-1").doesNotContain("secret-ish-content");

        ScalewayException teapot = map(418, "[1,2]");
        assertThat(teapot.getClass()).isEqualTo(ScalewayException.class);
        assertThat(teapot.status()).isEqualTo(418);

        ScalewayException limited = map(429, null);
        assertThat(limited).isInstanceOf(ScalewayException.RateLimited.class);
        assertThat(limited.getMessage()).contains("429", "rate limited");
        assertThat(limited).isInstanceOf(ProviderSettingsException.class);
    }

    @Test
    void retryAfterIsParsedWhenPresent() {
        ScalewayError e = ErrorMapper.parse(429, "r", null, "7", new byte[0]);
        assertThat(e.retryAfter()).isEqualTo(7L);
        assertThat(ErrorMapper.parse(429, "r", null, "soon", new byte[0]).retryAfter()).isNull();
    }

    @Test
    void deniedAuthenticationByStatusWithoutType() {
        ScalewayException e = map(401, "{\"message\":\"authentication is denied\",\"method\":\"api_key\",\"reason\":\"expired\"}");
        assertThat(e).isInstanceOf(ScalewayException.DeniedAuthentication.class);
        assertThat(((ScalewayException.DeniedAuthentication) e).reason()).isEqualTo("expired");
        assertThat(e.getMessage()).contains("authentication method api_key, reason expired");
    }
}
