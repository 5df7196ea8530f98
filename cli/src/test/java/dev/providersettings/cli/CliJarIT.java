package dev.providersettings.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.fake.FakeScaleway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as a real process ({@code java -jar target/provider-settings-cli.jar}): its merged ServiceLoader
 * files (Flyway's Postgres plugin, the Scaleway provider), its migrations on the class path, stdin for secrets,
 * progress lines when stderr is not a terminal, exit codes, and no secret in what it prints.
 */
class CliJarIT {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @TempDir
    static Path dir;

    static FakeScaleway fake;
    static Path keyFile;
    static final StringBuilder transcript = new StringBuilder();

    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        fake = FakeScaleway.start();
        keyFile = dir.resolve("keys");
        Files.writeString(keyFile, "k1:" + CliWorkflowTest.randomKey() + "\n");
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    static Run java(String stdin, String... args) throws Exception {
        String jar = System.getProperty("cli.jar");
        assertThat(jar).as("system property cli.jar (set by failsafe)").isNotNull();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("PROVIDER_SETTINGS_"));
        env.put("PROVIDER_SETTINGS_JDBC_URL", db.jdbcUrl());
        env.put("PROVIDER_SETTINGS_JDBC_USER", db.user());
        env.put("PROVIDER_SETTINGS_JDBC_PASSWORD", db.password() == null ? "" : db.password());
        env.put("PROVIDER_SETTINGS_SCHEMA", db.schema());
        env.put("PROVIDER_SETTINGS_KEYS_FILE", keyFile.toString());
        env.put("PROVIDER_SETTINGS_SCALEWAY_API_URL", fake.baseUrl());
        env.put("PROVIDER_SETTINGS_SCALEWAY_ALLOW_INSECURE_HTTP", "true");
        env.put("PROVIDER_SETTINGS_ACTOR", "jar@test");
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the process ended").isTrue();
        Run run = new Run(process.exitValue(), out.get(), err.get());
        transcript.append(run.out()).append(run.err());
        return run;
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theRunnableJarMigratesWritesProbesAndRewraps() throws Exception {
        Run version = java("", "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("provider-settings 0.1.0");

        // Flyway's Postgres support comes through a merged ServiceLoader file, the migrations from the jar
        String fresh = "ps_jar_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try {
            Run migrate = java("", "migrate", "--schema", fresh, "--create-organizations-table", "--json");
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(new ObjectMapper().readTree(migrate.out()).get("applied").asInt()).isGreaterThanOrEqualTo(5);
        } finally {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + fresh + " CASCADE");
            }
        }

        OrganizationId org = db.createOrganization();
        UUID scwOrg = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        String secret = UUID.randomUUID().toString();
        fake.addProject(project, scwOrg).addApiKey("SCWJARTEST0000000001", secret, project, scwOrg);
        String o = org.value().toString();

        Run refused = java("", "set", "-o", o, "-p", "scaleway", "SCALEWAY_SECRET_KEY=" + secret);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error: SCALEWAY_SECRET_KEY is a secret").doesNotContain("\tat ");

        Run set = java(secret + "\n", "set", "-o", o, "-p", "scaleway", "SCALEWAY_PROJECT_ID=" + project,
                "SCALEWAY_ACCESS_KEY=SCWJARTEST0000000001", "SCALEWAY_ORGANIZATION_ID=" + scwOrg, "--secret-stdin",
                "SCALEWAY_SECRET_KEY", "--probe");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).contains("SCALEWAY_SECRET_KEY v1", "by jar@test");

        Run probe = java("", "probe", "-o", o);
        assertThat(probe.exitCode()).as(probe.toString()).isZero();
        assertThat(probe.out()).containsPattern(o + "\\s+scaleway\\s+PASSED");

        // 300 more organizations seeded from a shared directory, then a rotation
        db.createOrganizations(300);
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("scaleway_project_id"), project + "\n");
        Files.writeString(shared.resolve("scaleway_secret_key"), secret + "\n");
        Run seed = java("", "seed", "-p", "scaleway", "--secrets-dir", shared.toString());
        assertThat(seed.exitCode()).as(seed.toString()).isZero();
        assertThat(seed.out()).contains("301 organization(s), 300 changed");

        Run generate = java("", "keys", "generate", "--id", "k2", "--add-to", keyFile.toString(), "--primary");
        assertThat(generate.exitCode()).as(generate.toString()).isZero();
        Run rewrap = java("", "rewrap", "--batch-size", "50", "--progress-interval", "0");
        assertThat(rewrap.exitCode()).as(rewrap.toString()).isZero();
        assertThat(rewrap.err()).contains("rewrap: 50/301", "rewrap: 301/301 (100%)", "ETA done");
        assertThat(rewrap.out()).contains("rewrapped 301 secret(s) under key k2", "complete");

        Run list = java("", "list", "--json", "--configured");
        JsonNode entries = new ObjectMapper().readTree(list.out());
        assertThat(entries).hasSize(301);
        for (JsonNode entry : entries) {
            for (JsonNode setting : entry.get("settings")) {
                if (setting.get("type").asText().equals("secret")) {
                    assertThat(setting.get("encryptionKeyId").asText()).isEqualTo("k2");
                }
            }
        }

        Run down = java("", "list", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none");
        assertThat(down.exitCode()).isEqualTo(4);
        assertThat(down.err().lines().count()).as(down.toString()).isEqualTo(1);

        assertThat(transcript.toString()).doesNotContain(secret);
        for (String line : Files.readAllLines(keyFile)) {
            assertThat(transcript.toString()).doesNotContain(line.substring(line.indexOf(':') + 1));
        }
    }
}
