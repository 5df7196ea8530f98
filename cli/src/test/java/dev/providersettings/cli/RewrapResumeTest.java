package dev.providersettings.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** An interrupted rewrap keeps every finished batch and says so; the next run continues with what is left. */
class RewrapResumeTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @TempDir
    static Path dir;

    @Test
    void anInterruptedRewrapIsResumedByTheNextRun() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "k1:" + CliWorkflowTest.randomKey() + "\n");
        Map<String, String> env = Map.of(
                "PROVIDER_SETTINGS_JDBC_URL", db.jdbcUrl(),
                "PROVIDER_SETTINGS_JDBC_USER", db.user(),
                "PROVIDER_SETTINGS_JDBC_PASSWORD", db.password() == null ? "" : db.password(),
                "PROVIDER_SETTINGS_SCHEMA", db.schema(),
                "PROVIDER_SETTINGS_KEYS_FILE", keys.toString());
        CliRunner cli = new CliRunner();
        env.forEach(cli::env);
        clear();
        List<OrganizationId> orgs = db.createOrganizations(1000);
        Path shared = Files.createDirectories(dir.resolve("shared"));
        String secret = UUID.randomUUID().toString();
        Files.writeString(shared.resolve("scaleway_project_id"), UUID.randomUUID() + "\n");
        Files.writeString(shared.resolve("scaleway_secret_key"), secret + "\n");
        assertThat(cli.run("seed", "-p", "scaleway", "--secrets-dir", shared.toString()).exitCode()).isZero();
        assertThat(cli.run("keys", "generate", "--id", "k2", "--add-to", keys.toString(), "--primary").exitCode()).isZero();

        // the caller interrupts the command after its second batch (as Ctrl-C does through the shutdown hook)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicBoolean interruptedOnce = new AtomicBoolean();
        OutputStream err = new OutputStream() {
            final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                line.append((char) b);
                if (b == '\n') {
                    if (line.toString().startsWith("rewrap: 200/") && interruptedOnce.compareAndSet(false, true)) {
                        Thread.currentThread().interrupt();
                    }
                    line.setLength(0);
                }
            }
        };
        int code = ProviderSettingsCli.execute(new String[]{"rewrap", "--batch-size", "100", "--progress", "lines",
                        "--progress-interval", "0", "--json"}, env, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        boolean flagKept = Thread.interrupted(); // clears it for the rest of the test
        assertThat(interruptedOnce).isTrue();
        assertThat(flagKept).as("the interrupt flag is restored for the caller").isTrue();
        assertThat(code).isEqualTo(1);
        JsonNode first = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(first.get("interrupted").asBoolean()).isTrue();
        assertThat(first.get("complete").asBoolean()).isFalse();
        assertThat(first.get("rewrapped").asInt()).isEqualTo(200);
        assertThat(first.get("leftUnderOldKeys").asInt()).isEqualTo(800);
        assertThat(keyCounts()).containsEntry("k2", 200L).containsEntry("k1", 800L);

        CliRunner.Result second = cli.run("rewrap", "--json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        JsonNode report = new ObjectMapper().readTree(second.out());
        assertThat(report.get("rewrapped").asInt()).isEqualTo(800);
        assertThat(report.get("complete").asBoolean()).isTrue();
        assertThat(keyCounts()).containsOnlyKeys("k2").containsEntry("k2", 1000L);
        assertThat(orgs).hasSize(1000);
        assertThat(cli.transcript()).doesNotContain(secret);
    }

    @Test
    void writesDuringARewrapAreNeverOverwritten() throws Exception {
        Path keys = dir.resolve("keys-concurrent");
        String k1 = CliWorkflowTest.randomKey();
        Files.writeString(keys, "k1:" + k1 + "\n");
        CliRunner cli = new CliRunner()
                .env("PROVIDER_SETTINGS_JDBC_URL", db.jdbcUrl())
                .env("PROVIDER_SETTINGS_JDBC_USER", db.user())
                .env("PROVIDER_SETTINGS_JDBC_PASSWORD", db.password() == null ? "" : db.password())
                .env("PROVIDER_SETTINGS_SCHEMA", db.schema())
                .env("PROVIDER_SETTINGS_KEYS_FILE", keys.toString());
        clear();
        List<OrganizationId> orgs = db.createOrganizations(2000);
        Path shared = Files.createDirectories(dir.resolve("shared-concurrent"));
        Files.writeString(shared.resolve("scaleway_project_id"), UUID.randomUUID() + "\n");
        Files.writeString(shared.resolve("scaleway_secret_key"), UUID.randomUUID() + "\n");
        List<String> only = new java.util.ArrayList<>(List.of("seed", "-p", "scaleway", "--secrets-dir", shared.toString()));
        orgs.forEach(o -> { only.add("-o"); only.add(o.value().toString()); });
        assertThat(cli.run(only.toArray(String[]::new)).exitCode()).isZero();
        assertThat(cli.run("keys", "generate", "--id", "k2", "--add-to", keys.toString(), "--primary").exitCode()).isZero();

        // a node still on the old ring keeps writing new secrets while the rewrap runs
        Map<OrganizationId, String> written = new java.util.concurrent.ConcurrentHashMap<>();
        var oldRing = dev.providersettings.KeyRing.builder().primary("k1", java.util.Base64.getDecoder().decode(k1)).build();
        try (var store = db.storeBuilder().build();
             var node = dev.providersettings.ProviderManager.builder().store(store)
                     .registry(dev.providersettings.ProviderRegistry.builder().discover().build())
                     .cipher(new dev.providersettings.AesGcmSecretCipher(oldRing)).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                java.util.Random random = new java.util.Random(7);
                while (!stop.get()) {
                    OrganizationId org = orgs.get(random.nextInt(orgs.size()));
                    String value = UUID.randomUUID().toString();
                    node.settings().update("node-a", org, "scaleway", dev.providersettings.SettingsUpdate.builder()
                            .setSecret("SCALEWAY_SECRET_KEY", dev.providersettings.Secret.of(value)).build());
                    written.put(org, value);
                }
            });
            writer.start();
            CliRunner.Result first = cli.run("rewrap", "--batch-size", "50", "--json");
            stop.set(true);
            writer.join();
            assertThat(first.exitCode()).as(first.toString()).isIn(0, 1);
            // the node wrote under k1 during the run: a second run (after "rolling" the node) finishes the job
            CliRunner.Result second = cli.run("rewrap", "--json");
            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(written).isNotEmpty();
            var newRing = dev.providersettings.KeyRing.fromFile(keys);
            var cipher = new dev.providersettings.AesGcmSecretCipher(newRing);
            var code = dev.providersettings.ProviderCode.of("scaleway");
            for (Map.Entry<OrganizationId, String> e : written.entrySet()) {
                var setting = store.load(e.getKey(), code).settings().get("SCALEWAY_SECRET_KEY");
                var encrypted = ((dev.providersettings.spi.StoredValue.Encrypted) setting.value()).secret();
                assertThat(encrypted.keyId()).isEqualTo("k2");
                assertThat(cipher.decrypt(encrypted, new dev.providersettings.spi.SecretContext(e.getKey(), code,
                        "SCALEWAY_SECRET_KEY")).reveal()).as("the last value written concurrently survives")
                        .isEqualTo(e.getValue());
            }
        }
        assertThat(keyCounts()).containsOnlyKeys("k2");
    }

    /** Each test starts without organizations or settings (the schema is shared by the class). */
    static void clear() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + db.schema() + ".organizations");
        }
    }

    static Map<String, Long> keyCounts() throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT secret_key_id, count(*) FROM " + db.schema()
                     + ".provider_settings WHERE value_type = 'secret' GROUP BY 1")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }
}
