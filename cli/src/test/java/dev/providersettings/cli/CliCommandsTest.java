package dev.providersettings.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** set/unset, check-and-set, audit, doctor, migrate and bad input: exit codes and one-line errors. */
class CliCommandsTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @TempDir
    static Path dir;

    static Path keyFile;
    static final String SECRET = "7c1d1b0e-2f4b-4a5e-9a57-" + "5ec2e7000001";
    static final String PROJECT = "1f0e7f4c-2f4b-4a5e-9a57-7a0c2d1f8b11";

    @BeforeAll
    static void keys() throws Exception {
        keyFile = dir.resolve("keys");
        Files.writeString(keyFile, "k1:" + CliWorkflowTest.randomKey() + "\n");
    }

    static CliRunner cli() {
        return new CliRunner()
                .env("PROVIDER_SETTINGS_JDBC_USER", db.user())
                .env("PROVIDER_SETTINGS_JDBC_PASSWORD", db.password())
                .env("PROVIDER_SETTINGS_KEYS_FILE", keyFile.toString())
                .env("PROVIDER_SETTINGS_SCHEMA", db.schema())
                .commonArgs("--jdbc-url", db.jdbcUrl(), "--actor", "alice@ops");
    }

    static long auditRows(OrganizationId org) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + db.schema()
                     + ".provider_settings_audit WHERE organization_id = '" + org.value() + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedAndNothingIsWritten() throws Exception {
        OrganizationId org = db.createOrganization();
        CliRunner cli = cli();
        CliRunner.Result refused = cli.run("set", "-o", org.value().toString(), "-p", "scaleway",
                "SCALEWAY_PROJECT_ID=" + PROJECT, "SCALEWAY_SECRET_KEY=" + SECRET);
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error: SCALEWAY_SECRET_KEY is a secret and was given on the command line")
                .contains("--secret-stdin SCALEWAY_SECRET_KEY").doesNotContain("\tat ");
        assertThat(refused.err().lines().count()).isEqualTo(1);
        assertThat(auditRows(org)).isZero(); // not even the project id was written

        // an unknown option carrying the secret is not echoed back
        CliRunner.Result unknown = cli.run("set", "-o", org.value().toString(), "-p", "scaleway",
                "--secret-key=" + SECRET);
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--secret-key=<redacted>");

        // a stray positional secret is not echoed back either
        CliRunner.Result stray = cli.run("audit", "-o", org.value().toString(), SECRET);
        assertThat(stray.exitCode()).isEqualTo(2);
        assertThat(stray.err()).contains("Unmatched argument");
        assertThat(cli.transcript()).doesNotContain(SECRET);
    }

    @Test
    void setFromStdinAndFileWithCheckAndSetThenUnset() throws Exception {
        OrganizationId org = db.createOrganization();
        CliRunner cli = cli();
        String o = org.value().toString();
        CliRunner.Result set = cli.runWithStdin(SECRET + "\n", "set", "-o", o, "-p", "scaleway",
                "SCALEWAY_PROJECT_ID=" + PROJECT, "--secret-stdin", "SCALEWAY_SECRET_KEY");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).contains("SCALEWAY_PROJECT_ID v1", "SCALEWAY_SECRET_KEY v1", "by alice@ops");

        // check-and-set: a stale expected version is a conflict, exit 5, nothing written
        Path file = Files.writeString(dir.resolve("secret"), UUID.randomUUID() + "\n");
        CliRunner.Result conflict = cli.run("set", "-o", o, "-p", "scaleway", "--secret-file",
                "SCALEWAY_SECRET_KEY=" + file, "--expect-version", "SCALEWAY_SECRET_KEY=7");
        assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(5);
        assertThat(conflict.err()).startsWith("error: ").doesNotContain("\tat ");
        CliRunner.Result ok = cli.run("set", "-o", o, "-p", "scaleway", "--secret-file",
                "SCALEWAY_SECRET_KEY=" + file, "--expect-version", "SCALEWAY_SECRET_KEY=1", "--json");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(new ObjectMapper().readTree(ok.out()).get("versions").get("SCALEWAY_SECRET_KEY").asLong()).isEqualTo(2);

        // the library's validation, as it reports it
        CliRunner.Result invalid = cli.run("set", "-o", o, "-p", "scaleway", "SCALEWAY_PROJECT_ID=not-a-uuid",
                "SCALEWAY_DEFAULT_ZONE=mars-1");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("nothing was written", "SCALEWAY_PROJECT_ID", "SCALEWAY_DEFAULT_ZONE");
        CliRunner.Result undeclared = cli.run("set", "-o", o, "-p", "scaleway", "NOT_A_KEY=1");
        assertThat(undeclared.exitCode()).isEqualTo(2);
        assertThat(undeclared.err()).contains("NOT_A_KEY", "is not a setting of provider scaleway");

        CliRunner.Result unknownKey = cli.run("unset", "-o", o, "-p", "scaleway", "SCALEWAY_PROJECT_ID", "NOPE");
        assertThat(unknownKey.exitCode()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("NOPE is not a setting of provider scaleway", "nothing was removed");
        CliRunner.Result notSet = cli.run("unset", "-o", o, "-p", "scaleway", "SCALEWAY_ACCESS_KEY");
        assertThat(notSet.exitCode()).isEqualTo(2);
        assertThat(notSet.err()).contains("SCALEWAY_ACCESS_KEY is not set");
        CliRunner.Result unset = cli.run("unset", "-o", o, "-p", "scaleway", "SCALEWAY_PROJECT_ID");
        assertThat(unset.exitCode()).as(unset.toString()).isZero();
        assertThat(unset.out()).contains("SCALEWAY_PROJECT_ID removed");

        CliRunner.Result audit = cli.run("audit", "-o", o, "--json");
        JsonNode rows = new ObjectMapper().readTree(audit.out());
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).get("action").asText()).isEqualTo("delete");
        assertThat(rows.get(0).get("key").asText()).isEqualTo("SCALEWAY_PROJECT_ID");
        assertThat(rows.get(0).get("actor").asText()).isEqualTo("alice@ops");

        CliRunner.Result list = cli.run("list", "-o", o);
        assertThat(list.out()).containsPattern(o + "\\s+scaleway\\s+incomplete\\s+1/6.*SCALEWAY_PROJECT_ID");
        assertThat(cli.transcript()).doesNotContain(SECRET).doesNotContain(Files.readString(file).strip());
    }

    @Test
    void badInputIsOneLineWithADocumentedExitCode() throws Exception {
        CliRunner cli = cli();
        expect(cli.run("list", "-o", "not-a-uuid"), 2, "organization id 'not-a-uuid' is not a UUID");
        expect(cli.run("list", "-o", UUID.randomUUID().toString()), 2, "unknown organization");
        expect(cli.run("list", "-p", "aws"), 2, "aws");
        expect(cli.run("frobnicate"), 2, "Unmatched argument");
        expect(cli.run("list", "--keys-file", dir.resolve("missing").toString(), "--json"), 0, "");
        expect(cli.run("rewrap", "--keys-file", dir.resolve("missing").toString()), 3, "does not exist");
        Path malformed = Files.writeString(dir.resolve("malformed"), "k1:c2hvcnQ=\n");
        expect(cli.run("rewrap", "--keys-file", malformed.toString()), 3, "is 5 bytes");

        CliRunner down = new CliRunner().env("PROVIDER_SETTINGS_KEYS_FILE", keyFile.toString());
        expect(down.run("list", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none"), 4, "unavailable");
        CliRunner wrongPassword = new CliRunner().env("PROVIDER_SETTINGS_JDBC_USER", db.user())
                .env("PROVIDER_SETTINGS_JDBC_PASSWORD", "wrong-password-123");
        CliRunner.Result refused = wrongPassword.run("list", "--jdbc-url", db.jdbcUrl(), "--schema", db.schema());
        // the embedded server trusts local connections; a server that checks passwords answers exit 4 as well
        assertThat(refused.exitCode()).isIn(0, 4);
        assertThat(refused.err()).doesNotContain("wrong-password-123");
        expect(new CliRunner().run("list"), 3, "no database configured");
        expect(cli.run("list", "--scaleway-api-url", "http://127.0.0.1:9"), 3, "plain http");

        CliRunner.Result verbose = cli.run("list", "-o", "not-a-uuid", "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(2);
        assertThat(verbose.err()).contains("\tat ");
    }

    private static void expect(CliRunner.Result result, int code, String message) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(code);
        if (code != 0) {
            assertThat(result.err()).as(result.toString()).startsWith("error: ").contains(message).doesNotContain("\tat ");
        }
    }

    @Test
    void doctorReportsEachCheckAndFailsOnAMissingKey() throws Exception {
        OrganizationId org = db.createOrganization();
        CliRunner cli = cli();
        cli.runWithStdin(SECRET, "set", "-o", org.value().toString(), "-p", "scaleway", "--secret-stdin",
                "SCALEWAY_SECRET_KEY");
        CliRunner.Result doctor = cli.run("doctor");
        assertThat(doctor.exitCode()).as(doctor.toString()).isZero();
        assertThat(doctor.out()).containsPattern("OK\\s+database\\s+Postgres")
                .containsPattern("OK\\s+migrations\\s+current at version")
                .containsPattern("OK\\s+connection path\\s+direct connection")
                .containsPattern("OK\\s+change feed\\s+NOTIFY through the pool came back")
                .containsPattern("OK\\s+key ring\\s+KeyRing\\[primary=k1")
                .contains("sample secret(s) decrypted");

        Path otherRing = Files.writeString(dir.resolve("other"), "k9:" + CliWorkflowTest.randomKey() + "\n");
        CliRunner.Result missing = cli.run("status", "--keys-file", otherRing.toString(), "--json");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(missing.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(missing.out()).contains("lacks key(s) [k1]", "add the missing key(s) back");

        // a wrong key under the same id cannot decrypt the sample
        Path wrong = Files.writeString(dir.resolve("wrong"), "k1:" + CliWorkflowTest.randomKey() + "\n");
        CliRunner.Result undecryptable = cli.run("doctor", "--keys-file", wrong.toString());
        assertThat(undecryptable.exitCode()).isEqualTo(1);
        assertThat(undecryptable.out()).containsPattern("FAIL\\s+key ring");

        String fresh = "ps_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        CliRunner.Result unmigrated = cli().run("doctor", "--schema", fresh);
        assertThat(unmigrated.exitCode()).isEqualTo(1);
        assertThat(unmigrated.out()).containsPattern("FAIL\\s+migrations\\s+\\d+ pending").contains("provider-settings migrate");
        assertThat(cli.transcript()).doesNotContain(SECRET);
    }

    @Test
    void migrateReportsWhatRanThenNothing() throws Exception {
        String fresh = "ps_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try {
            CliRunner.Result first = cli().run("migrate", "--schema", fresh, "--create-organizations-table");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.out()).containsPattern("\\n1\\s+minimal organizations table")
                    .containsPattern("\\n2\\s+provider settings").contains("migration(s) applied; schema now at version");
            CliRunner.Result second = cli().run("migrate", "--schema", fresh, "--json");
            JsonNode json = new ObjectMapper().readTree(second.out());
            assertThat(json.get("applied").asInt()).isZero();
            assertThat(json.get("migrations")).isEmpty();
        } finally {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + fresh + " CASCADE");
            }
        }
    }

    @Test
    void configurationComesFromFlagsThenEnvironmentThenFile() throws Exception {
        Path properties = dir.resolve("cli.properties");
        Files.writeString(properties, "provider-settings.jdbc-url=jdbc:postgresql://127.0.0.1:1/none\n"
                + "provider-settings.schema=" + db.schema() + "\n"
                + "provider-settings.jdbc-user=" + db.user() + "\n"
                + "provider-settings.jdbc-password=" + db.password() + "\n");
        // the file alone points at a dead server
        CliRunner fileOnly = new CliRunner().env("PROVIDER_SETTINGS_CONFIG", properties.toString());
        assertThat(fileOnly.run("list").exitCode()).isEqualTo(4);
        // the environment wins over the file
        CliRunner envWins = new CliRunner().env("PROVIDER_SETTINGS_CONFIG", properties.toString())
                .env("PROVIDER_SETTINGS_JDBC_URL", db.jdbcUrl());
        assertThat(envWins.run("list").exitCode()).isZero();
        // the flag wins over the environment
        CliRunner flagWins = new CliRunner().env("PROVIDER_SETTINGS_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none")
                .env("PROVIDER_SETTINGS_SCHEMA", db.schema()).env("PROVIDER_SETTINGS_JDBC_USER", db.user())
                .env("PROVIDER_SETTINGS_JDBC_PASSWORD", db.password());
        assertThat(flagWins.run("list", "--jdbc-url", db.jdbcUrl()).exitCode()).isZero();
        // global options also work before the command name
        assertThat(flagWins.run("--jdbc-url", db.jdbcUrl(), "list").exitCode()).isZero();

        Files.writeString(dir.resolve("typo.properties"), "provider-settings.jdbc-url=x\njdbc.url=y\n");
        CliRunner.Result typo = new CliRunner().run("list", "--config", dir.resolve("typo.properties").toString());
        assertThat(typo.exitCode()).isEqualTo(3);
        assertThat(typo.err()).contains("property 'jdbc.url' is unknown");
    }

    @Test
    void keysGeneratePrintsAValidLineAndRefusesADuplicateId() throws Exception {
        CliRunner cli = new CliRunner();
        CliRunner.Result line = cli.run("keys", "generate", "--id", "k7");
        assertThat(line.exitCode()).isZero();
        assertThat(line.out().strip()).matches("k7:[A-Za-z0-9+/]{43}=");
        Path ring = dir.resolve("ring");
        Files.writeString(ring, line.out());
        CliRunner.Result dup = cli.run("keys", "generate", "--id", "k7", "--add-to", ring.toString());
        assertThat(dup.exitCode()).isEqualTo(2);
        assertThat(dup.err()).contains("key id k7 is already in");
        assertThat(Files.readString(ring)).isEqualTo(line.out());
        expect(cli.run("keys", "generate", "--id", "bad id!"), 2, "malformed");
    }
}
