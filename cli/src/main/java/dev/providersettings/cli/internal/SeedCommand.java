package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedPlan;
import dev.providersettings.SeedReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code seed}: writes one provider's settings for every (or the chosen) organization from secret directories and
 * the environment; idempotent (unchanged values are not rewritten); {@code --dry-run} prints the plan.
 */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Seed one provider's settings for all (or the chosen) organizations from secret files and "
                + "environment variables. An organization with a directory ROOT/<org uuid> under "
                + "--per-organization-dir takes all its settings from it; the others take them from --secrets-dir "
                + "DIR/<file> and --from-environment (one combined source). Never a mix of an organization's own and "
                + "shared values. Idempotent. --dry-run prints the plan per organization (source, keys, action), "
                + "without values, and writes nothing.")
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

    @Override
    public Integer call() {
        SecretSource source = source();
        try (Session session = root.session(2)) {
            ProviderCode code = session.registry().factory(provider).code();
            List<OrganizationId> orgs = Selection.organizations(organizations, session.store());
            var manager = session.manager();
            var seeder = skipIncomplete ? manager.seeder().skipIncomplete() : manager.seeder().failOnIncomplete();
            if (dryRun) {
                print(seeder.plan(code.value(), source, orgs));
                return ExitCode.OK;
            }
            SeedReport report = seeder.seed(root.actor(), code.value(), source, orgs);
            print(report);
            return ExitCode.OK;
        }
    }

    /**
     * The sources, most specific first: an organization with its own directory takes all its settings from it; the
     * others take theirs from the shared directory and the environment, combined as one source.
     */
    private SecretSource source() {
        List<SecretSource> shared = new ArrayList<>();
        if (secretsDir != null) {
            requireDirectory("--secrets-dir", secretsDir);
            shared.add(SecretSource.directory(secretsDir));
        }
        if (fromEnvironment) {
            shared.add(SecretSource.environment(root.terminal().environment()));
        }
        List<SecretSource> chain = new ArrayList<>();
        if (perOrganizationDir != null) {
            requireDirectory("--per-organization-dir", perOrganizationDir);
            chain.add(SecretSource.perOrganizationDirectory(perOrganizationDir));
        }
        if (shared.size() == 1) {
            chain.add(shared.get(0));
        } else if (shared.size() > 1) {
            chain.add(SecretSource.merged(shared.toArray(SecretSource[]::new)));
        }
        if (chain.isEmpty()) {
            throw CliException.usage("no source to seed from: pass --per-organization-dir, --secrets-dir and/or "
                    + "--from-environment");
        }
        return chain.size() == 1 ? chain.get(0) : SecretSource.firstOf(chain.toArray(SecretSource[]::new));
    }

    private static void requireDirectory(String option, Path directory) {
        if (!Files.isDirectory(directory)) {
            throw CliException.usage(option + " " + directory + " is not a directory: check the path");
        }
    }

    private void print(SeedPlan plan) {
        Terminal t = root.terminal();
        if (root.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (SeedPlan.Entry e : plan.organizations()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("organization", e.organization().value().toString());
                row.put("source", e.source());
                row.put("action", e.action().name().toLowerCase(java.util.Locale.ROOT));
                row.put("keys", e.keys());
                row.put("toWrite", e.toWrite());
                row.put("missing", e.missing());
                rows.add(row);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("provider", plan.provider().value());
            result.put("dryRun", true);
            result.put("organizations", rows);
            Output.json(t.out(), result);
            return;
        }
        boolean all = details || plan.organizations().size() <= DETAIL_LIMIT;
        Output.Table table = new Output.Table("ORGANIZATION", "ACTION", "SOURCE", "KEYS", "TO WRITE", "MISSING");
        for (SeedPlan.Entry e : plan.organizations()) {
            if (all || e.action() != SeedPlan.Action.UNCHANGED) {
                table.row(e.organization().value(), e.action(), e.source(), join(e.keys()), join(e.toWrite()),
                        join(e.missing()));
            }
        }
        if (table.size() > 0) {
            table.print(t.out());
        }
        t.out().println("dry run for provider " + plan.provider() + ": " + plan.organizations().size()
                + " organization(s), " + plan.withAction(SeedPlan.Action.WRITE).size() + " to write, "
                + plan.withAction(SeedPlan.Action.UNCHANGED).size() + " unchanged, "
                + plan.withAction(SeedPlan.Action.INCOMPLETE).size() + " incomplete; nothing was written");
        t.out().flush();
    }

    private void print(SeedReport report) {
        Terminal t = root.terminal();
        if (root.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (SeedReport.OrganizationResult r : report.organizations()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("organization", r.organization().value().toString());
                row.put("source", r.source());
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
        Output.Table table = new Output.Table("ORGANIZATION", "SOURCE", "WRITTEN", "UNCHANGED", "MISSING", "SKIPPED");
        for (SeedReport.OrganizationResult r : report.organizations()) {
            if (all || r.skipped()) {
                table.row(r.organization().value(), r.source(), join(r.written()), join(r.unchanged()),
                        join(r.missing()), r.skipped() ? "yes" : "no");
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
