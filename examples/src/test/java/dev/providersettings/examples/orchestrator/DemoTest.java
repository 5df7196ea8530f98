package dev.providersettings.examples.orchestrator;

import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's main command runs to completion and shows what it promises. */
class DemoTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();

    @Test
    void demoRunsToCompletionAndShowsTheCredentialsUsedAndTheTwoErrors() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        boolean ok;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            ok = Demo.run(TestSetup.config(DB, "demo-test").build(), out);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);

        assertThat(output).doesNotContain("[UNEXPECTED]");
        assertThat(ok).as(output).isTrue();
        assertThat(output)
                .contains("[ok] seeding wrote Acme and Globex, skipped Initech")
                .contains("HTTP 422 missing_organization")
                .contains("failed: missing_credentials")
                .contains("[ok] every call on Acme's server and volume used Acme's key")
                .contains("[ok] every call on Globex's server and volume used Globex's key")
                .contains("[ok] Acme is ready and its volume has the requested size")
                .contains("[ok] the watchdog marked Globex's instance terminated (server_gone)")
                .contains("[ok] volume reconciliation deleted Globex's orphan boot volume")
                .contains("missing_organization: instance")
                .containsPattern("token fp:[0-9a-f]{16} \\(Acme, access key SCW[A-Z0-9]{17}\\)")
                .contains("demo finished");
        // Secret keys are UUIDs; the only UUIDs printed are ids of organizations, users, instances, servers, volumes,
        // projects and request ids — never a value following "secret " other than a fingerprint.
        assertThat(output).doesNotContainPattern("secret [0-9a-f]{8}-");
    }

    @Test
    void demoRefusesARealScalewayEndpoint() {
        assertThatThrownBy(() -> Demo.run(OrchestratorConfig.builder().scalewayApiUrl("https://api.scaleway.com").build(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OrchestratorMain");
    }
}
