package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fake in JVMs of its own: the standalone main as a real process, and no JVM-wide side effect in a user's JVM. */
class FakeProcessTest {

    private static Process java(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void usingTheFakeAsALibrarySetsNoSystemProperty() throws Exception {
        Process p = java(SystemPropertiesProbe.class.getName());
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("probe output %s", lines).isZero();
        // Nothing but "done": in particular no sun.net.httpserver.nodelay, which only the standalone main may set.
        assertThat(lines).filteredOn(l -> !l.startsWith("SLF4J")).containsExactly("done");
    }

    @Test
    void standaloneMainServesOverHttpUntilTheProcessIsStopped() throws Exception {
        String secret = UUID.randomUUID().toString();
        UUID org = UUID.randomUUID();
        Process p = java(FakeScaleway.class.getName(), "--port", "0", "--org", org.toString(),
                "--access-key", "SCWPROCESS0000000000", "--secret-key", secret);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String prefix = "Fake Scaleway API listening on ";
            String url = null;
            List<String> lines = new ArrayList<>();
            for (String line = out.readLine(); line != null && url == null; line = out.readLine()) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    url = line.substring(prefix.length());
                }
            }
            assertThat(url).as("output %s", lines).startsWith("http://127.0.0.1:");
            for (String line = out.readLine(); line != null && !line.startsWith("SCW_SECRET_KEY="); line = out.readLine()) {
                lines.add(line);
            }
            assertThat(lines).contains("SCW_DEFAULT_ORGANIZATION_ID=" + org, "SCW_ACCESS_KEY=SCWPROCESS0000000000")
                    .noneMatch(l -> l.contains(secret));

            Http http = new Http(url, secret);
            Http.Res key = http.get("/iam/v1alpha1/api-keys/SCWPROCESS0000000000");
            assertThat(key.status()).isEqualTo(200);
            assertThat(key.json().get("default_project_id").asText()).isEqualTo(org.toString());
            assertThat(new Http(url, UUID.randomUUID().toString()).get("/account/v3/projects/" + org).status())
                    .isEqualTo(401);

            int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
            p.destroy(); // SIGTERM: the shutdown hook closes the server
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(refusesConnections(port)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void standaloneMainExitsWithStatus2OnBadArguments() throws Exception {
        Process p = java(FakeScaleway.class.getName(), "--colour", "red");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("unknown option --colour");
    }

    private static boolean refusesConnections(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
