package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API's contract for deployments: the organization comes from the user; bad input writes nothing. */
class DeploymentApiTest {
    private static final String VALID =
            "{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"gpu-one\"}";

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();

    private static Infrastructure infrastructure;
    private static OrchestratorNode node;
    private static ApiClient api;
    private static OrganizationId organization;
    private static UUID member;
    private static UUID loner;

    @BeforeAll
    static void start() {
        OrchestratorConfig config = TestSetup.config(DB, "api-test").build();
        infrastructure = Infrastructure.start(config);
        node = OrchestratorNode.start(config, infrastructure);
        api = new ApiClient(node.apiUri());
        organization = node.host().createOrganization("api-test-org");
        member = node.host().createUser("member", organization);
        loner = node.host().createUser("loner", null);
    }

    @AfterAll
    static void stop() {
        node.close();
        infrastructure.close();
    }

    @Test
    void deploymentWritesTheInstanceWithTheUsersOrganization() {
        ApiClient.Answer answer = api.deploy(member, VALID);

        assertThat(answer.status()).isEqualTo(201);
        UUID id = UUID.fromString(answer.body().get("instance").get("id").asText());
        Instance row = node.instances().find(id).orElseThrow();
        assertThat(row.organization()).isEqualTo(organization);
        assertThat(row.status()).isEqualTo(Instance.Status.PROVISIONING);
        assertThat(row.requestedVolumeSizeGb()).isEqualTo(100);
        assertThat(row.commercialType()).isEqualTo("GPU-3070-S");
        assertThat(api.instance(member, id).body().get("organization_id").asText()).isEqualTo(organization.toString());
    }

    @Test
    void userWithoutOrganizationGetsAClearErrorAndNothingIsWritten() {
        long before = node.instances().count();

        ApiClient.Answer answer = api.deploy(loner, VALID);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.error()).isEqualTo("missing_organization");
        assertThat(answer.message()).contains("no current organization").contains(loner.toString());
        assertThat(node.instances().count()).isEqualTo(before);
    }

    @Test
    void missingOrUnknownUserIs401() {
        long before = node.instances().count();
        assertThat(api.deploy(null, VALID).status()).isEqualTo(401);
        assertThat(api.deploy(UUID.randomUUID(), VALID).error()).isEqualTo("unauthenticated");
        assertThat(node.instances().count()).isEqualTo(before);
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",", "malformed_json"),
                Arguments.of("not json", "malformed_json"),
                Arguments.of("", "malformed_json"),
                Arguments.of("[1,2]", "invalid_body"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"x\",\"gpus\":8}", "unknown_field"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":\"100\",\"name\":\"x\"}", "invalid_type"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100.5,\"name\":\"x\"}", "invalid_type"),
                Arguments.of("{\"instance_type\":42,\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"x\"}", "invalid_type"),
                Arguments.of("{\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"x\"}", "missing_field"),
                Arguments.of("{\"instance_type\":\"GPU-9999\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"x\"}", "unknown_instance_type"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"mars-1\",\"volume_size_gb\":100,\"name\":\"x\"}", "unknown_zone"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"nl-ams-1\",\"volume_size_gb\":100,\"name\":\"x\"}", "instance_type_not_in_zone"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":5,\"name\":\"x\"}", "invalid_volume_size"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"Bad Name\"}", "invalid_name"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"instance_type\":\"DEV1-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"x\"}", "malformed_json"),
                Arguments.of("{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":100,\"name\":\"x\"} {}", "malformed_json"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badBodies")
    void badRequestsAre400WithAJsonErrorAndWriteNothing(String body, String expectedError) {
        long before = node.instances().count();

        ApiClient.Answer answer = api.deploy(member, body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.error()).isEqualTo(expectedError);
        assertThat(answer.message()).isNotBlank();
        assertThat(node.instances().count()).isEqualTo(before);
    }

    @Test
    void instancesOfAnotherOrganizationAreInvisible() {
        OrganizationId other = node.host().createOrganization("other");
        UUID stranger = node.host().createUser("stranger", other);
        UUID id = UUID.fromString(api.deploy(member, VALID).body().get("instance").get("id").asText());

        assertThat(api.instance(stranger, id).status()).isEqualTo(404);
        assertThat(api.terminate(stranger, id).status()).isEqualTo(404);
        assertThat(api.instances(stranger, organization.toString()).status()).isEqualTo(403);
        assertThat(api.instances(stranger, null).body().get("instances")).isEmpty();
        assertThat(api.instances(member, organization.toString()).body().get("instances").size()).isGreaterThanOrEqualTo(1);
    }
}
