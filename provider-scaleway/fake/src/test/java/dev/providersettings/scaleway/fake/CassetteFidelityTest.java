package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Replays recorded real traffic against the fake and compares statuses, headers and response shapes. */
class CassetteFidelityTest {

    private static String report(List<CassetteReplayer.Step> steps) {
        return steps.stream().filter(s -> !s.differences().isEmpty())
                .map(s -> "#" + s.index() + " " + s.method() + " " + s.url() + "\n    " + String.join("\n    ",
                        s.differences()))
                .collect(Collectors.joining("\n"));
    }

    private static FakeScaleway fake(TestClock clock, Duration create, Duration resize, Duration boot, Duration stop) {
        return FakeScaleway.builder().clock(clock).volumeCreateDelay(create).resizeDelay(resize)
                .serverBootDelay(boot).serverStopDelay(stop).build().start();
    }

    @Test
    void volumeUpdateSize() {
        TestClock clock = new TestClock(Instant.parse("2025-06-11T15:41:00Z"));
        try (FakeScaleway fake = fake(clock, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1))) {
            UUID org = UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            fake.addApiKey("SCW00000000000000001", secret, org, org);
            CassetteReplayer r = new CassetteReplayer(fake, clock, secret);
            r.ids.put("d3520a52-2c75-4ba0-bda8-82dd087f07f2", org.toString());
            List<JsonNode> all = CassetteReplayer.interactions("volume-update-size.cassette.yaml");
            List<CassetteReplayer.Step> steps = r.replay(all, i -> true);

            assertThat(steps).hasSize(27);
            assertThat(report(steps)).isEmpty();
            // with the recorded timing, every status and size matches the recording value for value
            for (CassetteReplayer.Step s : steps) {
                if (s.recorded() != null && s.recorded().has("status")) {
                    assertThat(s.fake().get("status").asText()).as("#%d status", s.index())
                            .isEqualTo(s.recorded().get("status").asText());
                    assertThat(s.fake().get("size").asLong()).as("#%d size", s.index())
                            .isEqualTo(s.recorded().get("size").asLong());
                }
            }
            assertThat(steps.get(8).fake().get("status").asText()).isEqualTo("updating");
            assertThat(steps.get(8).fake().get("size").asLong()).isEqualTo(20_000_000_000L);
        }
    }

    @Test
    void serverRootVolumeFromImageBlock() {
        TestClock clock = new TestClock(Instant.parse("2026-07-30T12:54:00Z"));
        try (FakeScaleway fake = fake(clock, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(12))) {
            UUID org = UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            fake.addApiKey("SCW00000000000000002", secret, org, org);
            CassetteReplayer r = new CassetteReplayer(fake, clock, secret).dynamicMaps(Set.of("$.servers"));
            r.ids.put("105bdce1-64c0-48ab-899d-868455867ecf", org.toString());
            List<JsonNode> all = CassetteReplayer.interactions("server-root-volume-from-image-block.cassette.yaml");
            // Not implemented by the fake (not needed by the provider): marketplace image lookup, server PATCH,
            // private network interfaces.
            List<CassetteReplayer.Step> steps = r.replay(all, i -> {
                String url = i.get("request").get("url").asText();
                String method = i.get("request").get("method").asText();
                return !url.contains("/marketplace/") && !url.contains("/private-network-interfaces")
                        && !(method.equals("PATCH") && url.contains("/instance/"));
            });

            assertThat(steps).hasSize(72 - 1 - 1 - 6);
            assertThat(report(steps)).isEmpty();
            for (CassetteReplayer.Step s : steps) {
                if (s.recorded() != null && s.recorded().has("server")) {
                    assertThat(s.fake().get("server").get("state").asText()).as("#%d state", s.index())
                            .isEqualTo(s.recorded().get("server").get("state").asText());
                }
                if (s.recorded() != null && s.recorded().has("size") && s.recorded().has("references")) {
                    assertThat(s.fake().get("size").asLong()).as("#%d size", s.index())
                            .isEqualTo(s.recorded().get("size").asLong());
                }
            }
        }
    }

    @Test
    void listBlockVolumesBasic() {
        TestClock clock = new TestClock(Instant.parse("2026-07-20T14:35:00Z"));
        try (FakeScaleway fake = fake(clock, Duration.ofMillis(150), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1))) {
            UUID org = UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            fake.addApiKey("SCW00000000000000003", secret, org, org);
            CassetteReplayer r = new CassetteReplayer(fake, clock, secret);
            r.ids.put("4d333544-41be-4b0b-8907-0b9036859747", org.toString());
            List<JsonNode> all = CassetteReplayer.interactions("list-block-volumes-basic.cassette.yaml");
            // the other projects of the recorded organization become projects of the fake organization
            JsonNode projects = all.stream().filter(i -> i.get("request").get("url").asText().contains("/projects"))
                    .findFirst().orElseThrow();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(projects.get("response").get("body").asText())
                    .get("projects").forEach(p -> {
                        String id = p.get("id").asText();
                        if (!r.ids.containsKey(id)) {
                            UUID mapped = UUID.randomUUID();
                            fake.addProject(mapped, org);
                            r.ids.put(id, mapped.toString());
                        }
                    });
            List<CassetteReplayer.Step> steps = r.replay(all, i -> true);

            assertThat(steps).hasSize(all.size());
            assertThat(steps.stream().filter(s -> s.fakeStatus() == 429).count()).isEqualTo(30);
            assertThat(report(steps)).isEmpty();
            for (CassetteReplayer.Step s : steps) {
                if (s.recorded() != null && s.recorded().has("volumes")) {
                    assertThat(s.fake().get("total_count").asInt()).as("#%d total_count", s.index())
                            .isEqualTo(s.recorded().get("total_count").asInt());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void recordedAuthenticationAndPermissionErrorsMatchByteForByte() {
        try (FakeScaleway fake = FakeScaleway.start()) {
            UUID org = UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            fake.addApiKey("SCWXXXXXXXXXXXXXXXXX", secret, org, org).iamReadAllowed("SCWXXXXXXXXXXXXXXXXX", false);

            JsonNode denied = CassetteReplayer.interactions("test-init-autocomplete-linux-bash.cassette.yaml").get(0);
            Http.Res r403 = new Http(fake.baseUrl(), secret).get("/iam/v1alpha1/api-keys/SCWXXXXXXXXXXXXXXXXX");
            assertThat(r403.status()).isEqualTo(denied.get("response").get("code").asInt());
            assertThat(r403.body()).isEqualTo(denied.get("response").get("body").asText());

            JsonNode unauth = CassetteReplayer.interactions("test-alias-list-aliases.cassette.yaml").get(0);
            Http.Res r401 = new Http(fake.baseUrl(), UUID.randomUUID().toString())
                    .get("/iam/v1alpha1/api-keys/SCWXXXXXXXXXXXXXXXXX");
            assertThat(r401.status()).isEqualTo(unauth.get("response").get("code").asInt());
            assertThat(r401.body()).isEqualTo(unauth.get("response").get("body").asText());
        }
    }

    @Test
    void invalidArgumentsHasTheRecordedShape() throws Exception {
        JsonNode recorded = CassetteReplayer.interactions("ip-reverse-dns-basic.cassette.yaml").stream()
                .filter(i -> i.get("response").get("code").asInt() == 400).findFirst().orElseThrow();
        JsonNode recordedBody = Http.MAPPER.readTree(recorded.get("response").get("body").asText());
        try (FakeScaleway fake = FakeScaleway.start()) {
            UUID org = UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            fake.addApiKey("SCW00000000000000004", secret, org, org);
            Http http = new Http(fake.baseUrl(), secret);
            Http.Res r = http.post("/block/v1/zones/fr-par-1/volumes", "{\"project_id\":\"" + org
                    + "\",\"from_empty\":{\"size\":1500000000}}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(Shapes.differences(recordedBody, r.json(), Set.of())).isEmpty();
            Http.Res instance = http.post("/instance/v1/zones/fr-par-1/servers", "{\"project\":\"" + org + "\"}");
            assertThat(Shapes.differences(recordedBody, instance.json(), Set.of())).isEmpty();
        }
    }
}
