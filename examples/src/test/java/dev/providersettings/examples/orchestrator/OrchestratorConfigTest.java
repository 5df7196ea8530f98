package dev.providersettings.examples.orchestrator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrchestratorConfigTest {

    @Test
    void defaultsAreTheDemoOnes() {
        OrchestratorConfig config = OrchestratorConfig.fromEnvironment(new Properties(), Map.of());

        assertThat(config.jdbcUrl()).isEmpty();
        assertThat(config.scalewayApiUrl()).isEmpty();
        assertThat(config.keyFile()).isEmpty();
        assertThat(config.keyText()).isEmpty();
        assertThat(config.seed()).isFalse();
        assertThat(config.httpPort()).isZero();
        assertThat(config.nodeId()).startsWith("node-");
    }

    @Test
    void environmentVariablesAreReadAndSystemPropertiesWin() {
        Properties properties = new Properties();
        properties.setProperty("orchestrator.http.port", "8081");
        Map<String, String> env = Map.of(
                "ORCHESTRATOR_JDBC_URL", "jdbc:postgresql://db:5432/app",
                "ORCHESTRATOR_JDBC_USER", "app",
                "ORCHESTRATOR_HTTP_PORT", "9999",
                "ORCHESTRATOR_SCALEWAY_API_URL", "https://api.scaleway.com",
                "ORCHESTRATOR_SEED", "true",
                "ORCHESTRATOR_SECRETS_DIR", "/run/secrets/orgs",
                "ORCHESTRATOR_KEY_FILE", "/run/secrets/provider_settings_key",
                "ORCHESTRATOR_WAIT_TIMEOUT_MS", "1500");

        OrchestratorConfig config = OrchestratorConfig.fromEnvironment(properties, env);

        assertThat(config.jdbcUrl()).contains("jdbc:postgresql://db:5432/app");
        assertThat(config.jdbcUser()).contains("app");
        assertThat(config.httpPort()).isEqualTo(8081);
        assertThat(config.scalewayApiUrl()).contains("https://api.scaleway.com");
        assertThat(config.seed()).isTrue();
        assertThat(config.secretsDir()).contains(Path.of("/run/secrets/orgs"));
        assertThat(config.keyFile()).contains(Path.of("/run/secrets/provider_settings_key"));
        assertThat(config.waitTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void passwordsAndKeysNeverPrint() {
        OrchestratorConfig config = OrchestratorConfig.builder()
                .jdbcUrl("jdbc:postgresql://db/app?user=app&password=hunter2")
                .jdbcPassword("hunter2")
                .keyText("k1:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=")
                .build();

        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("c2VjcmV0").contains("<masked>");
    }

    @Test
    void badValuesAreRejectedWithTheSettingNamed() {
        assertThatThrownBy(() -> OrchestratorConfig.fromEnvironment(new Properties(), Map.of("ORCHESTRATOR_SEED", "maybe")))
                .hasMessageContaining("orchestrator.seed").hasMessageContaining("true or false");
        assertThatThrownBy(() -> OrchestratorConfig.fromEnvironment(new Properties(), Map.of("ORCHESTRATOR_HTTP_PORT", "http")))
                .hasMessageContaining("orchestrator.http.port");
        assertThatThrownBy(() -> OrchestratorConfig.builder().seed(true).build())
                .hasMessageContaining("orchestrator.secrets.dir");
    }

    @Test
    void theRealEndpointNeedsAnImage() {
        OrchestratorConfig config = OrchestratorConfig.builder().scalewayApiUrl("https://api.scaleway.com").build();
        assertThatThrownBy(() -> Infrastructure.start(config)).hasMessageContaining("orchestrator.server.image");
    }
}
