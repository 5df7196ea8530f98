package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.UnknownProviderException;

import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.providersettings.testing.TestProviderFactory.ACCESS_KEY;
import static dev.providersettings.testing.TestProviderFactory.CODE;
import static dev.providersettings.testing.TestProviderFactory.PROJECT_ID;
import static dev.providersettings.testing.TestProviderFactory.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The five scenarios of the origin plan, at core level. */
class OriginScenariosTest {
    private final TestWorld world = new TestWorld();

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void seedingWritesCredentialsForEveryOrganization(@TempDir Path secrets) throws IOException {
        String project = UUID.randomUUID().toString();
        Files.writeString(secrets.resolve("testcloud_secret_key"), "seeded-secret\n");
        Files.writeString(secrets.resolve("testcloud_access_key"), "SEEDEDACCESS\n");
        List<OrganizationId> organizations = List.of(world.organization(), world.organization(), world.organization());

        // The origin plan's shared credentials: secrets in files, the project id in the environment, one source.
        SeedReport report = world.manager.seeder().seed("seed", CODE, SecretSource.merged(
                SecretSource.directory(secrets), SecretSource.environment(Map.of("TESTCLOUD_PROJECT", project))));

        assertThat(report.organizations()).hasSize(3)
                .allSatisfy(result -> assertThat(result.source()).isEqualTo("directory " + secrets + " + environment"));
        assertThat(report.organizations()).allSatisfy(result ->
                assertThat(result.written()).containsExactlyInAnyOrder(PROJECT_ID, ACCESS_KEY, SECRET_KEY));
        for (OrganizationId organization : organizations) {
            TestClient client = world.client(organization);
            assertThat(client.organization()).isEqualTo(organization);
            assertThat(client.projectId()).isEqualTo(project);
            assertThat(client.accessKey()).isEqualTo("SEEDEDACCESS");
            assertThat(client.secretKey().reveal()).isEqualTo("seeded-secret");
        }
    }

    @Test
    void twoOrganizationsWithDifferentKeysEachGetTheirOwn() {
        OrganizationId first = world.organizationWithCredentials();
        OrganizationId second = world.organizationWithCredentials();

        TestClient a = world.client(first);
        TestClient b = world.client(second);

        assertThat(a.accessKey()).isEqualTo(TestProviderFactory.accessKey(first, "v1"));
        assertThat(a.secretKey()).isEqualTo(TestProviderFactory.secretKey(first, "v1"));
        assertThat(b.accessKey()).isEqualTo(TestProviderFactory.accessKey(second, "v1"));
        assertThat(b.secretKey()).isEqualTo(TestProviderFactory.secretKey(second, "v1"));
        assertThat(a.secretKey()).isNotEqualTo(b.secretKey());
    }

    @Test
    void aChangeIsVisibleAtOnce() {
        OrganizationId organization = world.organizationWithCredentials();
        TestClient before = world.client(organization);

        world.manager.settings().update("admin", organization, CODE, TestProviderFactory.credentials(organization, "v2"));

        TestClient after = world.client(organization);
        assertThat(after).isNotSameAs(before);
        assertThat(after.secretKey()).isEqualTo(TestProviderFactory.secretKey(organization, "v2"));
        assertThat(before.isClosed()).as("the replaced client is closed").isTrue();
    }

    @Test
    void noOrganizationIsAClearError() {
        world.organizationWithCredentials();

        // A nullable column passes null straight through: it compiles without a cast and is a typed error.
        Optional<OrganizationId> none = Optional.empty();
        assertThatThrownBy(() -> world.manager.get(none.orElse(null), CODE, TestClient.class))
                .isInstanceOf(MissingOrganizationException.class)
                .hasMessageContaining("no organization").hasMessageContaining("no fallback");
        assertThatThrownBy(() -> world.manager.get(null, CODE, TestClient.class))
                .isInstanceOf(MissingOrganizationException.class)
                .hasMessageContaining("no organization");
        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> world.client(unknown))
                .isInstanceOf(MissingOrganizationException.class)
                .hasMessageContaining(unknown.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void organizationWithoutCredentialsIsAClearError() {
        world.organizationWithCredentials();
        OrganizationId empty = world.organization();

        assertThatThrownBy(() -> world.client(empty))
                .isInstanceOf(MissingCredentialsException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining(CODE).hasMessageContaining("no settings")
                .satisfies(e -> assertThat(((MissingCredentialsException) e).missingKeys())
                        .containsExactly(PROJECT_ID, ACCESS_KEY, SECRET_KEY));

        OrganizationId partial = world.organization();
        world.manager.settings().update("admin", partial, CODE, SettingsUpdate.builder()
                .set(PROJECT_ID, TestProviderFactory.projectId(partial)).build());
        assertThatThrownBy(() -> world.client(partial))
                .isInstanceOf(MissingCredentialsException.class)
                .hasMessageContaining("incomplete settings")
                .satisfies(e -> assertThat(((MissingCredentialsException) e).missingKeys())
                        .containsExactly(ACCESS_KEY, SECRET_KEY));
        assertThat(world.factory.createCount()).isZero();
    }

    @Test
    void unknownProviderListsTheRegisteredOnes() {
        OrganizationId organization = world.organizationWithCredentials();
        assertThatThrownBy(() -> world.manager.get(organization, "aws", TestClient.class))
                .isInstanceOf(UnknownProviderException.class)
                .hasMessageContaining("aws").hasMessageContaining(TestProviderFactory.CODE);
        assertThatThrownBy(() -> world.manager.get(organization, "Not A Code", TestClient.class))
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> world.manager.get(organization, null, TestClient.class))
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> world.manager.get(organization, CODE, String.class))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(TestClient.class.getName());
    }
}
