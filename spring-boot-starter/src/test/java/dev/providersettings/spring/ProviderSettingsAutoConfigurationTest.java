package dev.providersettings.spring;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.SettingsService;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.metrics.ProviderSettingsMetrics;
import dev.providersettings.postgres.metrics.ChangeFeedMetrics;
import dev.providersettings.scaleway.metrics.ScalewayCallMetrics;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spring.internal.ProviderSettingsFailureAnalyzer;
import dev.providersettings.spring.internal.StartupSeeding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderSettingsAutoConfigurationTest {
    /** A real 32-byte key; the tests check it never appears in health details or failure reports. */
    static final String KEY_BASE64 = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    static final String KEY_RING = "k1:" + KEY_BASE64;
    static final String SECRET_KEY = "6f1c3a5e-8d2b-4c7a-9e0f-1a2b3c4d5e6f";

    private final ApplicationContextRunner base = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ProviderSettingsAutoConfiguration.class,
                    ProviderSettingsHealthAutoConfiguration.class, ProviderSettingsMetricsAutoConfiguration.class));

    private ApplicationContextRunner onNewDatabase(String url) {
        return base.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class)).withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres",
                "spring.datasource.password=postgres", "provider-settings.key-ring.inline=" + KEY_RING);
    }

    @Test
    void wiresEverythingOnTheApplicationsDataSourceAndResolvesPerOrganization() {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url)
                .withPropertyValues("provider-settings.store.create-organizations-table=true",
                        "provider-settings.scaleway.base-url=http://127.0.0.1:1",
                        "provider-settings.scaleway.allow-insecure-endpoint=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(PostgresCredentialStore.class).hasSingleBean(ProviderManager.class)
                            .hasSingleBean(SettingsService.class).hasSingleBean(ProviderRegistry.class)
                            .hasSingleBean(KeyRing.class).hasSingleBean(ProviderSettingsSchemaInitializer.class)
                            .hasSingleBean(ProviderSettingsMetrics.class).hasSingleBean(ChangeFeedMetrics.class)
                            .hasSingleBean(ScalewayCallMetrics.class);
                    assertThat(context.getBean(ProviderSettingsSchemaInitializer.class).appliedMigrations()).isPositive();
                    // the configured factory bean replaced the ServiceLoader one
                    ScalewayProviderFactory factory = context.getBean(ScalewayProviderFactory.class);
                    assertThat(context.getBean(ProviderRegistry.class).factory("scaleway")).isSameAs(factory);

                    ProviderManager manager = context.getBean(ProviderManager.class);
                    OrganizationId org = OrganizationId.of(insertOrganization(url, false));
                    UUID project = UUID.randomUUID();
                    manager.settings().update("test", org, "scaleway", SettingsUpdate.builder()
                            .set(ScalewaySettings.PROJECT_ID, project.toString())
                            .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(SECRET_KEY)).build());
                    ScalewayProvider provider = manager.get(org, "scaleway", ScalewayProvider.class);
                    assertThat(provider.projectId()).isEqualTo(project);
                    assertThat(provider.tenant()).isEqualTo(org);
                    // ciphertext only in the database
                    assertThat(selectAll(url, "select * from provider_settings")).doesNotContain(SECRET_KEY);
                    // the change feed listens on its own connection
                    assertThat(context.getBean(PostgresCredentialStore.class).isChangeFeedListening()).isTrue();
                });
    }

    @Test
    void runsAfterBootsOwnFlywayWhichCreatesTheOrganizationsTable() {
        String url = TestDatabases.newDatabase();
        ApplicationContextRunner withBootFlyway = onNewDatabase(url)
                .withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                // a host bean that needs our table at start-up and is declared before anything else
                .withUserConfiguration(EagerHostReader.class);
        withBootFlyway.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(EagerHostReader.class).providerSettingsRows).isZero();
            assertThat(selectAll(url, "select version from flyway_schema_history")).contains("1");
            assertThat(selectAll(url, "select version from provider_settings_schema_history")).contains("4");
        });
        // a second start on the migrated database: both histories are up to date, nothing fails
        withBootFlyway.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ProviderSettingsSchemaInitializer.class).appliedMigrations()).isZero();
        });
    }

    @Test
    void applicationBeansReplaceEachPart() {
        base.withUserConfiguration(OwnStoreAndCipher.class)
                .withPropertyValues("provider-settings.change-feed.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // no DataSource, no key ring configured: the application's own store and cipher are used
                    assertThat(context).doesNotHaveBean(PostgresCredentialStore.class)
                            .doesNotHaveBean(ProviderSettingsSchemaInitializer.class).doesNotHaveBean(KeyRing.class);
                    assertThat(context.getBean(CredentialStore.class)).isInstanceOf(InMemoryCredentialStore.class);
                    ProviderManager manager = context.getBean(ProviderManager.class);
                    OrganizationId org = context.getBean(OwnStoreAndCipher.class).organization;
                    manager.settings().update("test", org, "scaleway", SettingsUpdate.builder()
                            .set(ScalewaySettings.PROJECT_ID, UUID.randomUUID().toString())
                            .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(SECRET_KEY)).build());
                    assertThat(manager.get(org, "scaleway", ScalewayProvider.class).tenant()).isEqualTo(org);
                });
    }

    @Test
    void keyRingPrimaryPropertyChoosesTheKeyThatEncrypts() {
        String second = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        base.withUserConfiguration(OwnStoreOnly.class)
                .withPropertyValues("provider-settings.key-ring.inline=k1:" + KEY_BASE64 + ",k2:" + second,
                        "provider-settings.change-feed.enabled=false")
                .run(context -> assertThat(context.getBean(dev.providersettings.spi.SecretCipher.class).primaryKeyId())
                        .isEqualTo("k1"));
        base.withUserConfiguration(OwnStoreOnly.class)
                .withPropertyValues("provider-settings.key-ring.inline=k1:" + KEY_BASE64 + ",k2:" + second,
                        "provider-settings.key-ring.primary=k2", "provider-settings.change-feed.enabled=false")
                .run(context -> {
                    assertThat(context.getBean(KeyRing.class).keyIds()).containsExactlyInAnyOrder("k1", "k2");
                    assertThat(context.getBean(dev.providersettings.spi.SecretCipher.class).primaryKeyId()).isEqualTo("k2");
                });
    }

    @Test
    void disabledStarterCreatesNothing() {
        base.withPropertyValues("provider-settings.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ProviderManager.class));
    }

    @Test
    void missingKeyRingFailsWithThePropertyAndTheFix() {
        String url = TestDatabases.newDatabase();
        base.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres",
                "spring.datasource.password=postgres").run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("provider-settings.key-ring.file", "no key ring is configured");
            assertThat(analysis.getAction()).contains("provider-settings.key-ring.file=/run/secrets/provider_settings_key",
                    "provider-settings.key-ring.environment-variable");
        });
    }

    @Test
    void malformedKeyRingNamesThePropertyWithoutTheKey() {
        String url = TestDatabases.newDatabase();
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        onNewDatabase(url).withPropertyValues("provider-settings.key-ring.inline=k1:" + shortKey).run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("provider-settings.key-ring.inline", "k1", "32");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(shortKey);
        });
    }

    @Test
    void keysPutWhereAnEnvironmentVariableNameBelongsAreNotEchoed() {
        String url = TestDatabases.newDatabase();
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        onNewDatabase(url).withPropertyValues("provider-settings.key-ring.inline=",
                "provider-settings.key-ring.environment-variable=k1:" + key).run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("provider-settings.key-ring.environment-variable");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(key);
        });
    }

    @Test
    void invalidPropertiesFailStartUpNamingTheProperty() {
        String url = TestDatabases.newDatabase();
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.cache.ttl=0s"),
                "provider-settings.cache.ttl", "10m");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.cache.refresh-after=20m"),
                "provider-settings.cache.refresh-after", "shorter than the TTL");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.store.organizations-table=orgs; drop table x"),
                "provider-settings.store.organizations-table", "public.organizations");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.change-feed.url=postgres://x"),
                "provider-settings.change-feed.url", "jdbc:postgresql://");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.scaleway.base-url=ftp://x"),
                "provider-settings.scaleway.base-url", "https://api.scaleway.com");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.scaleway.base-url=http://10.0.0.1"),
                "provider-settings.scaleway.base-url", "allow-insecure-endpoint=true");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.key-ring.primary=k9"),
                "provider-settings.key-ring.primary", "[k1]");
        assertFailure(onNewDatabase(url).withPropertyValues("provider-settings.metrics.organization-tag.max-values=0"),
                "provider-settings.metrics.organization-tag.max-values", "bounded");
    }

    @Test
    void unreachableDatabaseFailsStartUpNamingTheDataSourceProperties() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        onNewDatabase("jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere")
                .withPropertyValues("spring.datasource.hikari.connection-timeout=1000").run(context -> {
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("could not reach its Postgres database");
                    assertThat(analysis.getAction()).contains("spring.datasource.url");
                });
    }

    @Test
    void missingOrganizationsTableFailsStartUpWithTheFix() {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url).run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("migrations failed", "organizations");
            assertThat(analysis.getAction()).contains("provider-settings.");
        });
    }

    @Test
    void healthIsUpWithDetailsAndNeverShowsKeyMaterial() {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url).withPropertyValues("provider-settings.store.create-organizations-table=true").run(context -> {
            Health health = context.getBean(ProviderSettingsHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("store", "reachable");
            assertThat(health.getDetails().get("changeFeed").toString()).contains("listening=true", "reconnects=0",
                    "lastVerifiedAt=");
            assertThat(health.getDetails().get("keyRing").toString()).contains("primaryKeyId=k1", "primaryUsable=true");
            assertThat(health.toString()).doesNotContain(KEY_BASE64);
        });
    }

    @Test
    void healthIsDownWhenTheStoreIsUnreachableAndUpWhenTheChangeFeedIsOff() {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url).withPropertyValues("provider-settings.store.create-organizations-table=true",
                "provider-settings.change-feed.enabled=false", "spring.datasource.hikari.connection-timeout=1000")
                .run(context -> {
                    ProviderSettingsHealthIndicator indicator = context.getBean(ProviderSettingsHealthIndicator.class);
                    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                    assertThat(indicator.health().getDetails()).doesNotContainKey("changeFeed");
                    context.getBean(com.zaxxer.hikari.HikariDataSource.class).close();
                    Health down = indicator.health();
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(down.getDetails().get("store").toString()).startsWith("unavailable:");
                    assertThat(down.toString()).doesNotContain("password", KEY_BASE64);
                });
    }

    @Test
    void healthIndicatorAndMetricsCanBeSwitchedOff() {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url).withPropertyValues("provider-settings.store.create-organizations-table=true",
                "management.health.provider-settings.enabled=false", "provider-settings.metrics.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ProviderSettingsHealthIndicator.class)
                        .doesNotHaveBean(ProviderSettingsMetrics.class).hasSingleBean(ProviderManager.class));
    }

    @Test
    void closingTheContextClosesTheManagerAndStopsTheChangeFeed() {
        String url = TestDatabases.newDatabase();
        ProviderManager[] manager = new ProviderManager[1];
        PostgresCredentialStore[] store = new PostgresCredentialStore[1];
        onNewDatabase(url).withPropertyValues("provider-settings.store.create-organizations-table=true").run(context -> {
            manager[0] = context.getBean(ProviderManager.class);
            store[0] = context.getBean(PostgresCredentialStore.class);
            assertThat(store[0].isChangeFeedListening()).isTrue();
        });
        assertThat(store[0].isChangeFeedListening()).isFalse();
        assertThatThrownBy(() -> manager[0].get(OrganizationId.random(), "scaleway", ScalewayProvider.class))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("closed");
        assertThatThrownBy(store[0]::listOrganizations).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void seedsEveryOrganizationFromPerOrganizationFilesOnStartUp(@TempDir Path secrets) throws Exception {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url).withPropertyValues("provider-settings.store.create-organizations-table=true").run(c -> { });
        UUID first = insertOrganization(url, false);
        UUID second = insertOrganization(url, false);
        for (UUID org : List.of(first, second)) {
            Path dir = Files.createDirectories(secrets.resolve(org.toString()));
            Files.writeString(dir.resolve("scaleway_secret_key"), UUID.randomUUID() + "\n");
            Files.writeString(dir.resolve("scaleway_project_id"), UUID.randomUUID() + "\n");
        }
        ApplicationContextRunner seeding = onNewDatabase(url).withPropertyValues(
                "provider-settings.seeding.enabled=true",
                "provider-settings.seeding.environment=false",
                "provider-settings.seeding.per-organization-directory=" + secrets);
        seeding.run(context -> {
            assertThat(context).hasNotFailed();
            StartupSeeding report = context.getBean(StartupSeeding.class);
            assertThat(report.reports()).singleElement().satisfies(r -> {
                assertThat(r.organizations()).hasSize(2);
                assertThat(r.writtenCount()).isEqualTo(4);
            });
            ProviderManager manager = context.getBean(ProviderManager.class);
            String expectedProject = Files.readString(secrets.resolve(second + "/scaleway_project_id")).strip();
            assertThat(manager.get(OrganizationId.of(second), "scaleway", ScalewayProvider.class).projectId())
                    .hasToString(expectedProject);
        });
        // idempotent: a restart writes nothing
        seeding.run(context -> assertThat(context.getBean(StartupSeeding.class).reports().get(0).writtenCount()).isZero());
    }

    @Test
    void seedingAnOrganizationWithoutValuesStopsStartUpUnlessSkipped(@TempDir Path empty) {
        String url = TestDatabases.newDatabase();
        onNewDatabase(url).withPropertyValues("provider-settings.store.create-organizations-table=true").run(c -> { });
        insertOrganization(url, false);
        ApplicationContextRunner seeding = onNewDatabase(url).withPropertyValues(
                "provider-settings.seeding.enabled=true", "provider-settings.seeding.environment=false",
                "provider-settings.seeding.directories=" + empty);
        seeding.run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("SCALEWAY_SECRET_KEY");
        });
        seeding.withPropertyValues("provider-settings.seeding.skip-incomplete=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(StartupSeeding.class).reports().get(0).skipped()).hasSize(1);
        });
    }

    private static void assertFailure(ApplicationContextRunner runner, String property, String fix) {
        runner.run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains(property);
            assertThat(analysis.getAction()).contains(property, fix);
        });
    }

    static FailureAnalysis analyze(Throwable failure) {
        assertThat(failure).as("start-up should have failed").isNotNull();
        FailureAnalysis analysis = new ProviderSettingsFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(KEY_BASE64);
        return analysis;
    }

    static UUID insertOrganization(String url, boolean withName) {
        UUID id = UUID.randomUUID();
        TestDatabases.execute(TestDatabases.databaseOf(url), withName
                ? "insert into organizations (id, name) values ('" + id + "', 'org')"
                : "insert into organizations (id) values ('" + id + "')");
        return id;
    }

    static String selectAll(String url, String sql) {
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            StringBuilder out = new StringBuilder();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    out.append(rs.getString(i)).append('|');
                }
                out.append('\n');
            }
            return out.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A host bean that reads the library's table while the context starts. */
    @Configuration(proxyBeanMethods = false)
    static class EagerHostReader {
        int providerSettingsRows = -1;

        @Bean
        @DependsOnDatabaseInitialization
        Object hostStartupQuery(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from provider_settings")) {
                rs.next();
                providerSettingsRows = rs.getInt(1);
            }
            return new Object();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStoreOnly {
        @Bean
        CredentialStore inMemoryStore() {
            return new InMemoryCredentialStore();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStoreAndCipher {
        final OrganizationId organization = OrganizationId.random();

        @Bean
        CredentialStore inMemoryStore() {
            InMemoryCredentialStore store = new InMemoryCredentialStore();
            store.addOrganization(organization);
            return store;
        }

        @Bean
        dev.providersettings.spi.SecretCipher cipher() {
            return new dev.providersettings.AesGcmSecretCipher(KeyRing.builder().primary("own", new byte[32]).build());
        }
    }
}
