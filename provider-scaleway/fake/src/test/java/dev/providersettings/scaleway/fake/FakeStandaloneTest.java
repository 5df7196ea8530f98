package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FakeStandaloneTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void startsOnTheGivenPortWithTheGivenKeyAndDoesNotEchoAGivenSecret() throws Exception {
        int port = freePort();
        UUID org = UUID.randomUUID();
        String secret = UUID.randomUUID().toString();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String[] args = {"--port", Integer.toString(port), "--org", org.toString(), "--access-key",
            "SCWSTANDALONE0000000", "--secret-key", secret};
        try (FakeScaleway fake = FakeScaleway.startStandalone(args, Map.of(), new PrintStream(buf, true, "UTF-8"))) {
            String out = buf.toString(StandardCharsets.UTF_8);
            assertThat(out).contains("http://127.0.0.1:" + port).contains("SCW_DEFAULT_PROJECT_ID=" + org)
                    .doesNotContain(secret);
            Http http = new Http(fake.baseUrl(), secret);
            assertThat(http.get("/iam/v1alpha1/api-keys/SCWSTANDALONE0000000").json().get("default_project_id")
                    .asText()).isEqualTo(org.toString());
        }
    }

    @Test
    void readsTheEnvironmentAndPrintsAGeneratedSecretSoItCanBeUsed() throws Exception {
        int port = freePort();
        UUID org = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("FAKE_SCALEWAY_PORT", Integer.toString(port),
                "SCW_DEFAULT_ORGANIZATION_ID", org.toString(), "SCW_DEFAULT_PROJECT_ID", project.toString());
        try (FakeScaleway fake = FakeScaleway.startStandalone(new String[0], env, new PrintStream(buf, true, "UTF-8"))) {
            String out = buf.toString(StandardCharsets.UTF_8);
            String secret = out.lines().filter(l -> l.startsWith("SCW_SECRET_KEY=")).findFirst().orElseThrow()
                    .substring("SCW_SECRET_KEY=".length());
            String access = out.lines().filter(l -> l.startsWith("SCW_ACCESS_KEY=")).findFirst().orElseThrow()
                    .substring("SCW_ACCESS_KEY=".length());
            assertThat(access).matches("SCW[A-Z0-9]{17}");
            assertThat(fake.port()).isEqualTo(port);
            Http http = new Http(fake.baseUrl(), secret);
            assertThat(http.get("/account/v3/projects/" + project).json().get("organization_id").asText())
                    .isEqualTo(org.toString());
        }
    }

    @Test
    void badArgumentsSayWhatIsExpected() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertThatThrownBy(() -> FakeScaleway.startStandalone(new String[] {"--port"}, Map.of(), sink))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage");
        assertThatThrownBy(() -> FakeScaleway.startStandalone(new String[] {"--colour", "red"}, Map.of(), sink))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--colour");
        assertThatThrownBy(() -> FakeScaleway.startStandalone(new String[] {"--org", "x", "--port", "0"}, Map.of(),
                sink)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UUID");
        assertThatThrownBy(() -> FakeScaleway.startStandalone(new String[] {"--access-key", "bad", "--port", "0"},
                Map.of(), sink)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SCW");
    }
}
