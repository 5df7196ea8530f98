package dev.providersettings.postgres.testing;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.PostgresCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test harness itself: the three ways to get a server, and the extension's parameter injection. */
@ExtendWith(PostgresTestDatabase.class)
class PostgresTestDatabaseTest {

    @Test
    void injectsAMigratedSchemaWithOrganizations(PostgresTestDatabase db, DataSource dataSource) throws Exception {
        assertThat(dataSource).isSameAs(db.dataSource());
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM " + db.schema() + ".provider_settings")) {
            r.next();
            assertThat(r.getInt(1)).isZero();
        }
        OrganizationId org = db.createOrganization();
        try (PostgresCredentialStore store = db.storeBuilder().build()) {
            assertThat(store.load(org, dev.providersettings.ProviderCode.of("scaleway")).organizationExists()).isTrue();
        }
    }

    @Test
    void aJdbcUrlFromTheEnvironmentWins() {
        TestServer server = PostgresTestDatabase.chooseServer(Map.of(
                PostgresTestDatabase.URL_ENV, "jdbc:postgresql://db.example:5432/test",
                PostgresTestDatabase.USER_ENV, "tester",
                PostgresTestDatabase.PASSWORD_ENV, "pw-do-not-print"), properties("testcontainers"));
        assertThat(server.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/test");
        assertThat(server.user()).isEqualTo("tester");
        assertThat(server.toString()).doesNotContain("pw-do-not-print");
    }

    @Test
    void aServerGivenByUrlGetsItsOwnMigratedSchema(PostgresTestDatabase shared) {
        // the shared embedded server stands in for "any server"
        PostgresTestDatabase byUrl = new PostgresTestDatabase(Map.of(
                PostgresTestDatabase.URL_ENV, shared.jdbcUrl(),
                PostgresTestDatabase.USER_ENV, shared.user(),
                PostgresTestDatabase.PASSWORD_ENV, shared.password()), new Properties());
        byUrl.start();
        try {
            assertThat(byUrl.schema()).isNotEqualTo(shared.schema());
            OrganizationId org = byUrl.createOrganization();
            try (PostgresCredentialStore store = byUrl.storeBuilder().build()) {
                assertThat(store.load(org, dev.providersettings.ProviderCode.of("scaleway")).organizationExists()).isTrue();
            }
        } finally {
            byUrl.stop();
        }
        assertThatThrownBy(byUrl::dataSource).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void testcontainersWithoutDockerFailsWithAClearMessage() {
        assertThatThrownBy(() -> PostgresTestDatabase.chooseServer(Map.of(), properties("testcontainers")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Docker")
                .hasMessageContaining("remove the property");
    }

    @Test
    void anUnknownModeIsExplained() {
        assertThatThrownBy(() -> PostgresTestDatabase.chooseServer(Map.of(), properties("oracle")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'embedded'").hasMessageContaining("'testcontainers'");
    }

    @Test
    void usingItBeforeStartIsExplained() {
        assertThatThrownBy(() -> new PostgresTestDatabase().dataSource())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("@RegisterExtension");
    }

    private static Properties properties(String mode) {
        Properties properties = new Properties();
        properties.setProperty(PostgresTestDatabase.MODE_PROPERTY, mode);
        return properties;
    }
}
