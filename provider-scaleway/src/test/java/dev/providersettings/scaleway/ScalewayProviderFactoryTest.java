package dev.providersettings.scaleway;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.exception.ProviderCreationException;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.SettingDefinition;
import dev.providersettings.SettingType;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SuppressWarnings("deprecation") // checks how the retired ScalewaySettings.API_URL is handled
class ScalewayProviderFactoryTest {

    @Test
    void registeredThroughServiceLoader() {
        @SuppressWarnings("rawtypes")
        ServiceLoader<ProviderFactory> loader = ServiceLoader.load(ProviderFactory.class);
        assertThat(loader.stream().map(ServiceLoader.Provider::type).collect(Collectors.toList()))
                .contains(ScalewayProviderFactory.class);
        try (ScalewayProviderFactory f = new ScalewayProviderFactory()) {
            assertThat(f.code().value()).isEqualTo("scaleway");
            assertThat(f.clientType()).isEqualTo(ScalewayProvider.class);
        }
    }

    @Test
    void declaresTheSettingsSeedingNeeds() {
        try (ScalewayProviderFactory f = new ScalewayProviderFactory()) {
            Map<String, SettingDefinition> byKey = f.settings().stream()
                    .collect(Collectors.toMap(SettingDefinition::key, d -> d));
            SettingDefinition project = byKey.get(ScalewaySettings.PROJECT_ID);
            assertThat(project.isRequired()).isTrue();
            assertThat(project.environmentNames()).containsExactly("SCALEWAY_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID");
            assertThat(project.rule().check("not-a-uuid")).isPresent();
            assertThat(project.rule().check(UUID.randomUUID().toString())).isEmpty();

            SettingDefinition secret = byKey.get(ScalewaySettings.SECRET_KEY);
            assertThat(secret.type()).isEqualTo(SettingType.SECRET);
            assertThat(secret.isRequired()).isTrue();
            assertThat(secret.secretFile()).contains("scaleway_secret_key");
            assertThat(secret.environmentNames()).contains("SCW_SECRET_KEY");
            assertThat(secret.rule().check(Secret.of("nope"))).isPresent().get().asString().doesNotContain("nope");

            SettingDefinition access = byKey.get(ScalewaySettings.ACCESS_KEY);
            assertThat(access.secretFile()).contains("scaleway_access_key");
            assertThat(access.rule().check("SCWABCDEFGHIJ0123456")).isEmpty();
            assertThat(access.rule().check("SCWabc")).isPresent();
            assertThat(access.isRequired()).isFalse();

            assertThat(byKey.get(ScalewaySettings.ORGANIZATION_ID).environmentNames())
                    .contains("SCALEWAY_ORGANIZATION_ID", "SCW_DEFAULT_ORGANIZATION_ID");
            SettingDefinition zone = byKey.get(ScalewaySettings.DEFAULT_ZONE);
            assertThat(zone.defaultValue()).isEqualTo("fr-par-1");
            assertThat(zone.rule().check("nl-ams-3")).isEmpty();
            assertThat(zone.rule().check("mars-1")).isPresent();
            // Retired: declared only to refuse every value with the fix; never seeded from the environment.
            SettingDefinition url = byKey.get(ScalewaySettings.API_URL);
            assertThat(url.rule().check("https://api.scaleway.com")).get().asString()
                    .contains("no longer a per-organization setting", "baseUrl", "remove");
            assertThat(url.rule().check("http://127.0.0.1:8080")).isPresent();
            assertThat(url.environmentNames()).isEmpty();
            assertThat(url.defaultValue()).isNull();
            assertThat(url.isRequired()).isFalse();
        }
    }

    @Test
    void createsAClientFromSettings() {
        try (ScalewayProviderFactory f = new ScalewayProviderFactory()) {
            OrganizationId tenant = OrganizationId.random();
            ScalewayProvider p = f.create(TestSupport.settings(tenant, TestSupport.SECRET, TestSupport.ACCESS_KEY,
                    TestSupport.ORG, TestSupport.PROJECT));
            assertThat(p.tenant()).isEqualTo(tenant);
            assertThat(p.projectId()).isEqualTo(TestSupport.PROJECT);
            assertThat(p.organizationId()).contains(TestSupport.ORG);
            assertThat(p.accessKey()).contains(TestSupport.ACCESS_KEY);
            assertThat(p.defaultZone()).isEqualTo("fr-par-1");
            assertThat(p.baseUrl().toString()).isEqualTo("https://api.scaleway.com");
            assertThat(p.secretKeyFingerprint()).startsWith("fp:").isEqualTo(Secret.of(TestSupport.SECRET).fingerprint());
            assertThat(p.toString()).contains(TestSupport.PROJECT.toString(), TestSupport.ACCESS_KEY, "<masked")
                    .doesNotContain(TestSupport.SECRET);
        }
    }

    @Test
    void zoneFromSettingsUrlOnlyFromTheFactory() {
        ProviderSettings s = ProviderSettings.of(OrganizationId.random(), ScalewayProviderFactory.CODE, Map.of(
                ScalewaySettings.PROJECT_ID, TestSupport.PROJECT.toString(),
                ScalewaySettings.SECRET_KEY, Secret.of(TestSupport.SECRET),
                ScalewaySettings.DEFAULT_ZONE, "nl-ams-1",
                ScalewaySettings.API_URL, "http://127.0.0.1:9999"));   // as stored by an older version
        try (ScalewayProviderFactory f = new ScalewayProviderFactory()) {
            ScalewayProvider p = f.create(s);
            assertThat(p.defaultZone()).isEqualTo("nl-ams-1");
            assertThat(p.baseUrl().toString()).isEqualTo("https://api.scaleway.com");
            assertThat(f.baseUrl()).isSameAs(p.baseUrl());
            assertThat(p.organizationId()).isEmpty();
            assertThat(p.accessKey()).isEmpty();
        }
        try (ScalewayProviderFactory f = ScalewayProviderFactory.builder().baseUrl("https://scw-gateway.internal:8443/scw")
                .build()) {
            assertThat(f.create(s).baseUrl().toString()).isEqualTo("https://scw-gateway.internal:8443/scw");
        }
        try (ScalewayProviderFactory f = ScalewayProviderFactory.builder().baseUrl("http://localhost:1234")
                .allowInsecureEndpoint(true).build()) {
            assertThat(f.create(s).baseUrl().toString()).isEqualTo("http://localhost:1234");
        }
    }

    @Test
    void plainHttpNeedsAnExplicitOptIn() {
        for (String url : List.of("http://127.0.0.1:8080", "http://localhost:1", "http://scw-proxy.example")) {
            assertThatThrownBy(() -> ScalewayProviderFactory.builder().baseUrl(url).build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("plain http").hasMessageContaining("allowInsecureEndpoint(true)");
            try (ScalewayProviderFactory f = ScalewayProviderFactory.builder().baseUrl(url).allowInsecureEndpoint(true)
                    .build()) {
                assertThat(f.baseUrl().toString()).isEqualTo(url);
            }
        }
        // The opt-in does not make other schemes or URLs with credentials, queries or fragments acceptable.
        for (String url : List.of("ftp://api.scaleway.com", "https://user:pw@api.scaleway.com",
                "https://api.scaleway.com?x=1", "https://api.scaleway.com#f", "file:///etc/passwd", "api.scaleway.com")) {
            assertThatThrownBy(() -> ScalewayProviderFactory.builder().allowInsecureEndpoint(true).baseUrl(url))
                    .as(url).isInstanceOf(ConfigurationException.class).hasMessageNotContaining("pw");
        }
    }

    @Test
    void badSettingsGiveTypedExceptionsWithoutTheSecret() {
        try (ScalewayProviderFactory f = new ScalewayProviderFactory()) {
            ProviderSettings badProject = TestSupport.settings(OrganizationId.random(), TestSupport.SECRET, null, null, TestSupport.PROJECT);
            ProviderSettings s = ProviderSettings.of(badProject.organization(), ScalewayProviderFactory.CODE, Map.of(
                    ScalewaySettings.PROJECT_ID, "nope",
                    ScalewaySettings.SECRET_KEY, Secret.of(TestSupport.SECRET)));
            assertThatThrownBy(() -> f.create(s)).isInstanceOf(ProviderCreationException.class)
                    .hasMessageContaining(ScalewaySettings.PROJECT_ID).hasMessageNotContaining(TestSupport.SECRET);
            ProviderSettings noSecret = ProviderSettings.of(badProject.organization(), ScalewayProviderFactory.CODE, Map.of(
                    ScalewaySettings.PROJECT_ID, TestSupport.PROJECT.toString()));
            assertThatThrownBy(() -> f.create(noSecret)).isInstanceOf(dev.providersettings.exception.MissingCredentialsException.class)
                    .hasMessageContaining(ScalewaySettings.SECRET_KEY);
        }
        assertThatThrownBy(() -> ScalewayProviderFactory.builder().baseUrl("file:///etc/passwd"))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ScalewayProviderFactory.builder().requestTimeout(java.time.Duration.ZERO))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void closedFactoryRefusesToCreateAndInjectedClientIsUsed() {
        HttpClient client = HttpClient.newHttpClient();
        ScalewayProviderFactory f = ScalewayProviderFactory.builder().httpClient(client).build();
        ScalewayProvider p = f.create(TestSupport.settings());
        assertThat(p.transport().httpClient()).isSameAs(client);
        f.close();
        f.close();
        assertThatThrownBy(() -> f.create(TestSupport.settings())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("closed");
    }
}
