package dev.providersettings.examples.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.SeedReport;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.CreateServerRequest;
import dev.providersettings.scaleway.CreateVolumeRequest;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.scaleway.Server;
import dev.providersettings.scaleway.ServerAction;
import dev.providersettings.scaleway.Volume;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.providersettings.examples.orchestrator.Jobs.body;
import static dev.providersettings.examples.orchestrator.Jobs.runUntil;
import static dev.providersettings.examples.orchestrator.Jobs.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin plan's five test scenarios through the orchestrator's HTTP API and jobs, on a real (embedded) Postgres
 * and the fake Scaleway API, plus the other jobs: terminator, watchdog, volume reconciliation.
 */
class OrchestratorScenariosTest {
    private static final long GB = ScalewayProvider.GB;

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();
    @TempDir
    static Path secrets;

    private static OrchestratorConfig config;
    private static Infrastructure infrastructure;
    private static OrchestratorNode node;
    private static FakeScaleway fake;
    private static ApiClient api;
    private static Tenant acme;
    private static Tenant globex;
    private static Tenant initech;

    @BeforeAll
    static void start() throws Exception {
        config = TestSetup.config(DB, "scenarios").seed(true).secretsDir(secrets).build();
        infrastructure = Infrastructure.start(config);
        fake = infrastructure.fake().orElseThrow();
        OrchestratorNode.migrate(infrastructure);
        try (HikariDataSource pool = OrchestratorNode.temporaryPool(infrastructure)) {
            HostDatabase host = new HostDatabase(pool);
            acme = Tenant.create(host, fake, "Acme", "alice", secrets, true);
            globex = Tenant.create(host, fake, "Globex", "bob", secrets, true);
            initech = Tenant.create(host, fake, "Initech", "carol", secrets, false);
        }
        node = OrchestratorNode.start(config, infrastructure);
        api = new ApiClient(node.apiUri());
    }

    @AfterAll
    static void stop() {
        node.close();
        infrastructure.close();
    }

    // (1) Seed the credentials of every organization.
    @Test
    void seedingAtStartUpWritesCredentialsForEveryOrganizationThatHasThem() {
        SeedReport report = node.seedReport();

        assertThat(report.organizations()).hasSize(3);
        for (Tenant t : List.of(acme, globex)) {
            assertThat(report.of(t.organization).orElseThrow().written()).containsExactlyInAnyOrder(
                    ScalewaySettings.PROJECT_ID, ScalewaySettings.SECRET_KEY, ScalewaySettings.ACCESS_KEY,
                    ScalewaySettings.ORGANIZATION_ID);
            assertThat(node.manager().settings().view(t.organization, "scaleway").missingRequired()).isEmpty();
        }
        assertThat(report.of(initech.organization).orElseThrow().skipped()).isTrue();
        assertThat(report.of(initech.organization).orElseThrow().missing())
                .contains(ScalewaySettings.PROJECT_ID, ScalewaySettings.SECRET_KEY);

        // Stored per organization; the secret only as ciphertext.
        assertThat(storedKeys(acme)).hasSize(4);
        assertThat(storedKeys(globex)).hasSize(4);
        assertThat(storedKeys(initech)).isEmpty();
        String ciphertext = new String(secretColumn(acme), StandardCharsets.ISO_8859_1);
        assertThat(ciphertext).isNotEmpty().doesNotContain(acme.secretKey);

        // Idempotent: seeding again (as a restart would) writes nothing.
        assertThat(OrchestratorNode.seed(config, node.manager()).writtenCount()).isZero();
    }

    // (2) A deployment in organization A uses A's credentials, one in B uses B's; (3) the resize finds them.
    @Test
    void eachDeploymentIsProvisionedWithItsOrganizationsCredentialsAndTheVolumeIsResized() {
        UUID a = deploy(acme, "GPU-3070-S", "fr-par-2", 150, "acme-creds");
        UUID b = deploy(globex, "L4-1-24G", "pl-waw-2", 250, "globex-creds");

        runUntil(node, () -> status(node, a) == Instance.Status.READY && status(node, b) == Instance.Status.READY);

        for (Object[] c : new Object[][] {{acme, a, 150L}, {globex, b, 250L}}) {
            Tenant tenant = (Tenant) c[0];
            Instance instance = node.instances().find((UUID) c[1]).orElseThrow();
            long size = (Long) c[2];
            // (3) the fake's volume really has the new size, and the row says so
            assertThat(fake.volume(UUID.fromString(instance.bootVolumeId())).orElseThrow().path("size").asLong())
                    .isEqualTo(size * GB);
            assertThat(instance.volumeSizeGb()).isEqualTo((int) size);
            // (2) every call on this instance's server and volume carried this organization's token
            List<RecordedRequest> calls = fake.requests().stream()
                    .filter(r -> r.path().contains(instance.providerServerId()) || r.path().contains(instance.bootVolumeId()))
                    .toList();
            assertThat(calls).isNotEmpty().allSatisfy(r -> assertThat(r.authToken()).isEqualTo(tenant.secretKey));
            assertThat(calls).anySatisfy(r -> {
                assertThat(r.method()).isEqualTo("PATCH");
                assertThat(r.path()).endsWith("/volumes/" + instance.bootVolumeId());
            });
            // the server was created with this organization's token, in its project
            RecordedRequest create = createRequest(instance.name());
            assertThat(create.authToken()).isEqualTo(tenant.secretKey);
            assertThat(create.body()).contains("\"project\":\"" + tenant.project + "\"");
        }
    }

    // (4) is DeploymentApiTest.userWithoutOrganizationGetsAClearErrorAndNothingIsWritten; here through the demo users.
    @Test
    void userWithoutOrganizationCannotDeploy() throws Exception {
        UUID nobody;
        try (HikariDataSource pool = OrchestratorNode.temporaryPool(infrastructure)) {
            nobody = new HostDatabase(pool).createUser("nobody", null);
        }
        long before = node.instances().count();

        ApiClient.Answer answer = api.deploy(nobody, body("DEV1-S", "fr-par-1", 20, "nobody-box"));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.error()).isEqualTo("missing_organization");
        assertThat(node.instances().count()).isEqualTo(before);
    }

    // (5) An organization without credentials: the instance fails with a clear message, no call is made.
    @Test
    void organizationWithoutCredentialsFailsTheInstanceWithAClearMessage() {
        UUID id = deploy(initech, "DEV1-S", "fr-par-1", 30, "initech-box");

        runUntil(node, () -> status(node, id) != Instance.Status.PROVISIONING);

        Instance row = node.instances().find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(Instance.Status.FAILED);
        assertThat(row.errorCode()).isEqualTo("missing_credentials");
        assertThat(row.errorMessage()).contains(initech.organization.toString(), "scaleway",
                ScalewaySettings.SECRET_KEY, "no fallback");
        ApiClient.Answer view = api.instance(initech.user, id);
        assertThat(view.body().path("status").asText()).isEqualTo("failed");
        assertThat(view.body().path("error_code").asText()).isEqualTo("missing_credentials");
        assertThat(fake.requests()).noneMatch(r -> r.body().contains("initech-box"));
    }

    @Test
    void instanceWithoutOrganizationFailsWithMissingOrganization() {
        UUID id = node.instances().insertLegacy(null, "legacy-box", "fr-par-1", "DEV1-S", 20);

        runUntil(node, () -> status(node, id) != Instance.Status.PROVISIONING);

        Instance row = node.instances().find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(Instance.Status.FAILED);
        assertThat(row.errorCode()).isEqualTo("missing_organization");
        assertThat(row.errorMessage()).contains(id.toString(), "no organization_id", "no fallback");
        assertThat(fake.requests()).noneMatch(r -> r.body().contains("legacy-box"));
    }

    @Test
    void terminationThroughTheApiRemovesTheServerAndItsBootVolume() {
        UUID id = deploy(acme, "DEV1-S", "fr-par-1", 40, "acme-doomed");
        runUntil(node, () -> status(node, id) == Instance.Status.READY);
        Instance ready = node.instances().find(id).orElseThrow();

        ApiClient.Answer answer = api.terminate(acme.user, id);
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body().path("status").asText()).isEqualTo("terminating");
        runUntil(node, () -> status(node, id) == Instance.Status.TERMINATED);

        assertThat(fake.server(UUID.fromString(ready.providerServerId()))).isEmpty();
        assertThat(fake.volume(UUID.fromString(ready.bootVolumeId()))).isEmpty();
        assertThat(fake.requests().stream().filter(r -> r.path().contains(ready.providerServerId())
                || r.path().contains(ready.bootVolumeId()))).allSatisfy(r -> assertThat(r.authToken()).isEqualTo(acme.secretKey));
        // DELETE again is harmless and says where the instance is
        assertThat(api.terminate(acme.user, id).body().path("status").asText()).isEqualTo("terminated");
    }

    @Test
    void watchdogTerminatesAnInstanceWhoseServerWasDeletedOutside_andReconciliationRemovesTheLeftoverVolume() {
        UUID id = deploy(globex, "DEV1-S", "fr-par-1", 25, "globex-vanishing");
        runUntil(node, () -> status(node, id) == Instance.Status.READY);
        Instance ready = node.instances().find(id).orElseThrow();
        ScalewayProvider scaleway = node.manager().get(globex.organization, "scaleway", ScalewayProvider.class);
        scaleway.serverAction("fr-par-1", ready.providerServerId(), ServerAction.TERMINATE);
        scaleway.waitForServerDeleted("fr-par-1", ready.providerServerId(), Duration.ofSeconds(20));

        runUntil(node, () -> status(node, id) == Instance.Status.TERMINATED
                && fake.volume(UUID.fromString(ready.bootVolumeId())).isEmpty());

        Instance gone = node.instances().find(id).orElseThrow();
        assertThat(gone.errorCode()).isEqualTo("server_gone");
        assertThat(gone.errorMessage()).contains(ready.providerServerId());
    }

    @Test
    void reconciliationReportsButNeverDeletesVolumesTheOrchestratorDidNotCreate() {
        ScalewayProvider scaleway = node.manager().get(acme.organization, "scaleway", ScalewayProvider.class);
        UUID id = deploy(acme, "DEV1-S", "fr-par-1", 20, "acme-zone-user");
        runUntil(node, () -> status(node, id) == Instance.Status.READY);
        Volume foreign = scaleway.createVolume("fr-par-1", CreateVolumeRequest.empty("someones-data", 10 * GB));
        scaleway.waitForVolume("fr-par-1", foreign.id(), Volume::isTerminal, Duration.ofSeconds(20));
        VolumeReconciliationJob job = node.jobs().stream().filter(j -> j instanceof VolumeReconciliationJob)
                .map(j -> (VolumeReconciliationJob) j).findFirst().orElseThrow();

        VolumeReconciliationJob.Outcome outcome = job.reconcile(acme.organization);

        assertThat(outcome.reported()).contains(foreign.id());
        assertThat(outcome.deleted()).doesNotContain(foreign.id());
        assertThat(fake.volume(UUID.fromString(foreign.id()))).isPresent();
        // the live instance's attached boot volume is not an orphan
        String bootVolume = node.instances().find(id).orElseThrow().bootVolumeId();
        assertThat(outcome.reported()).doesNotContain(bootVolume);
        assertThat(outcome.deleted()).doesNotContain(bootVolume);
    }

    @Test
    void aTransientProviderOutageIsRetriedWithoutCreatingASecondServer() {
        fake.faults().serverError(2, 503, "/instance/v1/zones/fr-par-2/servers");
        UUID id = deploy(globex, "GPU-3070-S", "fr-par-2", 60, "globex-flaky");

        runUntil(node, () -> status(node, id) != Instance.Status.PROVISIONING);

        assertThat(status(node, id)).isEqualTo(Instance.Status.READY);
        assertThat(fake.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/servers")
                && r.body().contains("globex-flaky"))).isNotEmpty();
        assertThat(fake.server(UUID.fromString(node.instances().find(id).orElseThrow().providerServerId()))).isPresent();
        long servers = countServersNamed(globex, "fr-par-2", "globex-flaky");
        assertThat(servers).isEqualTo(1);
    }

    @Test
    void aServerCreatedByAnEarlierAttemptIsAdoptedNotCreatedAgain() {
        // As if a node created the server and died before recording its id: the server carries the instance's tag.
        UUID id = node.instances().insertLegacy(acme.organization, "acme-adopted", "fr-par-1", "DEV1-S", 30);
        ScalewayProvider scaleway = node.manager().get(acme.organization, "scaleway", ScalewayProvider.class);
        Server earlier = scaleway.createServer("fr-par-1", CreateServerRequest.builder("acme-adopted", "DEV1-S")
                .image(infrastructure.serverImage())
                .volume(CreateServerRequest.VolumeTemplate.newSbs(20 * GB, true))
                .tags("instance=" + id)
                .build());

        runUntil(node, () -> status(node, id) != Instance.Status.PROVISIONING);

        Instance row = node.instances().find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(Instance.Status.READY);
        assertThat(row.providerServerId()).isEqualTo(earlier.id());
        assertThat(fake.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/servers")
                && r.body().contains("acme-adopted"))).hasSize(1);
        assertThat(fake.volume(UUID.fromString(row.bootVolumeId())).orElseThrow().path("size").asLong()).isEqualTo(30 * GB);
    }

    @Test
    void secretsNeverAppearInEventsErrorsOrApiAnswers() {
        UUID id = deploy(acme, "DEV1-S", "fr-par-1", 20, "acme-leakcheck");
        runUntil(node, () -> status(node, id) == Instance.Status.READY);

        List<String> texts = new ArrayList<>();
        EventLog.since(node.pool(), 0).forEach(e -> texts.add(e.message()));
        texts.add(api.instances(acme.user, null).body().toString());
        texts.add(api.instances(globex.user, null).body().toString());
        texts.add(node.manager().settings().view(acme.organization, "scaleway").toString());
        texts.add(config.toString());

        assertThat(texts).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain(acme.secretKey, globex.secretKey));
        assertThat(String.join("\n", texts)).contains(acme.accessKey); // the key id is shown, the secret is not
    }

    // ------------------------------------------------------------------ helpers

    private static UUID deploy(Tenant tenant, String type, String zone, int sizeGb, String name) {
        ApiClient.Answer answer = api.deploy(tenant.user, body(type, zone, sizeGb, name));
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
        return UUID.fromString(answer.body().path("instance").path("id").asText());
    }

    private static RecordedRequest createRequest(String name) {
        return fake.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().endsWith("/servers") && r.body().contains("\"" + name + "\""))
                .reduce((first, second) -> second).orElseThrow();
    }

    private static long countServersNamed(Tenant tenant, String zone, String name) {
        ScalewayProvider scaleway = node.manager().get(tenant.organization, "scaleway", ScalewayProvider.class);
        return scaleway.listServers(zone, null).stream().filter(s -> name.equals(s.name())).count();
    }

    private static List<String> storedKeys(Tenant tenant) {
        return Sql.withConnection(node.pool(), c -> {
            List<String> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key FROM provider_settings WHERE organization_id = ? ORDER BY key")) {
                ps.setObject(1, tenant.organization.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            return keys;
        });
    }

    private static byte[] secretColumn(Tenant tenant) {
        return Sql.withConnection(node.pool(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT secret_ciphertext FROM provider_settings"
                    + " WHERE organization_id = ? AND key = ? AND text_value IS NULL")) {
                ps.setObject(1, tenant.organization.value());
                ps.setString(2, ScalewaySettings.SECRET_KEY);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    return rs.getBytes(1);
                }
            }
        });
    }
}
