package dev.providersettings.examples.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.providersettings.OrganizationId;
import dev.providersettings.Secret;
import dev.providersettings.SettingsService;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example service over real HTTP on a random port, on an embedded Postgres (stopped and started again by the
 * test) and the fake Scaleway API: two organizations each create and read a volume with their own credentials.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentsApplicationTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final Path DATA_DIRECTORY;
    private static final int DATABASE_PORT;
    private static EmbeddedPostgres postgres;
    private static final FakeScaleway SCALEWAY = FakeScaleway.start();

    static {
        try {
            DATA_DIRECTORY = Files.createTempDirectory("example-spring-boot-pg");
            try (ServerSocket socket = new ServerSocket(0)) {
                DATABASE_PORT = socket.getLocalPort();
            }
            postgres = startDatabase();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Two tenants with their own Scaleway keys and projects. */
    record Tenant(OrganizationId id, UUID scalewayOrganization, UUID project, String accessKey, String secretKey) {
    }

    private static final Tenant ACME = tenant("SCWACMEACMEACMEACME1");
    private static final Tenant GLOBEX = tenant("SCWGLOBEXGLOBEXGLOB2");

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SettingsService settings;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://localhost:" + DATABASE_PORT + "/postgres");
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        // fail fast while the database is down, so the health check answers within the test's patience
        registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("provider-settings.key-ring.environment-variable", () -> "");
        registry.add("provider-settings.key-ring.inline", () -> "k1:" + KEY);
        registry.add("provider-settings.scaleway.base-url", SCALEWAY::baseUrl);
        registry.add("provider-settings.scaleway.allow-insecure-endpoint", () -> "true"); // the fake speaks plain http
        registry.add("provider-settings.change-feed.reconnect-max-delay", () -> "500ms");
    }

    @AfterAll
    static void stop() throws IOException {
        SCALEWAY.close();
    }

    private static EmbeddedPostgres startDatabase() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(DATA_DIRECTORY).setCleanDataDirectory(false)
                .setPort(DATABASE_PORT).start();
    }

    private static Tenant tenant(String accessKey) {
        Tenant tenant = new Tenant(OrganizationId.random(), UUID.randomUUID(), UUID.randomUUID(), accessKey,
                UUID.randomUUID().toString());
        SCALEWAY.addOrganization(tenant.scalewayOrganization());
        SCALEWAY.addProject(tenant.project(), tenant.scalewayOrganization());
        SCALEWAY.addApiKey(tenant.accessKey(), tenant.secretKey(), tenant.project(), tenant.scalewayOrganization());
        return tenant;
    }

    private void register(Tenant tenant) {
        jdbc.update("insert into organizations (id, name) values (?, ?) on conflict do nothing", tenant.id().value(),
                tenant.accessKey());
        settings.update("test", tenant.id(), "scaleway", SettingsUpdate.builder()
                .set(ScalewaySettings.PROJECT_ID, tenant.project().toString())
                .set(ScalewaySettings.ACCESS_KEY, tenant.accessKey())
                .set(ScalewaySettings.ORGANIZATION_ID, tenant.scalewayOrganization().toString())
                .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(tenant.secretKey()))
                .build());
    }

    @Test
    @Order(1)
    void eachOrganizationsCallsUseItsOwnCredentials() throws Exception {
        register(ACME);
        register(GLOBEX);
        SCALEWAY.clearRequests();

        HttpResponse<String> acmeCreated = post("/deployments", ACME.id().toString(),
                "{\"name\":\"acme-gpu\",\"zone\":\"fr-par-1\",\"volumeGb\":20}");
        HttpResponse<String> globexCreated = post("/deployments", GLOBEX.id().toString(),
                "{\"name\":\"globex-gpu\",\"zone\":\"fr-par-1\",\"volumeGb\":30}");
        assertThat(acmeCreated.statusCode()).as(acmeCreated.body()).isEqualTo(201);
        assertThat(globexCreated.statusCode()).as(globexCreated.body()).isEqualTo(201);
        JsonNode acme = JSON.readTree(acmeCreated.body());
        JsonNode globex = JSON.readTree(globexCreated.body());
        assertThat(acme.get("projectId").asText()).isEqualTo(ACME.project().toString());
        assertThat(globex.get("projectId").asText()).isEqualTo(GLOBEX.project().toString());

        HttpResponse<String> acmeVolume = get(acmeCreated.headers().firstValue("Location").orElseThrow(), ACME.id().toString());
        assertThat(acmeVolume.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(acmeVolume.body()).get("sizeBytes").asLong()).isEqualTo(20_000_000_000L);
        // another organization cannot read it, and no call is made with anyone's key for it
        HttpResponse<String> stolen = get(acmeCreated.headers().firstValue("Location").orElseThrow(), GLOBEX.id().toString());
        assertThat(stolen.statusCode()).isEqualTo(404);

        // the fake API saw exactly these tokens, each on its own organization's volume
        List<RecordedRequest> requests = SCALEWAY.requests();
        assertThat(requests.stream().map(RecordedRequest::authToken).collect(Collectors.toSet()))
                .isEqualTo(Set.of(ACME.secretKey(), GLOBEX.secretKey()));
        String acmeVolumeId = acme.get("volumeId").asText();
        String globexVolumeId = globex.get("volumeId").asText();
        assertThat(requests).filteredOn(r -> r.path().contains(acmeVolumeId) || r.body().contains("acme-gpu"))
                .isNotEmpty().allMatch(r -> r.usedToken(ACME.secretKey()));
        assertThat(requests).filteredOn(r -> r.path().contains(globexVolumeId) || r.body().contains("globex-gpu"))
                .isNotEmpty().allMatch(r -> r.usedToken(GLOBEX.secretKey()));
    }

    @Test
    @Order(2)
    void noOrganizationOrNoCredentialsIsAClearErrorAndNoCall() throws Exception {
        SCALEWAY.clearRequests();
        assertThat(post("/deployments", null, "{\"name\":\"x\",\"zone\":\"fr-par-1\",\"volumeGb\":1}").statusCode())
                .isEqualTo(401);
        assertThat(post("/deployments", UUID.randomUUID().toString(), "{\"name\":\"x\",\"zone\":\"fr-par-1\",\"volumeGb\":1}")
                .statusCode()).isEqualTo(403);
        UUID withoutCredentials = UUID.randomUUID();
        jdbc.update("insert into organizations (id, name) values (?, 'initech')", withoutCredentials);
        HttpResponse<String> refused = post("/deployments", withoutCredentials.toString(),
                "{\"name\":\"x\",\"zone\":\"fr-par-1\",\"volumeGb\":1}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("SCALEWAY_SECRET_KEY");
        assertThat(SCALEWAY.requests()).isEmpty();
    }

    @Test
    @Order(2)
    void valuesScalewayCannotTakeAreTheCallersErrorAndNoCall() throws Exception {
        SCALEWAY.clearRequests();   // ACME was registered by the first test
        HttpResponse<String> badZone = post("/deployments", ACME.id().toString(),
                "{\"name\":\"x\",\"zone\":\"../iam\",\"volumeGb\":10}");
        assertThat(badZone.statusCode()).as(badZone.body()).isEqualTo(400);
        assertThat(badZone.body()).contains("zone", "fr-par-1");
        HttpResponse<String> tooLarge = post("/deployments", ACME.id().toString(),
                "{\"name\":\"x\",\"zone\":\"fr-par-1\",\"volumeGb\":20000}");
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(400);
        assertThat(tooLarge.body()).contains("10 TB");
        assertThat(SCALEWAY.requests()).isEmpty();
    }

    @Test
    @Order(3)
    void metricsShowTheCacheScalewayAndChangeFeedMeters() throws Exception {
        JsonNode loads = JSON.readTree(get("/actuator/metrics/provider.settings.cache.loads", null).body());
        assertThat(loads.get("availableTags").toString()).contains("success", "failure");
        assertThat(measurement(loads, "COUNT")).isGreaterThanOrEqualTo(2);
        JsonNode hits = JSON.readTree(get("/actuator/metrics/provider.settings.cache.gets?tag=result:hit", null).body());
        assertThat(measurement(hits, "COUNT")).isGreaterThanOrEqualTo(1); // the GET after the POST hit the cache
        JsonNode size = JSON.readTree(get("/actuator/metrics/provider.settings.cache.size", null).body());
        assertThat(measurement(size, "VALUE")).isGreaterThanOrEqualTo(2);
        assertThat(get("/actuator/metrics/provider.settings.cache.load.duration", null).statusCode()).isEqualTo(200);

        JsonNode calls = JSON.readTree(get("/actuator/metrics/provider.settings.scaleway.calls", null).body());
        assertThat(calls.get("availableTags").toString()).contains("block.createVolume", "block.getVolume", "2xx",
                "success", "POST", "GET");
        assertThat(measurement(calls, "COUNT")).isGreaterThanOrEqualTo(3);
        assertThat(measurement(calls, "TOTAL_TIME")).isPositive();
        JsonNode creates = JSON.readTree(get("/actuator/metrics/provider.settings.scaleway.calls"
                + "?tag=operation:block.createVolume&tag=outcome:success", null).body());
        assertThat(measurement(creates, "COUNT")).isEqualTo(2);
        assertThat(calls.toString()).doesNotContain(ACME.id().toString(), GLOBEX.id().toString()); // no organization tag
        JsonNode listening = JSON.readTree(get("/actuator/metrics/provider.settings.change.feed.listening", null).body());
        assertThat(measurement(listening, "VALUE")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void healthIsUpThenDownWhileTheDatabaseIsStoppedThenUpAgain() throws Exception {
        JsonNode up = JSON.readTree(get("/actuator/health", null).body());
        assertThat(up.get("status").asText()).isEqualTo("UP");
        JsonNode component = up.get("components").get("providerSettings");
        assertThat(component.get("status").asText()).isEqualTo("UP");
        assertThat(component.get("details").get("store").asText()).isEqualTo("reachable");
        assertThat(component.get("details").get("changeFeed").get("listening").asBoolean()).isTrue();
        assertThat(component.get("details").get("keyRing").get("primaryUsable").asBoolean()).isTrue();
        assertThat(up.toString()).doesNotContain(KEY, ACME.secretKey(), GLOBEX.secretKey());

        postgres.close();
        try {
            HttpResponse<String> down = get("/actuator/health", null);
            assertThat(down.statusCode()).isEqualTo(503);
            JsonNode providerSettings = JSON.readTree(down.body()).get("components").get("providerSettings");
            assertThat(providerSettings.get("status").asText()).isEqualTo("DOWN");
            assertThat(providerSettings.get("details").get("store").asText()).startsWith("unavailable");
            assertThat(down.body()).doesNotContain(KEY, ACME.secretKey(), "password");
        } finally {
            postgres = startDatabase();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> again;
        do {
            Thread.sleep(250);
            again = get("/actuator/health", null);
        } while (again.statusCode() != 200 && System.nanoTime() < deadline);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("components").get("providerSettings").get("details")
                .get("changeFeed").get("listening").asBoolean()).isTrue();
        // and the service works again on the same pool
        HttpResponse<String> created = post("/deployments", ACME.id().toString(),
                "{\"name\":\"acme-after-restart\",\"zone\":\"fr-par-1\",\"volumeGb\":10}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private static double measurement(JsonNode metric, String statistic) {
        for (JsonNode m : metric.get("measurements")) {
            if (m.get("statistic").asText().equals(statistic)) {
                return m.get("value").asDouble();
            }
        }
        throw new AssertionError("no " + statistic + " in " + metric);
    }

    private HttpResponse<String> post(String path, String organization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (organization != null) {
            request.header(DeploymentController.ORGANIZATION_HEADER, organization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String organization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (organization != null) {
            request.header(DeploymentController.ORGANIZATION_HEADER, organization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
