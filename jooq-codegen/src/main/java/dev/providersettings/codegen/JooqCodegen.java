package dev.providersettings.codegen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Generates the credential store's jOOQ classes from its Flyway migrations: starts an embedded Postgres 17,
 * migrates it with Flyway exactly as the store does at runtime, and runs jOOQ's code generator over JDBC.
 *
 * <p>The migrations stay the single source of truth: nothing is generated from hand-written DDL, and generating
 * against a real Postgres keeps Postgres-specific DDL (jsonb, triggers, check constraints) faithful.
 *
 * <p>Usage: {@code JooqCodegen <migrations directory> <output directory> <target package>}. Generation is skipped
 * when the output directory holds classes generated from the same migrations (a SHA-256 of the scripts), so
 * repeated builds do not pay for a Postgres start.
 */
public final class JooqCodegen {

    /** The Flyway history table of the library (kept apart from the host's own Flyway history). */
    public static final String HISTORY_TABLE = "provider_settings_schema_history";
    /** The tables and the version sequence the store uses through generated classes. */
    public static final String INCLUDED_TABLES = "provider_settings|provider_settings_audit|provider_settings_version_seq";

    private static final String STAMP_FILE = ".migrations.sha256";

    private JooqCodegen() {
    }

    /**
     * Runs the generator.
     *
     * @param args migrations directory, output directory, target package
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException(
                    "expected 3 arguments: <migrations directory> <output directory> <target package>, got " + args.length);
        }
        generate(Path.of(args[0]), Path.of(args[1]), args[2]);
    }

    /**
     * Generates the jOOQ classes of the migrations in {@code migrations} into {@code output} unless they are up to date.
     *
     * @return true if code was generated, false if the output was up to date
     */
    public static boolean generate(Path migrations, Path output, String targetPackage) throws Exception {
        if (!Files.isDirectory(migrations)) {
            throw new IllegalArgumentException("migrations directory " + migrations.toAbsolutePath()
                    + " does not exist: pass the credential store's src/main/resources/db/provider-settings/migration");
        }
        String digest = digest(migrations, targetPackage);
        Path stamp = output.resolve(STAMP_FILE);
        if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(digest)) {
            log("jOOQ classes in " + output + " are up to date with " + migrations);
            return false;
        }
        deleteRecursively(output);
        Files.createDirectories(output);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            migrate(postgres, migrations);
            try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                GenerationTool tool = new GenerationTool();
                tool.setConnection(connection);
                tool.run(configuration(output, targetPackage));
            }
        }
        Files.writeString(stamp, digest + "\n");
        log("generated jOOQ classes into " + output);
        return true;
    }

    private static void migrate(EmbeddedPostgres postgres, Path migrations) {
        // The minimal organizations table is created so that the foreign key of provider_settings resolves; it is
        // not generated (hosts name their own organizations table at runtime).
        Flyway.configure()
                .dataSource(postgres.getPostgresDatabase())
                .locations("filesystem:" + migrations.toAbsolutePath())
                .table(HISTORY_TABLE)
                .placeholders(Map.of(
                        "organizations_table", "organizations",
                        "organizations_id_column", "id",
                        "create_organizations_table", "true"))
                .load()
                .migrate();
    }

    static Configuration configuration(Path output, String targetPackage) {
        return new Configuration()
                .withGenerator(new Generator()
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.postgres.PostgresDatabase")
                                .withInputSchema("public")
                                .withIncludes(INCLUDED_TABLES)
                                .withIncludeRoutines(false)
                                .withIncludeSequences(true)
                                .withIncludeUDTs(false)
                                .withIncludeDomains(false))
                        .withGenerate(new Generate()
                                .withRecords(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withJavaTimeTypes(true)
                                .withGeneratedAnnotation(false)
                                .withComments(true))
                        .withTarget(new Target()
                                .withPackageName(targetPackage)
                                .withDirectory(output.toAbsolutePath().toString())
                                .withClean(true)));
    }

    private static String digest(Path migrations, String targetPackage) throws IOException {
        try (Stream<Path> files = Files.walk(migrations)) {
            List<Path> sorted = files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(targetPackage.getBytes(StandardCharsets.UTF_8));
            // The generator's own version matters too: a new jOOQ must regenerate.
            sha.update(org.jooq.Constants.VERSION.getBytes(StandardCharsets.UTF_8));
            for (Path file : sorted) {
                sha.update(migrations.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void log(String message) {
        System.out.println("[provider-settings-jooq-codegen] " + message);
    }
}
