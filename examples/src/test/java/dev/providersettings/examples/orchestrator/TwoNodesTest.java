package dev.providersettings.examples.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.Secret;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.providersettings.examples.orchestrator.Jobs.awaitCondition;
import static dev.providersettings.examples.orchestrator.Jobs.body;
import static dev.providersettings.examples.orchestrator.Jobs.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two orchestrator nodes (two pools, two credential stores with their change feeds, two provider managers, two job
 * runners on their own threads) on one database: every instance is provisioned exactly once, with its own
 * organization's credentials, and a credential change written through one node reaches the other.
 */
class TwoNodesTest {
    private static final int PER_ORGANIZATION = 6;

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();
    @TempDir
    static Path secrets;

    private static Infrastructure infrastructure;
    private static OrchestratorNode first;
    private static OrchestratorNode second;
    private static FakeScaleway fake;
    private static Tenant acme;
    private static Tenant globex;

    @BeforeAll
    static void start() throws Exception {
        OrchestratorConfig config = TestSetup.config(DB, "node-a").seed(true).secretsDir(secrets)
                .jobInterval(Duration.ofMillis(20)).healthInterval(Duration.ofSeconds(30)).build();
        infrastructure = Infrastructure.start(config);
        fake = infrastructure.fake().orElseThrow();
        OrchestratorNode.migrate(infrastructure);
        try (HikariDataSource pool = OrchestratorNode.temporaryPool(infrastructure)) {
            HostDatabase host = new HostDatabase(pool);
            acme = Tenant.create(host, fake, "Acme", "alice", secrets, true);
            globex = Tenant.create(host, fake, "Globex", "bob", secrets, true);
        }
        first = OrchestratorNode.start(config, infrastructure);
        second = OrchestratorNode.start(config.withNodeId("node-b"), infrastructure);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
        infrastructure.close();
    }

    @Test
    void twoNodesProvisionEveryInstanceExactlyOnceWithItsOrganizationsCredentials() {
        ApiClient apiA = new ApiClient(first.apiUri());
        ApiClient apiB = new ApiClient(second.apiUri());
        Map<UUID, Tenant> owner = new java.util.LinkedHashMap<>();
        for (int i = 0; i < PER_ORGANIZATION; i++) {
            // deployments arrive on both nodes' APIs
            owner.put(deploy(i % 2 == 0 ? apiA : apiB, acme, "acme-" + i), acme);
            owner.put(deploy(i % 2 == 0 ? apiB : apiA, globex, "globex-" + i), globex);
        }

        first.startJobs();
        second.startJobs();
        awaitCondition(() -> owner.keySet().stream().allMatch(id -> status(first, id) == Instance.Status.READY));

        List<RecordedRequest> creations = fake.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().endsWith("/servers")).toList();
        assertThat(creations).hasSize(owner.size());
        List<RecordedRequest> resizes = fake.requests().stream().filter(r -> r.method().equals("PATCH")).toList();
        assertThat(resizes).hasSize(owner.size());
        // one "created server" event per instance, whichever node did it
        Map<UUID, Long> created = EventLog.since(first.pool(), 0).stream()
                .filter(e -> e.job().equals(ProvisioningJob.NAME) && e.message().startsWith("created server"))
                .collect(Collectors.groupingBy(EventLog.Event::instance, Collectors.counting()));
        assertThat(created).hasSize(owner.size()).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        for (Map.Entry<UUID, Tenant> e : owner.entrySet()) {
            Instance instance = first.instances().find(e.getKey()).orElseThrow();
            RecordedRequest create = creations.stream().filter(r -> r.body().contains("\"" + instance.name() + "\""))
                    .findFirst().orElseThrow();
            assertThat(create.authToken()).isEqualTo(e.getValue().secretKey);
            assertThat(fake.requests().stream().filter(r -> r.path().contains(instance.providerServerId())))
                    .allSatisfy(r -> assertThat(r.authToken()).isEqualTo(e.getValue().secretKey));
        }
    }

    @Test
    void aCredentialChangeWrittenThroughOneNodeReachesTheOther() {
        // Both nodes have Globex's provider cached.
        assertThat(first.manager().get(globex.organization, "scaleway", ScalewayProvider.class).secretKeyFingerprint())
                .isEqualTo(Secret.of(globex.secretKey).fingerprint());
        assertThat(second.manager().get(globex.organization, "scaleway", ScalewayProvider.class).secretKeyFingerprint())
                .isEqualTo(Secret.of(globex.secretKey).fingerprint());

        // Globex rotates its Scaleway key through node A.
        String newSecret = UUID.randomUUID().toString();
        String newAccess = "SCW" + UUID.randomUUID().toString().replace("-", "").toUpperCase(java.util.Locale.ROOT).substring(0, 17);
        fake.addApiKey(newAccess, newSecret, globex.project, globex.project);
        first.manager().settings().update("rotation-test", globex.organization, "scaleway", SettingsUpdate.builder()
                .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(newSecret))
                .set(ScalewaySettings.ACCESS_KEY, newAccess)
                .build());

        // Node B sees it through the store's change feed, within a bound.
        String expected = Secret.of(newSecret).fingerprint();
        awaitCondition(() -> expected.equals(
                second.manager().get(globex.organization, "scaleway", ScalewayProvider.class).secretKeyFingerprint()));
        List<String> accessKeys = new ArrayList<>();
        for (OrchestratorNode node : List.of(first, second)) {
            accessKeys.add(node.manager().get(globex.organization, "scaleway", ScalewayProvider.class).accessKey().orElseThrow());
        }
        assertThat(accessKeys).containsOnly(newAccess);
        // Acme is untouched.
        assertThat(second.manager().get(acme.organization, "scaleway", ScalewayProvider.class).secretKeyFingerprint())
                .isEqualTo(Secret.of(acme.secretKey).fingerprint());
    }

    private static UUID deploy(ApiClient api, Tenant tenant, String name) {
        ApiClient.Answer answer = api.deploy(tenant.user, body("DEV1-S", "fr-par-1", 30, name));
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
        return UUID.fromString(answer.body().path("instance").path("id").asText());
    }
}
