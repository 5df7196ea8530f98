package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.SettingDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code seed}: writes one provider's settings for every (or the chosen) organization from secret directories and
 * the environment; idempotent (unchanged values are not rewritten); {@code --dry-run} prints the plan.
 */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Seed one provider's settings for all (or the chosen) organizations from secret files and "
                + "environment variables. Sources, most specific first: --per-organization-dir ROOT/<org uuid>/<file>, "
                + "--secrets-dir DIR/<file>, --from-environment. Idempotent. --dry-run prints which key would come "
                + "from which source, without values.")
public final class SeedCommand implements Callable<Integer> {
    /** Organizations listed one per row in the text report without --details. */
    private static final int DETAIL_LIMIT = 50;

    @ParentCommand
    RootCommand root;

    @Option(names = {"-p", "--provider"}, required = true, paramLabel = "CODE", description = "The provider to seed.")
    String provider;

    @Option(names = {"-o", "--org"}, paramLabel = "UUID", description = "An organization (repeatable; default all).")
    List<String> organizations;

    @Option(names = "--per-organization-dir", paramLabel = "ROOT",
            description = "One sub-directory per organization uuid holding its secret files.")
    Path perOrganizationDir;

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Secret files shared by every organization, e.g. /run/secrets.")
    Path secretsDir;

    @Option(names = "--from-environment", description = "Read values from environment variables (e.g. SCALEWAY_SECRET_KEY).")
    boolean fromEnvironment;

    @Option(names = "--dry-run", description = "Print the plan (keys and their sources, no values); write nothing.")
    boolean dryRun;

    @Option(names = "--skip-incomplete",
            description = "Skip organizations lacking required values instead of failing the whole run.")
    boolean skipIncomplete;

    @Option(names = "--details", description = "List every organization in the text report.")
    boolean details;

    /** A source with the name the plan shows for it. */
    private record Labeled(String label, SecretSource source) {
    }

    @Override
    public Integer call() {
        List<Labeled> sources = sources();
        try (Session session = root.session(2)) {
            ProviderCode code = session.registry().factory(provider).code();
            List<OrganizationId> orgs = Selection.organizations(organizations, session.store());
            if (dryRun) {
                return plan(code, session.registry().definitions(code), orgs, sources);
            }
            SecretSource combined = SecretSource.firstOf(sources.stream().map(Labeled::source).toArray(SecretSource[]::new));
            var manager = session.manager();
            var seeder = skipIncomplete ? manager.seeder().skipIncomplete() : manager.seeder().failOnIncomplete();
            SeedReport report = seeder.seed(root.actor(), code.value(), combined, orgs);
            print(report);
            return ExitCode.OK;
        }
    }

    private List<Labeled> sources() {
        List<Labeled> sources = new ArrayList<>();
        if (perOrganizationDir != null) {
            requireDirectory("--per-organization-dir", perOrganizationDir);
            sources.add(new Labeled("per-organization-dir", SecretSource.perOrganizationDirectory(perOrganizationDir)));
        }
        if (secretsDir != null) {
            requireDirectory("--secrets-dir", secretsDir);
            sources.add(new Labeled("secrets-dir", SecretSource.directory(secretsDir)));
        }
        if (fromEnvironment) {
            sources.add(new Labeled("environment", SecretSource.environment(root.terminal().environment())));
        }
        if (sources.isEmpty()) {
            throw CliException.usage("no source to seed from: pass --per-organization-dir, --secrets-dir and/or "
                    + "--from-environment");
        }
        return sources;
    }

    private static void requireDirectory(String option, Path directory) {
        if (!Files.isDirectory(directory)) {
            throw CliException.usage(option + " " + directory + " is not a directory: check the path");
        }
    }

    private int plan(ProviderCode code, Map<String, SettingDefinition> definitions, List<OrganizationId> orgs,
                     List<Labeled> sources) {
        Terminal t = root.terminal();
        List<Map<String, Object>> json = new ArrayList<>();
        Output.Table table = new Output.Table("ORGANIZATION", "KEY", "SOURCE");
        int incomplete = 0;
        for (OrganizationId org : orgs) {
            Map<String, String> keys = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (SettingDefinition definition : definitions.values()) {
                String from = null;
                for (Labeled labeled : sources) {
                    Optional<String> value = labeled.source().lookup(org, definition);
                    if (value != null && value.isPresent()) {
                        from = labeled.label();
                        break;
                    }
                }
                if (from != null) {
                    keys.put(definition.key(), from);
                    table.row(org.value(), definition.key(), from);
                } else if (definition.isRequired() && definition.defaultValue() == null) {
                    missing.add(definition.key());
                    table.row(org.value(), definition.key(), "MISSING (required; kept if already stored)");
                }
            }
            if (!missing.isEmpty()) {
                incomplete++;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("organization", org.value().toString());
            entry.put("keys", keys);
            entry.put("missingFromSources", missing);
            json.add(entry);
        }
        if (root.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("provider", code.value());
            result.put("dryRun", true);
            result.put("organizations", json);
            Output.json(t.out(), result);
        } else {
            table.print(t.out());
            t.out().println("dry run for provider " + code + ": " + orgs.size() + " organization(s), " + incomplete
                    + " without a source for some required key; nothing was written");
        }
        return ExitCode.OK;
    }

    private void print(SeedReport report) {
        Terminal t = root.terminal();
        if (root.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (SeedReport.OrganizationResult r : report.organizations()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("organization", r.organization().value().toString());
                row.put("written", r.written());
                row.put("unchanged", r.unchanged());
                row.put("missing", r.missing());
                row.put("skipped", r.skipped());
                rows.add(row);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("provider", report.provider().value());
            result.put("written", report.writtenCount());
            result.put("skipped", report.skipped().stream().map(o -> o.value().toString()).toList());
            result.put("organizations", rows);
            Output.json(t.out(), result);
            return;
        }
        boolean all = details || report.organizations().size() <= DETAIL_LIMIT;
        Output.Table table = new Output.Table("ORGANIZATION", "WRITTEN", "UNCHANGED", "MISSING", "SKIPPED");
        for (SeedReport.OrganizationResult r : report.organizations()) {
            if (all || r.skipped()) {
                table.row(r.organization().value(), join(r.written()), join(r.unchanged()), join(r.missing()),
                        r.skipped() ? "yes" : "no");
            }
        }
        if (table.size() > 0) {
            table.print(t.out());
        }
        long changed = report.organizations().stream().filter(r -> !r.written().isEmpty()).count();
        t.out().println("seeded provider " + report.provider() + ": " + report.organizations().size()
                + " organization(s), " + changed + " changed, " + report.writtenCount() + " key(s) written, "
                + report.skipped().size() + " skipped");
        t.out().flush();
    }

    private static String join(List<String> keys) {
        return keys.isEmpty() ? "-" : String.join(",", keys);
    }
}
