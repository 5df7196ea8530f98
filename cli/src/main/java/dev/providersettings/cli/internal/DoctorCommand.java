package dev.providersettings.cli.internal;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.spi.SecretRef;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code doctor} (alias {@code status}): checks the installation, each check OK or FAIL with its fix. */
@Command(name = "doctor", aliases = "status", mixinStandardHelpOptions = true,
        description = "Check the database, the migrations, the change feed, the key ring and the connection path; "
                + "each check prints OK or FAIL with the fix. Exit code 1 when a check fails.")
public final class DoctorCommand implements Callable<Integer> {
    /** Secrets decrypted as a sample of the key ring check. */
    static final int SAMPLE = 20;
    /** A key id no ring uses, so the store's search returns secrets under any key. */
    private static final String NO_SUCH_KEY = "provider-settings-doctor-sample";
    /** How long the change feed check waits to connect and for its probe. */
    private static final java.time.Duration FEED_TIMEOUT = java.time.Duration.ofSeconds(5);

    @ParentCommand
    RootCommand root;

    /** One check's outcome. */
    record Check(String name, String status, String detail, String fix) {
        static Check ok(String name, String detail) {
            return new Check(name, "OK", detail, null);
        }

        static Check fail(String name, String detail, String fix) {
            return new Check(name, "FAIL", detail, fix);
        }

        static Check warn(String name, String detail, String fix) {
            return new Check(name, "WARN", detail, fix);
        }

        boolean failed() {
            return status.equals("FAIL");
        }
    }

    @Override
    public Integer call() {
        List<Check> checks = new ArrayList<>();
        try (Session session = root.session(3)) {
            Check database = database(session);
            checks.add(database);
            if (!database.failed()) {
                Check migrations = migrations(session);
                checks.add(migrations);
                checks.add(pooler(session));
                if (!migrations.failed()) {
                    checks.addAll(changeFeed(session));
                    checks.add(keyRing(session));
                }
            }
        }
        print(checks);
        return checks.stream().anyMatch(Check::failed) ? ExitCode.CHECK_FAILED : ExitCode.OK;
    }

    private Check database(Session session) {
        try (Connection c = session.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), current_database(), current_user")) {
            rs.next();
            return Check.ok("database", "Postgres " + rs.getString(1) + ", database " + rs.getString(2) + " as "
                    + rs.getString(3) + " (" + session.describeDatabase() + ")");
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            return Check.fail("database", "cannot connect to " + session.describeDatabase() + ": " + oneLine(e),
                    "check the URL, user and password (" + Config.environmentName(Config.JDBC_URL) + ", "
                            + Config.environmentName(Config.JDBC_USER) + ", " + Config.environmentName(Config.JDBC_PASSWORD)
                            + ") and that the server accepts connections");
        }
    }

    private Check migrations(Session session) {
        try {
            PostgresMigrations migrations = session.migrations().build();
            FluentConfiguration configuration = Flyway.configure(DoctorCommand.class.getClassLoader())
                    .dataSource(session.dataSource())
                    .locations(PostgresMigrations.LOCATION)
                    .ignoreMigrationPatterns("*:future", "repeatable:missing")
                    .table(PostgresMigrations.HISTORY_TABLE)
                    .placeholders(migrations.placeholders());
            if (session.schema() != null) {
                configuration = configuration.schemas(session.schema()).defaultSchema(session.schema());
            }
            var info = configuration.load().info();
            MigrationInfo current = info.current();
            MigrationInfo[] pending = info.pending();
            if (pending.length > 0) {
                return Check.fail("migrations", pending.length + " pending ("
                        + Arrays.stream(pending).map(m -> String.valueOf(m.getVersion())).collect(Collectors.joining(", "))
                        + "), current version " + (current == null ? "none" : current.getVersion()),
                        "run 'provider-settings migrate' (or start the host with migrate(true))");
            }
            return Check.ok("migrations", "current at version " + (current == null ? "none" : current.getVersion()));
        } catch (RuntimeException e) {
            return Check.fail("migrations", "cannot read the migration history: " + oneLine(e),
                    "check --schema and that the user may read " + PostgresMigrations.HISTORY_TABLE);
        }
    }

    /**
     * A transaction pooler (PgBouncer) between us and Postgres shows as a different port on each side. The store's
     * queries are safe behind it (no named prepared statements); LISTEN is not, so the change feed needs a direct URL.
     */
    private Check pooler(Session session) {
        String url = session.config().get(Config.JDBC_URL).orElse("");
        int clientPort = clientPort(url);
        try (Connection c = session.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('port')")) {
            rs.next();
            int serverPort = Integer.parseInt(rs.getString(1));
            if (clientPort == serverPort) {
                return Check.ok("connection path", "direct connection to Postgres (port " + serverPort + ")");
            }
            String path = "through a proxy or pooler (port " + clientPort + " -> Postgres " + serverPort + ")";
            if (session.config().get(Config.CHANGE_FEED_JDBC_URL).isPresent()) {
                return Check.ok("connection path", path + "; the store uses no named prepared statements, and the "
                        + "change feed has its own URL (--" + Config.CHANGE_FEED_JDBC_URL + ")");
            }
            return Check.warn("connection path", path + "; the store uses no named prepared statements, so queries "
                    + "are safe", "LISTEN does not survive transaction pooling: give the change feed a direct URL "
                    + "(--" + Config.CHANGE_FEED_JDBC_URL + " here, changeFeed(url, user, password) in the host)");
        } catch (Exception e) {
            return Check.fail("connection path", "cannot read the server port: " + oneLine(e), "check the connection");
        }
    }

    private static int clientPort(String url) {
        try {
            URI uri = URI.create(url.substring("jdbc:".length()).split(",")[0]);
            return uri.getPort() < 0 ? 5432 : uri.getPort();
        } catch (RuntimeException e) {
            return 5432;
        }
    }

    /**
     * A NOTIFY round trip as the host's change feed does it: a store with its feed on a dedicated connection (the
     * pool's URL, or {@code change-feed-jdbc-url}), then a probe NOTIFY sent through the pool that must arrive on it.
     */
    private List<Check> changeFeed(Session session) {
        Optional<String> direct = session.config().get(Config.CHANGE_FEED_JDBC_URL);
        String where = direct.map(Session::maskUrl).orElse(session.describeDatabase());
        PostgresCredentialStore.Builder builder = session.storeBuilder().changeFeedStartTimeout(FEED_TIMEOUT);
        if (direct.isPresent()) {
            builder.changeFeed(direct.get(), session.dataSource().getUsername(), session.dataSource().getPassword());
        } else {
            builder.changeFeed(true);
        }
        long started = System.nanoTime();
        try (PostgresCredentialStore feed = builder.build()) {
            if (feed.verifyChangeFeed(FEED_TIMEOUT)) {
                return List.of(Check.ok("change feed", "NOTIFY through the pool came back on the LISTEN connection ("
                        + where + ") in " + (System.nanoTime() - started) / 1_000_000 + " ms"));
            }
            return List.of(Check.fail("change feed", "a NOTIFY sent through the pool did not arrive on the LISTEN "
                    + "connection (" + where + ") within " + FEED_TIMEOUT.toSeconds() + " s", "LISTEN needs a direct "
                    + "connection to Postgres, not a transaction pooler: set --" + Config.CHANGE_FEED_JDBC_URL
                    + " (and the host's changeFeed(url, user, password)) to the server's own address"));
        } catch (ProviderSettingsException e) {
            return List.of(Check.fail("change feed", "cannot start the change feed on " + where + ": " + oneLine(e),
                    "check --" + Config.CHANGE_FEED_JDBC_URL + " or the database URL and credentials"));
        }
    }

    private Check keyRing(Session session) {
        KeyRing ring;
        try {
            ring = session.keyRing();
        } catch (ProviderSettingsException e) {
            return Check.fail("key ring", e.getMessage(), "fix the key ring configuration");
        }
        try {
            Inventory inventory = new Inventory(session.dataSource(), session.schema());
            Map<String, Long> byKey = inventory.secretsByKeyId();
            List<String> unknown = byKey.keySet().stream().filter(k -> !ring.contains(k)).toList();
            if (!unknown.isEmpty()) {
                return Check.fail("key ring", ring + " lacks key(s) " + unknown + " holding "
                        + unknown.stream().mapToLong(byKey::get).sum() + " secret(s)",
                        "add the missing key(s) back to the key ring (they decrypt only), then run rewrap");
            }
            AesGcmSecretCipher cipher = new AesGcmSecretCipher(ring);
            List<SecretRef> sample = session.store().findSecretsNotEncryptedWith(NO_SUCH_KEY, SAMPLE);
            for (SecretRef ref : sample) {
                cipher.decrypt(ref.secret(), new SecretContext(ref.organization(), ref.provider(), ref.key()));
            }
            long underOld = byKey.entrySet().stream().filter(e -> !e.getKey().equals(ring.primaryKeyId()))
                    .mapToLong(Map.Entry::getValue).sum();
            String detail = ring + ", " + sample.size() + " sample secret(s) decrypted; secrets by key " + byKey;
            if (underOld > 0) {
                return Check.warn("key ring", detail, underOld + " secret(s) are not under the primary key "
                        + ring.primaryKeyId() + ": run 'provider-settings rewrap' before removing old keys");
            }
            return Check.ok("key ring", detail);
        } catch (ProviderSettingsException e) {
            return Check.fail("key ring", oneLine(e), "use the key ring the secrets were written with");
        }
    }

    private void print(List<Check> checks) {
        Terminal t = root.terminal();
        if (root.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Check c : checks) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("check", c.name());
                row.put("status", c.status());
                row.put("detail", c.detail());
                row.put("fix", c.fix());
                rows.add(row);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ok", checks.stream().noneMatch(Check::failed));
            result.put("checks", rows);
            Output.json(t.out(), result);
            return;
        }
        for (Check c : checks) {
            t.out().printf("%-4s  %-15s  %s%n", c.status(), c.name(), c.detail());
            if (c.fix() != null) {
                t.out().printf("      %-15s  fix: %s%n", "", c.fix());
            }
        }
        long failed = checks.stream().filter(Check::failed).count();
        t.out().println(failed == 0 ? "all checks passed" : failed + " check(s) failed");
        t.out().flush();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
