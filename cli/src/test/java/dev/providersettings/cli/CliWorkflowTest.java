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

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's day-two workflow, in-process through picocli, against embedded Postgres and the fake Scaleway API:
 * seed → list → probe (one organization's key revoked) → keys generate → rewrap of 10,000+ secrets → list shows
 * every secret under the new key; nothing printed ever contains a secret.
 */
class CliWorkflowTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @TempDir
    static Path dir;

    static FakeScaleway fake;
    static final List<String> secrets = new ArrayList<>();
    static Path keyFile;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeScaleway.start();
        keyFile = dir.resolve("provider_settings_key");
        Files.writeString(keyFile, "k1:" + randomKey() + "\n");
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static CliRunner cli() {
        return new CliRunner()
                .env("PROVIDER_SETTINGS_JDBC_URL", db.jdbcUrl())
                .env("PROVIDER_SETTINGS_JDBC_USER", db.user())
                .env("PROVIDER_SETTINGS_JDBC_PASSWORD", db.password())
                .env("PROVIDER_SETTINGS_SCHEMA", db.schema())
                .env("PROVIDER_SETTINGS_KEYS_FILE", keyFile.toString())
                .env("PROVIDER_SETTINGS_SCALEWAY_API_URL", fake.baseUrl())
                .env("PROVIDER_SETTINGS_SCALEWAY_ALLOW_INSECURE_HTTP", "true")
                .env("PROVIDER_SETTINGS_ACTOR", "ops@test");
    }

    /** A Scaleway account at the fake for one organization, written as that organization's secret files. */
    record Account(OrganizationId organization, String accessKey, String secretKey) {
    }

    static Account account(OrganizationId organization, Path perOrganizationRoot, int index) throws Exception {
        UUID scwOrg = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        String accessKey = String.format("SCWTESTKEY%010d", index);
        String secretKey = UUID.randomUUID().toString();
        secrets.add(secretKey);
        fake.addProject(project, scwOrg).addApiKey(accessKey, secretKey, project, scwOrg);
        Path d = Files.createDirectories(perOrganizationRoot.resolve(organization.value().toString()));
        Files.writeString(d.resolve("scaleway_project_id"), project + "\n");
        Files.writeString(d.resolve("scaleway_secret_key"), secretKey + "\n");
        Files.writeString(d.resolve("scaleway_access_key"), accessKey + "\n");
        Files.writeString(d.resolve("scaleway_organization_id"), scwOrg + "\n");
        return new Account(organization, accessKey, secretKey);
    }

    @Test
    void seedListProbeRotateRewrapList() throws Exception {
        CliRunner cli = cli();
        Path perOrg = Files.createDirectories(dir.resolve("per-org"));
        List<OrganizationId> orgs = db.createOrganizations(3);
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < orgs.size(); i++) {
            accounts.add(account(orgs.get(i), perOrg, i));
        }
        List<String> only = new ArrayList<>();
        orgs.forEach(o -> { only.add("--org"); only.add(o.value().toString()); });

        // seed --dry-run: the plan names keys and sources, writes nothing
        List<String> dryRun = new ArrayList<>(List.of("seed", "-p", "scaleway", "--per-organization-dir", perOrg.toString(),
                "--dry-run"));
        dryRun.addAll(only);
        CliRunner.Result plan = cli.run(dryRun.toArray(String[]::new));
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).containsPattern(orgs.get(0).value() + "\\s+WRITE\\s+per-organization directory \\S+\\s+\\S*SCALEWAY_SECRET_KEY")
                .contains("3 to write", "nothing was written");
        assertThat(cli.run("list", "--configured").out()).doesNotContain(orgs.get(0).value().toString());

        // seed, then seed again: idempotent
        List<String> seed = new ArrayList<>(List.of("seed", "-p", "scaleway", "--per-organization-dir", perOrg.toString()));
        seed.addAll(only);
        CliRunner.Result seeded = cli.run(seed.toArray(String[]::new));
        assertThat(seeded.exitCode()).as(seeded.toString()).isZero();
        assertThat(seeded.out()).contains("3 organization(s), 3 changed, 12 key(s) written");
        CliRunner.Result again = cli.run(seed.toArray(String[]::new));
        assertThat(again.out()).as(again.toString()).contains("3 organization(s), 0 changed, 0 key(s) written");

        // list: complete, by the actor, secrets under k1
        CliRunner.Result list = cli.run("list", "--configured");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        for (OrganizationId org : orgs) {
            assertThat(list.out()).containsPattern(org.value() + "\\s+scaleway\\s+complete\\s+4/6\\s+\\S+ \\S+\\s+ops@test");
        }
        CliRunner.Result keys = cli.run("list", "--keys", "--org", orgs.get(0).value().toString());
        assertThat(keys.out()).containsPattern("SCALEWAY_SECRET_KEY\\s+secret\\s+1\\s+\\S+ \\S+\\s+ops@test\\s+k1");

        // probe: one organization's key revoked at the fake → exit 1 naming it
        fake.expireApiKey(accounts.get(1).accessKey());
        CliRunner.Result probe = cli.run("probe", "--parallel", "2");
        assertThat(probe.exitCode()).as(probe.toString()).isEqualTo(1);
        assertThat(probe.out()).containsPattern(orgs.get(1).value() + "\\s+scaleway\\s+FAILED\\s+secret_key_accepted");
        assertThat(probe.out()).containsPattern(orgs.get(0).value() + "\\s+scaleway\\s+PASSED");
        assertThat(probe.out()).containsPattern(orgs.get(2).value() + "\\s+scaleway\\s+PASSED");
        assertThat(probe.out()).contains("3 probed: 2 passed, 1 failed");
        assertThat(probe.err()).contains("probe failed for 1 of 3: " + orgs.get(1).value() + " (scaleway: secret_key_accepted)");
        CliRunner.Result healthy = cli.run("probe", "--org", orgs.get(0).value().toString(), "--json");
        assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
        assertThat(new ObjectMapper().readTree(healthy.out()).get("passed").asInt()).isEqualTo(1);

        // 10,000 more organizations from a shared secrets directory
        List<OrganizationId> many = db.createOrganizations(10_000);
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Account sharedAccount = account(many.get(0), dir.resolve("unused"), 99);
        Files.writeString(shared.resolve("scaleway_project_id"), UUID.randomUUID() + "\n");
        Files.writeString(shared.resolve("scaleway_secret_key"), sharedAccount.secretKey() + "\n");
        CliRunner.Result bulk = cli.run("seed", "-p", "scaleway", "--per-organization-dir", perOrg.toString(),
                "--secrets-dir", shared.toString());
        assertThat(bulk.exitCode()).as(bulk.toString()).isZero();
        assertThat(bulk.out()).contains("10003 organization(s), 10000 changed, 20000 key(s) written");

        // keys generate (a secondary key, the primary stays), then promote it
        CliRunner.Result generated = cli.run("keys", "generate", "--id", "k2", "--add-to", keyFile.toString());
        assertThat(generated.exitCode()).as(generated.toString()).isZero();
        assertThat(generated.out()).contains("key k2 added", "as a secondary key", "primary k1");
        assertThat(cli.run("list", "--keys", "--org", orgs.get(0).value().toString()).out()).contains(" k1");
        CliRunner.Result promoted = cli.run("keys", "promote", "k2", "--file", keyFile.toString());
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(Files.readAllLines(keyFile).get(0)).isEqualTo("primary=k2");
        CliRunner.Result ring = cli.run("keys", "list");
        assertThat(ring.out()).containsPattern("k2\\s+primary\\s+0").containsPattern("k1\\s+decrypt only\\s+10003");

        // rewrap with progress lines (not a terminal)
        CliRunner.Result rewrap = cli.run("rewrap", "--batch-size", "1000", "--progress-interval", "0");
        assertThat(rewrap.exitCode()).as(rewrap.toString()).isZero();
        assertThat(rewrap.out()).contains("rewrapped 10003 secret(s) under key k2", "0 left under old keys", "complete");
        Matcher line = Pattern.compile("rewrap: ([0-9,]+)/10,003 \\((\\d+)%\\), [0-9,]+/s, ETA (\\S+)").matcher(rewrap.err());
        List<String> counts = new ArrayList<>();
        while (line.find()) {
            counts.add(line.group(1));
        }
        assertThat(counts).as(rewrap.err()).hasSizeGreaterThanOrEqualTo(11).contains("0", "1,000", "10,003");
        assertThat(rewrap.err()).contains("ETA done");

        // a second run is a no-op and still complete
        CliRunner.Result noop = cli.run("rewrap", "--json");
        JsonNode report = new ObjectMapper().readTree(noop.out());
        assertThat(report.get("rewrapped").asInt()).isZero();
        assertThat(report.get("complete").asBoolean()).isTrue();

        // list shows every secret under the new key
        CliRunner.Result json = cli.run("list", "--json", "--provider", "scaleway", "--configured");
        assertThat(json.exitCode()).isZero();
        Map<String, Integer> byKey = new HashMap<>();
        int secretsListed = 0;
        for (JsonNode entry : new ObjectMapper().readTree(json.out())) {
            for (JsonNode setting : entry.get("settings")) {
                if (setting.get("type").asText().equals("secret")) {
                    secretsListed++;
                    byKey.merge(setting.get("encryptionKeyId").asText(), 1, Integer::sum);
                    assertThat(setting.get("updatedBy").asText()).isEqualTo("ops@test");
                }
            }
        }
        assertThat(secretsListed).isEqualTo(10_003);
        assertThat(byKey).containsOnlyKeys("k2");

        // the revoked organization still fails, the others still pass: rewrap changed no credential
        CliRunner.Result after = cli.run("probe", "--org", orgs.get(0).value().toString(), "--org",
                orgs.get(1).value().toString());
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.out()).containsPattern(orgs.get(0).value() + "\\s+scaleway\\s+PASSED");

        // audit: who, which keys, versions
        CliRunner.Result audit = cli.run("audit", "--org", orgs.get(0).value().toString());
        assertThat(audit.out()).containsPattern("ops@test\\s+scaleway\\s+SCALEWAY_SECRET_KEY\\s+update\\s+[1-9][0-9]*")
                .containsPattern("ops@test\\s+scaleway\\s+SCALEWAY_SECRET_KEY\\s+insert\\s+1");

        assertNoSecret(cli.transcript());
    }

    static void assertNoSecret(String transcript) throws Exception {
        for (String secret : secrets) {
            assertThat(transcript).doesNotContain(secret);
        }
        for (String line : Files.readAllLines(keyFile)) {
            assertThat(transcript).doesNotContain(line.substring(line.indexOf(':') + 1));
        }
    }
}
