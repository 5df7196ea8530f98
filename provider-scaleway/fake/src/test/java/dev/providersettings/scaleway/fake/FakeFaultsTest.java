package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeFaultsTest extends FakeTestBase {
    @Test
    void rateLimitAnswersExactlyLikeTheRecordedGatewayForTheNextNRequests() {
        f.fake.faults().rateLimit(2);
        for (int i = 0; i < 2; i++) {
            Http.Res r = f.a.get(VOLUMES);
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.body()).isEmpty();
            assertThat(r.headers().firstValue("Content-Type")).isEmpty();
            assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            assertThat(r.header("X-Envoy-Ratelimited")).isEqualTo("true");
            assertThat(r.header("X-Request-Id")).isNotBlank();
        }
        assertThat(f.fake.faults().pending()).isZero();
        assertThat(f.a.get(VOLUMES).status()).isEqualTo(200);
    }

    @Test
    void faultsComeBeforeAuthenticationAndLeaveStateUntouched() {
        f.fake.faults().rateLimit(1);
        assertThat(f.a.as(null).get(VOLUMES).status()).isEqualTo(429);
        f.fake.faults().serverError(1, 503);
        Http.Res r = f.a.post(VOLUMES, f.volumeBody(f.orgA, "x", 10_000_000_000L));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("message").asText()).isNotBlank();
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(f.a.get(VOLUMES).json().get("total_count").asInt()).isZero();
    }

    @Test
    void faultsCanBeLimitedToAPathPrefix() {
        f.fake.faults().serverError(1, 500, "/instance/");
        assertThat(f.a.get(VOLUMES).status()).isEqualTo(200);
        assertThat(f.a.get("/instance/v1/zones/fr-par-1/servers").status()).isEqualTo(500);
        assertThat(f.a.get("/instance/v1/zones/fr-par-1/servers").status()).isEqualTo(200);
        assertThatThrownBy(() -> f.fake.faults().serverError(1, 404)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.fake.faults().rateLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.fake.faults().rateLimit(1, "block")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slowDelaysTheAnswerAndCombinesWithAnotherFault() {
        f.fake.faults().slow(Duration.ofMillis(300), 1).rateLimit(1);
        long start = System.nanoTime();
        Http.Res r = f.a.get(VOLUMES);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(429);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300);
        assertThat(f.a.get(VOLUMES).status()).isEqualTo(200);
    }

    @Test
    void dropConnectionClosesTheSocketWithoutAnAnswer() {
        f.fake.faults().dropConnection(1);
        assertThatThrownBy(() -> f.a.sendChecked("POST", VOLUMES, f.volumeBody(f.orgA, "x", 10_000_000_000L)))
                .isInstanceOf(IOException.class);
        assertThat(f.fake.requests()).hasSize(1);
        assertThat(f.a.get(VOLUMES).json().get("total_count").asInt()).as("dropped request did nothing").isZero();
    }

    @Test
    void droppedGetNeedsTwoDropsBecauseTheJdkClientRetriesAGetOnce() {
        f.fake.faults().dropConnection(2);
        assertThatThrownBy(() -> f.a.sendChecked("GET", VOLUMES, null)).isInstanceOf(IOException.class);
        assertThat(f.fake.requests()).hasSize(2);
        assertThat(f.a.get(VOLUMES).status()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsA200ThatDoesNotParse() {
        f.fake.faults().malformedJson(1, "/block/");
        Http.Res r = f.a.get(VOLUMES);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThatThrownBy(() -> Http.MAPPER.readTree(r.body())).isInstanceOf(JsonProcessingException.class);
        f.fake.faults().malformedJson(3);
        f.fake.faults().clear();
        assertThat(f.fake.faults().pending()).isZero();
        assertThat(f.a.get(VOLUMES).status()).isEqualTo(200);
    }
}
