package dev.providersettings.scaleway;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.providersettings.scaleway.internal.ErrorMapper;
import dev.providersettings.scaleway.internal.Json;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every recorded real response body of an endpoint this client covers is parsed with the client's payload types,
 * and every recorded error body is mapped to its typed exception.
 */
class CassetteParsingTest {
    private static final String ID = "[0-9a-f-]{36}";
    private static final Pattern SERVER = Pattern.compile("/instance/v1/zones/[a-z0-9-]+/servers(/" + ID + ")?");
    private static final Pattern ACTION = Pattern.compile("/instance/v1/zones/[a-z0-9-]+/servers/" + ID + "/action");
    private static final Pattern TYPES = Pattern.compile("/instance/v1/zones/[a-z0-9-]+/products/servers");
    private static final Pattern VOLUME = Pattern.compile("/block/v1(alpha1)?/zones/[a-z0-9-]+/volumes(/" + ID + ")?");
    private static final Pattern VOLUMES = Pattern.compile("/block/v1(alpha1)?/zones/[a-z0-9-]+/volumes");
    private static final Pattern PROJECTS = Pattern.compile("/account/v3/projects");

    @Test
    void everyRecordedSuccessBodyOfACoveredEndpointParses() throws Exception {
        Map<String, Integer> parsed = new TreeMap<>();
        for (Cassette.Interaction it : Cassette.all()) {
            if (it.status() >= 300 || it.body().isEmpty()) {
                continue;
            }
            JsonNode raw = Json.mapper().readTree(it.body());
            String path = it.path();
            if (ACTION.matcher(path).matches()) {
                Task task = Json.mapper().treeToValue(raw.get("task"), Task.class);
                assertThat(task.status()).as(it.toString()).isEqualTo(raw.get("task").get("status").asText());
                assertThat(task.startedAt()).as(it.toString()).isEqualTo(
                        OffsetDateTime.parse(raw.get("task").get("started_at").asText()).toInstant());
                assertThat(task.hrefResult()).startsWith("/servers/");
                count(parsed, "task");
            } else if (SERVER.matcher(path).matches() && raw.has("server")) {
                Server server = Json.mapper().treeToValue(raw.get("server"), Server.class);
                JsonNode s = raw.get("server");
                assertThat(server.id()).as(it.toString()).isEqualTo(s.get("id").asText());
                assertThat(server.state()).isEqualTo(s.get("state").asText());
                assertThat(server.creationDate()).isEqualTo(OffsetDateTime.parse(s.get("creation_date").asText()).toInstant());
                assertThat(server.volumes()).hasSize(s.get("volumes").size());
                assertThat(server.rootVolume().volumeType()).isEqualTo("sbs_volume");
                assertThat(server.allowedActions()).isNotEmpty();
                assertThat(server.image().id()).isEqualTo(s.get("image").get("id").asText());
                count(parsed, "server");
            } else if (TYPES.matcher(path).matches()) {
                JavaType type = Json.mapper().getTypeFactory().constructMapType(Map.class, String.class, ServerType.class);
                Map<String, ServerType> types = Json.mapper().convertValue(raw.get("servers"), type);
                assertThat(types).as(it.toString()).hasSize(raw.get("servers").size()).isNotEmpty();
                types.forEach((name, t) -> {
                    assertThat(t.ncpus()).as(name).isPositive();
                    assertThat(t.ram()).as(name).isPositive();
                    assertThat(t.hourlyPrice()).as(name).isNotNull();
                    assertThat(t.capabilities()).as(name).isNotNull();
                });
                count(parsed, "server types page");
            } else if (VOLUMES.matcher(path).matches() && it.method().equals("GET")) {
                JavaType list = Json.mapper().getTypeFactory().constructCollectionType(List.class, Volume.class);
                List<Volume> volumes = Json.mapper().convertValue(raw.get("volumes"), list);
                assertThat(volumes).hasSize(raw.get("volumes").size());
                assertThat(raw.get("total_count").asLong()).isGreaterThanOrEqualTo(volumes.size());
                volumes.forEach(v -> assertThat(v.createdAt()).isNotNull());
                count(parsed, "volume list");
            } else if (VOLUME.matcher(path).matches()) {
                Volume v = Json.mapper().treeToValue(raw, Volume.class);
                assertThat(v.id()).as(it.toString()).isEqualTo(raw.get("id").asText());
                assertThat(v.size()).isEqualTo(raw.get("size").asLong());
                assertThat(v.status()).isEqualTo(raw.get("status").asText());
                assertThat(v.createdAt()).isEqualTo(OffsetDateTime.parse(raw.get("created_at").asText()).toInstant());
                assertThat(v.specs().storageClass()).isEqualTo("sbs");
                assertThat(v.references()).hasSize(raw.get("references").size());
                count(parsed, "volume");
            } else if (PROJECTS.matcher(path).matches()) {
                JavaType list = Json.mapper().getTypeFactory().constructCollectionType(List.class, Project.class);
                List<Project> projects = Json.mapper().convertValue(raw.get("projects"), list);
                assertThat(projects).isNotEmpty().allSatisfy(p -> {
                    assertThat(p.organizationId()).isNotNull();
                    assertThat(p.createdAt()).isNotNull();
                });
                count(parsed, "project list");
            }
        }
        assertThat(parsed).containsKeys("task", "server", "server types page", "volume list", "volume", "project list");
        assertThat(parsed.get("server types page")).isEqualTo(3);
        assertThat(parsed.get("volume")).isGreaterThan(50);
    }

    @Test
    void resizeRecordingShowsOldSizeThenNewSize() throws Exception {
        List<Cassette.Interaction> flow = Cassette.load("volume-update-size.cassette.yaml");
        Cassette.Interaction patch = flow.stream().filter(i -> i.method().equals("PATCH")).findFirst().orElseThrow();
        Volume answer = Json.mapper().readValue(patch.body(), Volume.class);
        assertThat(answer.status()).isEqualTo("updating");
        assertThat(answer.size()).isEqualTo(20_000_000_000L);
        assertThat(answer.isTerminal()).isFalse();
        Volume last = flow.stream().filter(i -> i.method().equals("GET") && i.status() == 200)
                .map(i -> read(i.body())).filter(v -> v.size() == 30_000_000_000L).reduce((a, b) -> b).orElseThrow();
        assertThat(last.isTerminal()).isTrue();
    }

    @Test
    void everyRecordedErrorMapsToItsTypedException() {
        Map<String, Class<?>> expected = Map.of(
                "not_found", ScalewayNotFoundException.class,
                "invalid_arguments", ScalewayServiceException.class,
                "denied_authentication", ScalewayAccessDeniedException.class,
                "permissions_denied", ScalewayAccessDeniedException.class);
        int errors = 0;
        int rateLimited = 0;
        for (Cassette.Interaction it : Cassette.all()) {
            if (it.status() < 400) {
                continue;
            }
            errors++;
            ScalewayException mapped = ErrorMapper.toException(it.method() + " " + it.path(), it.status(),
                    it.header("X-Request-Id"), it.header("Content-Type"), it.header("Retry-After"),
                    it.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(mapped).as(it.toString()).isInstanceOf(ScalewayServiceException.class);
            ScalewayServiceException e = (ScalewayServiceException) mapped;
            assertThat(e.status()).isEqualTo(it.status());
            assertThat(e.requestId()).as(it.toString()).isNotBlank().isEqualTo(it.header("X-Request-Id"));
            assertThat(e.apiMessage()).as(it.toString()).isNotBlank();
            assertThat(e.getMessage()).contains(Integer.toString(it.status())).contains(it.header("X-Request-Id"))
                    .contains("To fix: ");
            if (it.status() == 429) {
                rateLimited++;
                assertThat(e).isInstanceOf(ScalewayThrottledException.class);
                assertThat(e.errorType()).isEqualTo(ScalewayErrorType.THROTTLED);
                assertThat(e.isThrottling()).isTrue();
                assertThat(e.isRetryable()).isTrue();
                assertThat(e.error().retryAfter()).isNull();
                continue;
            }
            assertThat(e.getClass()).as(it.toString()).isEqualTo(expected.get(e.type()));
            assertThat(e.errorType().code()).as(it.toString()).isEqualTo(e.type());
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.isThrottling()).isFalse();
            switch (e.type()) {
                case "not_found" -> {
                    assertThat(e.resource()).isIn("volume", "instance_server", "instance_volume", "instance_ip");
                    assertThat(e.resourceId()).isNotBlank();
                    assertThat(e.getMessage()).contains(e.resource()).contains(e.resourceId());
                }
                case "invalid_arguments" -> {
                    assertThat(e.details()).singleElement().satisfies(d -> {
                        assertThat(d.argumentName()).isEqualTo("reverse");
                        assertThat(d.reason()).isEqualTo("constraint");
                        assertThat(d.helpMessage()).contains("Your reverse must resolve");
                    });
                    assertThat(e.getMessage()).contains("argument=reverse");
                }
                case "denied_authentication" -> {
                    ScalewayAccessDeniedException d = (ScalewayAccessDeniedException) e;
                    assertThat(d.isAuthenticationFailure()).isTrue();
                    assertThat(d.authenticationMethod()).isEqualTo("api_key");
                    assertThat(d.authenticationReason()).isEqualTo("not_found");
                }
                case "permissions_denied" -> {
                    assertThat(((ScalewayAccessDeniedException) e).isAuthenticationFailure()).isFalse();
                    assertThat(e.details()).singleElement().satisfies(d -> {
                        assertThat(d.action()).isEqualTo("read");
                        assertThat(d.resource()).isEqualTo("api_key");
                    });
                }
                default -> throw new AssertionError("unexpected type " + e.type());
            }
        }
        assertThat(rateLimited).isEqualTo(30);
        assertThat(errors).isGreaterThan(40);
    }

    private static Volume read(String body) {
        try {
            return Json.mapper().readValue(body, Volume.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void count(Map<String, Integer> counts, String key) {
        counts.merge(key, 1, Integer::sum);
    }
}
