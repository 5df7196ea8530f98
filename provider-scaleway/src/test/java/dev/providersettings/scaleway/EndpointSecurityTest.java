package dev.providersettings.scaleway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.SecretSource;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Where an organization's secret key is sent is host configuration, never an organization's setting. */
@SuppressWarnings("deprecation") // writes the retired ScalewaySettings.API_URL on purpose
class EndpointSecurityTest {
    private final StubServer attacker = new StubServer(r -> StubServer.Answer.json(200, "{}"));
    private ProviderManager providers;

    @AfterEach
    void close() {
        if (providers != null) {
            providers.close();
        }
        attacker.close();
    }

    private ProviderManager manager(ScalewayProviderFactory factory, InMemoryCredentialStore store) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return ProviderManager.builder().store(store)
                .registry(ProviderRegistry.builder().register(factory).build())
                .cipher(new AesGcmSecretCipher(KeyRing.builder().primary("k1", key).build())).build();
    }

    @Test
    void anOrganizationCannotPointItsSecretAtAnotherHost() {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        OrganizationId org = OrganizationId.random();
        store.addOrganization(org);
        // The ServiceLoader-style factory: no host-level URL given.
        providers = manager(ScalewayProviderFactory.builder().retryPolicy(RetryPolicy.none())
                .connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(2)).build(), store);
        providers.settings().update("admin", org, "scaleway", SettingsUpdate.builder()
                .set(ScalewaySettings.PROJECT_ID, TestSupport.PROJECT.toString())
                .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(TestSupport.SECRET))
                .set(ScalewaySettings.ACCESS_KEY, TestSupport.ACCESS_KEY).build());

        // Someone allowed to write non-secret settings tries to redirect the stored secret (probe first).
        Throwable thrown = catchThrowable(() -> providers.settings().updateAfterProbe(
                "mallory", org, "scaleway", SettingsUpdate.builder()
                        .set(ScalewaySettings.API_URL, attacker.baseUrl()).build()));
        assertThat(attacker.received()).as("requests that reached the attacker's host").isEmpty();
        assertThat(thrown).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(ScalewaySettings.API_URL).hasMessageContaining("baseUrl")
                .hasMessageNotContaining(TestSupport.SECRET);

        // A plain update is refused the same way, and the client still talks to the host-configured endpoint.
        assertThatThrownBy(() -> providers.settings().update("mallory", org, "scaleway", SettingsUpdate.builder()
                .set(ScalewaySettings.API_URL, attacker.baseUrl()).build()))
                .isInstanceOf(InvalidSettingException.class);
        ScalewayProvider client = providers.get(org, "scaleway", ScalewayProvider.class);
        assertThat(client.baseUrl().toString()).isEqualTo(ScalewaySettings.DEFAULT_API_URL);
        assertThat(attacker.received()).isEmpty();

        // Seeding that finds the key (here an environment variable of that name) is refused the same way; the
        // scw CLI's SCW_API_URL is not looked up at all.
        assertThatThrownBy(() -> providers.seeder().seed("seed", "scaleway", SecretSource.environment(Map.of(
                "SCALEWAY_PROJECT_ID", TestSupport.PROJECT.toString(), "SCALEWAY_SECRET_KEY", TestSupport.SECRET,
                "SCALEWAY_API_URL", attacker.baseUrl())), List.of(org)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("baseUrl");
        providers.seeder().seed("seed", "scaleway", SecretSource.environment(Map.of(
                "SCALEWAY_PROJECT_ID", TestSupport.PROJECT.toString(), "SCALEWAY_SECRET_KEY", TestSupport.SECRET,
                "SCW_API_URL", attacker.baseUrl())), List.of(org));
        assertThat(store.load(org, ScalewayProviderFactory.CODE).settings()).doesNotContainKey(ScalewaySettings.API_URL);
        assertThat(attacker.received()).isEmpty();
    }

    @Test
    void aUrlStoredByAnOlderVersionIsIgnoredWithOneWarningAlsoByTheProbe() {
        // The legitimate endpoint: a stub standing in for the host's configured API, answering the probe's IAM calls.
        String apiKey = "{\"access_key\":\"" + TestSupport.ACCESS_KEY + "\",\"application_id\":\"a1a1a1a1-0000-4000-8000-000000000001\","
                + "\"default_project_id\":\"" + TestSupport.PROJECT + "\"}";
        String owner = "{\"id\":\"a1a1a1a1-0000-4000-8000-000000000001\",\"organization_id\":\"" + TestSupport.ORG + "\"}";
        String project = "{\"id\":\"" + TestSupport.PROJECT + "\",\"organization_id\":\"" + TestSupport.ORG + "\"}";
        try (StubServer api = new StubServer(r -> StubServer.Answer.json(200, r.path().contains("api-keys") ? apiKey
                : r.path().contains("applications") ? owner : project))) {
            InMemoryCredentialStore store = new InMemoryCredentialStore();
            OrganizationId a = OrganizationId.random();
            OrganizationId b = OrganizationId.random();
            store.addOrganization(a);
            store.addOrganization(b);
            providers = manager(ScalewayProviderFactory.builder().baseUrl(api.baseUrl()).allowInsecureEndpoint(true)
                    .retryPolicy(RetryPolicy.none()).build(), store);
            for (OrganizationId org : List.of(a, b)) {
                providers.settings().update("admin", org, "scaleway", SettingsUpdate.builder()
                        .set(ScalewaySettings.PROJECT_ID, TestSupport.PROJECT.toString())
                        .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(TestSupport.SECRET))
                        .set(ScalewaySettings.ACCESS_KEY, TestSupport.ACCESS_KEY)
                        .set(ScalewaySettings.ORGANIZATION_ID, TestSupport.ORG.toString()).build());
                // What a row written before the setting was retired looks like (straight into the store).
                store.save(new SettingsBatch(org, ScalewayProviderFactory.CODE, "old-version", List.of(new SettingWrite(
                        ScalewaySettings.API_URL, new StoredValue.Text(attacker.baseUrl()), SettingWrite.ANY_VERSION))));
            }

            Logger logger = (Logger) LoggerFactory.getLogger(ScalewayProviderFactory.class);
            ListAppender<ILoggingEvent> appender = new ListAppender<>();
            appender.start();
            logger.addAppender(appender);
            try {
                ScalewayProvider clientA = providers.get(a, "scaleway", ScalewayProvider.class);
                ScalewayProvider clientB = providers.get(b, "scaleway", ScalewayProvider.class);
                assertThat(clientA.baseUrl().toString()).isEqualTo(api.baseUrl());
                assertThat(clientB.baseUrl().toString()).isEqualTo(api.baseUrl());
                // The probe path: the stored secret is checked against the host's endpoint, never the stored URL.
                assertThat(providers.settings().probe(a, "scaleway").passed()).isTrue();
                providers.settings().updateAfterProbe("admin", a, "scaleway", SettingsUpdate.builder()
                        .set(ScalewaySettings.DEFAULT_ZONE, "nl-ams-1").build());
                clientA.getVolume("fr-par-1", "11111111-1111-1111-1111-111111111111");
            } finally {
                logger.detachAppender(appender);
            }
            assertThat(attacker.received()).isEmpty();
            assertThat(api.received()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.token()).isEqualTo(TestSupport.SECRET));
            List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage())
                    .contains(ScalewaySettings.API_URL, "is ignored", "baseUrl(", "remove(")
                    .doesNotContain(TestSupport.SECRET).doesNotContain(attacker.baseUrl());

            // Removing the old key needs no validation of its value and silences nothing else.
            providers.settings().update("admin", a, "scaleway", SettingsUpdate.builder()
                    .remove(ScalewaySettings.API_URL).build());
            assertThat(store.load(a, ScalewayProviderFactory.CODE).settings()).doesNotContainKey(ScalewaySettings.API_URL);
        }
    }
}
