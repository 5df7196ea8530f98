package dev.providersettings.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.Secret;
import dev.providersettings.SecretSource;
import dev.providersettings.exception.SeedingException;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.examples.orchestrator.Infrastructure;
import dev.providersettings.examples.orchestrator.OrchestratorConfig;
import dev.providersettings.examples.orchestrator.OrchestratorNode;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input table: malformed, unknown, mistyped, oversized, control-character and SQL-metacharacter input across the
 * library API ({@code OrganizationId.parse}, {@code ProviderCode}, {@code ProviderManager.get},
 * {@code SettingsService.update}, {@code SettingsUpdate}, {@code Seeder}) and the example orchestrator's HTTP API
 * ({@code POST /deployments}, {@code GET /instances}, ...). Each case expects its typed error — an exception class
 * under {@link ProviderSettingsException}, or an HTTP status with a JSON {@code error} code — with a message that says
 * what is wrong (a given fragment) and contains no secret, and the database (every table of the store and the host) is
 * identical before and after.
 */
@Order(40)
class BadInputTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TABLES = List.of("organizations", "provider_settings", "provider_settings_audit",
            "users", "deployments", "instances", "job_events", "organization_jobs", "instance_types", "zones");
    private static final String SCW = "scaleway";
    private static final String TC = TestProviderFactory.CODE;
    /** A secret value given in bad input: it must not be echoed by any message. */
    private static final String BAD_SECRET = Evidence.secret("not-a-uuid-" + UUID.randomUUID() + "-s3cr3t");

    private static PostgresCredentialStore store;
    private static ProviderManager manager;
    private static Infrastructure infrastructure;
    private static OrchestratorNode node;
    private static HttpClient http;
    private static OrganizationId org;
    private static OrganizationId bare;
    private static OrganizationId otherOrg;
    private static UUID member;
    private static UUID loner;
    private static final OrganizationId ABSENT = OrganizationId.random();
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger LIBRARY_CASES = new AtomicInteger();
    private static final AtomicInteger HTTP_CASES = new AtomicInteger();
    private static final AtomicInteger TYPED = new AtomicInteger();
    private static final AtomicInteger DATABASE_CHANGED = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + db.schema();
        OrchestratorConfig config = OrchestratorConfig.builder().jdbcUrl(url).jdbcUser(db.user())
                .jdbcPassword(db.password()).nodeId("bad-input").build();
        infrastructure = Infrastructure.start(config);
        node = OrchestratorNode.start(config, infrastructure);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        store = db.storeBuilder().build();
        manager = ProviderManager.builder().store(store)
                .registry(ProviderRegistry.builder()
                        .register(ScalewayProviderFactory.builder().baseUrl(infrastructure.scalewayUrl()).allowInsecureEndpoint(true).build())
                        .register(new TestProviderFactory()).build())
                .cipher(TestKeys.cipher()).build();
        List<OrganizationId> orgs = db.createOrganizations(3);
        org = orgs.get(0);
        bare = orgs.get(1);
        otherOrg = orgs.get(2);
        manager.settings().update("bad-input-setup", org, SCW, Credentials.random().update());
        manager.settings().update("bad-input-setup", org, TC, SettingsUpdate.builder()
                .set(TestProviderFactory.PROJECT_ID, UUID.randomUUID().toString())
                .set(TestProviderFactory.ACCESS_KEY, "AK-1")
                .setSecret(TestProviderFactory.SECRET_KEY, Secret.of(Evidence.secret("tc-" + UUID.randomUUID()))).build());
        member = UUID.randomUUID();
        loner = UUID.randomUUID();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.schema()
                     + ".users (id, name, current_organization_id) VALUES (?, ?, ?)")) {
            ps.setObject(1, member);
            ps.setString(2, "member");
            ps.setObject(3, org.value());
            ps.executeUpdate();
            ps.setObject(1, loner);
            ps.setString(2, "loner");
            ps.setObject(3, null);
            ps.executeUpdate();
        }
    }

    @AfterAll
    static void tearDown() {
        Figures.of("bad-input")
                .put("cases", CASES.get())
                .put("library_cases", LIBRARY_CASES.get())
                .put("http_cases", HTTP_CASES.get())
                .put("typed_errors", TYPED.get())
                .put("database_changed", DATABASE_CHANGED.get())
                .print();
        if (node != null) {
            node.close();
        }
        if (infrastructure != null) {
            infrastructure.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (store != null) {
            store.close();
        }
        assertThat(DATABASE_CHANGED.get()).isZero();
    }

    /** One row of the table. */
    interface Case {
        String name();

        /** Runs the bad call and checks its typed error and message. */
        void check() throws Exception;
    }

    /** A library call that must throw {@code type} with a message containing {@code fragment}. */
    record Library(String name, Class<? extends ProviderSettingsException> type, String fragment, Call call) implements Case {
        @Override
        public void check() {
            Throwable thrown = null;
            try {
                call.run();
            } catch (Throwable t) {
                thrown = t;
            }
            assertThat(thrown).as("%s must throw", name).isNotNull();
            Evidence.exception(thrown);
            assertThat(thrown).as(name).isInstanceOf(type).isInstanceOf(ProviderSettingsException.class);
            assertThat(thrown.getMessage()).as(name).isNotBlank().containsIgnoringCase(fragment);
            assertThat(thrown.getMessage()).doesNotContain(BAD_SECRET);
            assertThat(Evidence.occurrences(name, thrown.getMessage())).isEmpty();
            LIBRARY_CASES.incrementAndGet();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An HTTP request that must be answered {@code status} with JSON {@code {"error": code, "message": ...}}. */
    record Http(String name, int status, String code, Request request) implements Case {
        @Override
        public void check() throws Exception {
            HttpResponse<String> response = http.send(request.build(node.apiUri()), HttpResponse.BodyHandlers.ofString());
            Evidence.text(response.body());
            assertThat(response.statusCode()).as("%s: %s", name, response.body()).isEqualTo(status);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("error").asText()).as(name).isEqualTo(code);
            assertThat(body.path("message").asText()).as(name).hasSizeGreaterThan(15);
            assertThat(Evidence.occurrences(name, response.body())).isEmpty();
            HTTP_CASES.incrementAndGet();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface Request {
        HttpRequest build(URI base);
    }

    private static Library lib(String name, Class<? extends ProviderSettingsException> type, String fragment, Call call) {
        return new Library(name, type, fragment, call);
    }

    private static SettingsUpdate one(String key, Object value) {
        return SettingsUpdate.builder().set(key, value).build();
    }

    private static void update(OrganizationId organization, String provider, SettingsUpdate update) {
        manager.settings().update("bad-input", organization, provider, update);
    }

    private static Http post(String name, int status, String code, UUID user, String contentType, String body) {
        return new Http(name, status, code, base -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/deployments")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (user != null) {
                b.header("X-User-Id", user.toString());
            }
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            return b.build();
        });
    }

    private static Http deploy(String name, int status, String code, String body) {
        return post(name, status, code, member, "application/json", body);
    }

    private static Http request(String name, int status, String code, String method, String path, String userHeader) {
        return new Http(name, status, code, base -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (userHeader != null) {
                b.header("X-User-Id", userHeader);
            }
            return b.build();
        });
    }

    static Stream<Case> cases() {
        String good = "{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"gpu-1\"}";
        List<Case> cases = new ArrayList<>(List.of(
                // identifiers
                lib("OrganizationId.parse(null)", InvalidIdentifierException.class, "null", () -> OrganizationId.parse(null)),
                lib("OrganizationId.parse(blank)", InvalidIdentifierException.class, "blank", () -> OrganizationId.parse("   ")),
                lib("OrganizationId.parse(empty)", InvalidIdentifierException.class, "blank", () -> OrganizationId.parse("")),
                lib("OrganizationId.parse(not a uuid)", InvalidIdentifierException.class, "not a UUID",
                        () -> OrganizationId.parse("acme-corp")),
                lib("OrganizationId.parse(SQL metacharacters)", InvalidIdentifierException.class, "not a UUID",
                        () -> OrganizationId.parse("' OR '1'='1'; DROP TABLE organizations; --")),
                lib("OrganizationId.parse(control character)", InvalidIdentifierException.class, "not a UUID",
                        () -> OrganizationId.parse("1f0e7f4c-2f4b-4a5e-9a57-7a0c2d1f8b1\u0000")),
                lib("OrganizationId.parse(no dashes)", InvalidIdentifierException.class, "not a UUID",
                        () -> OrganizationId.parse("1f0e7f4c2f4b4a5e9a577a0c2d1f8b11")),
                lib("OrganizationId.parse(oversized)", InvalidIdentifierException.class, "not a UUID",
                        () -> OrganizationId.parse("1".repeat(100_000))),
                lib("OrganizationId.of(null)", InvalidIdentifierException.class, "null", () -> OrganizationId.of(null)),
                lib("ProviderCode.of(null)", InvalidIdentifierException.class, "null", () -> ProviderCode.of(null)),
                lib("ProviderCode.of(upper case)", InvalidIdentifierException.class, "malformed", () -> ProviderCode.of("Scaleway")),
                lib("ProviderCode.of(SQL metacharacters)", InvalidIdentifierException.class, "malformed",
                        () -> ProviderCode.of("scaleway'; DROP TABLE provider_settings; --")),
                // resolution
                lib("get(null organization)", MissingOrganizationException.class, "no organization",
                        () -> manager.get(null, SCW, ScalewayProvider.class)),
                lib("get(empty Optional organization)", MissingOrganizationException.class, "no organization",
                        () -> manager.get(Optional.<OrganizationId>empty().orElse(null), SCW, ScalewayProvider.class)),
                lib("get(absent organization)", MissingOrganizationException.class, "does not exist",
                        () -> manager.get(ABSENT, SCW, ScalewayProvider.class)),
                lib("get(organization without credentials)", MissingCredentialsException.class, ScalewaySettings.SECRET_KEY,
                        () -> manager.get(bare, SCW, ScalewayProvider.class)),
                lib("get(unknown provider)", UnknownProviderException.class, "azure",
                        () -> manager.get(org, "azure", Object.class)),
                lib("get(null provider)", InvalidIdentifierException.class, "null",
                        () -> manager.get(org, null, ScalewayProvider.class)),
                lib("get(malformed provider code)", InvalidIdentifierException.class, "malformed",
                        () -> manager.get(org, "SCALEWAY\n", ScalewayProvider.class)),
                lib("get(wrong client type)", ConfigurationException.class, "ScalewayProvider",
                        () -> manager.get(org, SCW, String.class)),
                // writes
                lib("update(unknown key)", InvalidSettingException.class, "is not a setting",
                        () -> update(org, SCW, one("SCALEWAY_REGION_TYPO", "fr-par"))),
                lib("update(project id of wrong type: integer)", InvalidSettingException.class, ScalewaySettings.PROJECT_ID,
                        () -> update(org, SCW, one(ScalewaySettings.PROJECT_ID, 42L))),
                lib("update(secret given as plain text)", InvalidSettingException.class, ScalewaySettings.SECRET_KEY,
                        () -> update(org, SCW, one(ScalewaySettings.SECRET_KEY, UUID.randomUUID().toString()))),
                lib("update(access key not SCW+17)", InvalidSettingException.class, "SCW",
                        () -> update(org, SCW, one(ScalewaySettings.ACCESS_KEY, "SCW123"))),
                lib("update(access key lower case)", InvalidSettingException.class, ScalewaySettings.ACCESS_KEY,
                        () -> update(org, SCW, one(ScalewaySettings.ACCESS_KEY, "scwabcdefghijklmnopq"))),
                lib("update(secret key not a UUID, value not echoed)", InvalidSettingException.class, ScalewaySettings.SECRET_KEY,
                        () -> update(org, SCW, SettingsUpdate.builder()
                                .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(BAD_SECRET)).build())),
                lib("update(project id with SQL metacharacters)", InvalidSettingException.class, ScalewaySettings.PROJECT_ID,
                        () -> update(org, SCW, one(ScalewaySettings.PROJECT_ID, "'); DROP TABLE provider_settings; --"))),
                lib("update(oversized API URL)", InvalidSettingException.class, ScalewaySettings.API_URL,
                        () -> update(org, SCW, one(ScalewaySettings.API_URL, "https://" + "a".repeat(100_000) + ".example"))),
                lib("update(zone with control character)", InvalidSettingException.class, ScalewaySettings.DEFAULT_ZONE,
                        () -> update(org, SCW, one(ScalewaySettings.DEFAULT_ZONE, "fr-par-1\u0000"))),
                lib("update(unknown zone)", InvalidSettingException.class, "fr-par-1",
                        () -> update(org, SCW, one(ScalewaySettings.DEFAULT_ZONE, "mars-1"))),
                lib("update(absent organization)", MissingOrganizationException.class, ABSENT.toString(),
                        () -> update(ABSENT, SCW, Credentials.random().update())),
                lib("update(null organization)", MissingOrganizationException.class, "no organization",
                        () -> update(null, SCW, Credentials.random().update())),
                lib("update(unknown provider)", UnknownProviderException.class, "azure",
                        () -> update(org, "azure", one("KEY", "value"))),
                lib("update(null update)", InvalidSettingException.class, "null", () -> update(org, SCW, null)),
                lib("update(blank actor)", InvalidSettingException.class, "actor",
                        () -> manager.settings().update(" ", org, SCW, Credentials.random().update())),
                lib("update(actor with control characters)", InvalidSettingException.class, "actor",
                        () -> manager.settings().update("bob\u0007\n", org, SCW, Credentials.random().update())),
                lib("update(stale expected version)", VersionConflictException.class, ScalewaySettings.PROJECT_ID,
                        () -> update(org, SCW, SettingsUpdate.builder()
                                .set(ScalewaySettings.PROJECT_ID, UUID.randomUUID().toString())
                                .expectVersion(ScalewaySettings.PROJECT_ID, 999_999_999L).build())),
                lib("update(broken JSON)", InvalidSettingException.class, TestProviderFactory.TAGS,
                        () -> update(org, TC, one(TestProviderFactory.TAGS, "{\"team\":"))),
                lib("update(integer given as text)", InvalidSettingException.class, TestProviderFactory.TIMEOUT_SECONDS,
                        () -> update(org, TC, one(TestProviderFactory.TIMEOUT_SECONDS, "30"))),
                lib("update(integer out of range)", InvalidSettingException.class, TestProviderFactory.TIMEOUT_SECONDS,
                        () -> update(org, TC, one(TestProviderFactory.TIMEOUT_SECONDS, 100_000L))),
                lib("update(boolean given as text)", InvalidSettingException.class, TestProviderFactory.VERBOSE,
                        () -> update(org, TC, one(TestProviderFactory.VERBOSE, "yes"))),
                lib("update(text over its maximum length)", InvalidSettingException.class, TestProviderFactory.ACCESS_KEY,
                        () -> update(org, TC, one(TestProviderFactory.ACCESS_KEY, "A".repeat(65)))),
                lib("update(valid and invalid keys together: nothing written)", InvalidSettingException.class, "SCW",
                        () -> update(org, SCW, SettingsUpdate.builder()
                                .set(ScalewaySettings.PROJECT_ID, UUID.randomUUID().toString())
                                .set(ScalewaySettings.ACCESS_KEY, "SCWlower").build())),
                // building updates
                lib("SettingsUpdate with no change", InvalidSettingException.class, "changes nothing",
                        () -> SettingsUpdate.builder().build()),
                lib("SettingsUpdate key of the wrong format", InvalidIdentifierException.class, "lower_case",
                        () -> SettingsUpdate.builder().set("lower_case", "x")),
                lib("SettingsUpdate null value", InvalidSettingException.class, "remove",
                        () -> SettingsUpdate.builder().set(ScalewaySettings.PROJECT_ID, null)),
                lib("SettingsUpdate same key twice", InvalidSettingException.class, "twice",
                        () -> SettingsUpdate.builder().set("KEY", "a").set("KEY", "b")),
                lib("SettingsUpdate negative expected version", InvalidSettingException.class, "versions are positive",
                        () -> SettingsUpdate.builder().set("KEY", "a").expectVersion("KEY", -1)),
                lib("Secret.of(empty)", InvalidSettingException.class, "empty", () -> Secret.of("")),
                // seeding
                lib("Seeder with a malformed access key in the source", InvalidSettingException.class, "SCW",
                        () -> manager.seeder().seed("bad-input", SCW, source(Map.of(
                                ScalewaySettings.ACCESS_KEY, "SCW-bad",
                                ScalewaySettings.PROJECT_ID, UUID.randomUUID().toString(),
                                ScalewaySettings.SECRET_KEY, UUID.randomUUID().toString())), List.of(org, bare))),
                lib("Seeder with an absent organization", MissingOrganizationException.class, ABSENT.toString(),
                        () -> manager.seeder().seed("bad-input", SCW, source(validSeed()), List.of(bare, ABSENT))),
                lib("Seeder with null organizations", MissingOrganizationException.class, "without organizations",
                        () -> manager.seeder().seed("bad-input", SCW, source(validSeed()), null)),
                lib("Seeder missing a required value", SeedingException.class, ScalewaySettings.SECRET_KEY,
                        () -> manager.seeder().seed("bad-input", SCW, source(Map.of(
                                ScalewaySettings.PROJECT_ID, UUID.randomUUID().toString())), List.of(bare))),
                lib("Seeder for an unknown provider", UnknownProviderException.class, "azure",
                        () -> manager.seeder().seed("bad-input", "azure", source(validSeed()), List.of(bare))),
                // HTTP API
                post("POST /deployments without X-User-Id", 401, "unauthenticated", null, "application/json", good),
                new Http("POST /deployments with a malformed X-User-Id", 401, "unauthenticated", base -> HttpRequest
                        .newBuilder(base.resolve("/deployments")).header("X-User-Id", "1 OR 1=1")
                        .POST(HttpRequest.BodyPublishers.ofString(good)).build()),
                post("POST /deployments by an unknown user", 401, "unauthenticated", UUID.randomUUID(), "application/json", good),
                post("POST /deployments by a user without organization", 422, "missing_organization", loner,
                        "application/json", good),
                deploy("POST /deployments broken JSON", 400, "malformed_json", "{\"instance_type\":"),
                deploy("POST /deployments empty body", 400, "malformed_json", ""),
                deploy("POST /deployments JSON array", 400, "invalid_body", "[" + good + "]"),
                deploy("POST /deployments trailing garbage", 400, "malformed_json", good + " {}"),
                deploy("POST /deployments duplicate field", 400, "malformed_json",
                        "{\"instance_type\":\"GPU-3070-S\",\"instance_type\":\"DEV1-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"a\"}"),
                deploy("POST /deployments unknown field", 400, "unknown_field", good.replace("}", ",\"organization_id\":\"" + otherOrg + "\"}")),
                deploy("POST /deployments volume size as a string", 400, "invalid_type", good.replace("100", "\"100\"")),
                deploy("POST /deployments volume size as a decimal", 400, "invalid_type", good.replace("100", "100.5")),
                deploy("POST /deployments missing name", 400, "missing_field",
                        "{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100}"),
                deploy("POST /deployments null instance type", 400, "missing_field", good.replace("\"GPU-3070-S\"", "null")),
                deploy("POST /deployments unknown instance type", 400, "unknown_instance_type", good.replace("GPU-3070-S", "GPU-9999")),
                deploy("POST /deployments unknown zone", 400, "unknown_zone", good.replace("fr-par-2", "mars-1")),
                deploy("POST /deployments type not offered in zone", 400, "instance_type_not_in_zone",
                        good.replace("fr-par-2", "nl-ams-1")),
                deploy("POST /deployments volume below the minimum", 400, "invalid_volume_size", good.replace("100", "1")),
                deploy("POST /deployments volume size overflow", 400, "invalid_volume_size", good.replace("100", "99999999999999")),
                deploy("POST /deployments negative volume size", 400, "invalid_volume_size", good.replace("100", "-100")),
                deploy("POST /deployments name with control character", 400, "invalid_name", good.replace("gpu-1", "gpu\\u0000")),
                deploy("POST /deployments name with SQL metacharacters", 400, "invalid_name",
                        good.replace("gpu-1", "x'); DROP TABLE instances; --")),
                deploy("POST /deployments oversized name", 400, "invalid_name", good.replace("gpu-1", "a".repeat(500))),
                deploy("POST /deployments body over 64 KiB", 413, "body_too_large",
                        good.replace("gpu-1", "a".repeat(70 * 1024))),
                post("POST /deployments as text/plain", 415, "unsupported_media_type", member, "text/plain", good),
                request("PUT /deployments", 405, "method_not_allowed", "PUT", "/deployments", member.toString()),
                request("GET /instances?organization=garbage", 400, "invalid_organization", "GET",
                        "/instances?organization=acme%27%3B--", member.toString()),
                request("GET /instances of another organization", 403, "forbidden_organization", "GET",
                        "/instances?organization=" + "ORG", member.toString()),
                request("GET /instances/not-a-uuid", 400, "invalid_id", "GET", "/instances/not-a-uuid", member.toString()),
                request("GET /instances/<unknown id>", 404, "instance_not_found", "GET", "/instances/" + UUID.randomUUID(),
                        member.toString()),
                request("DELETE /instances/<unknown id>", 404, "instance_not_found", "DELETE",
                        "/instances/" + UUID.randomUUID(), member.toString()),
                request("GET /unknown-route", 404, "not_found", "GET", "/admin/provider_settings", member.toString())));
        return cases.stream();
    }

    private static Map<String, String> validSeed() {
        Credentials c = Credentials.random();
        return Map.of(ScalewaySettings.PROJECT_ID, c.projectId(), ScalewaySettings.SECRET_KEY, c.secretKey(),
                ScalewaySettings.ACCESS_KEY, c.accessKey());
    }

    private static SecretSource source(Map<String, String> values) {
        return (organization, definition) -> Optional.ofNullable(values.get(definition.key()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsItsTypedErrorAndChangesNothing(Case badInput) throws Exception {
        CASES.incrementAndGet();
        Case resolved = badInput instanceof Http h && h.name().equals("GET /instances of another organization")
                ? request(h.name(), h.status(), h.code(), "GET", "/instances?organization=" + otherOrg, member.toString())
                : badInput;
        var before = Snapshots.take(db.dataSource(), db.schema(), TABLES);
        resolved.check();
        TYPED.incrementAndGet();
        var after = Snapshots.take(db.dataSource(), db.schema(), TABLES);
        if (!after.equals(before)) {
            DATABASE_CHANGED.incrementAndGet();
        }
        assertThat(after).as("database after %s", badInput.name()).isEqualTo(before);
    }
}
