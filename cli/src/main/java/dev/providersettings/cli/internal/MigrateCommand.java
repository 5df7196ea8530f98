package dev.providersettings.cli.internal;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code migrate}: applies the library's migrations (own history table) and reports what ran. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply the library's pending migrations (history table provider_settings_schema_history) "
                + "and list the ones that ran.")
public final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Option(names = "--create-organizations-table",
            description = "Create a minimal organizations(id uuid) table if the host has none.")
    boolean createOrganizationsTable;

    @Override
    public Integer call() {
        Terminal t = root.terminal();
        try (Session session = root.session(2)) {
            Inventory inventory = new Inventory(session.dataSource(), session.schema());
            int before = inventory.migrations().stream().mapToInt(Inventory.Migration::rank).max().orElse(0);
            int applied = session.migrations().createOrganizationsTable(createOrganizationsTable).build().migrate();
            List<Inventory.Migration> all = inventory.migrations();
            List<Inventory.Migration> ran = all.stream().filter(m -> m.rank() > before && m.version() != null
                    && !m.version().equals("0")).toList();
            String current = all.stream().filter(m -> m.version() != null).reduce((a, b) -> b)
                    .map(Inventory.Migration::version).orElse("none");
            if (root.json()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Inventory.Migration m : ran) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("version", m.version());
                    row.put("description", m.description());
                    row.put("executionMillis", m.executionMillis());
                    row.put("success", m.success());
                    rows.add(row);
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("applied", applied);
                result.put("currentVersion", current);
                result.put("migrations", rows);
                Output.json(t.out(), result);
            } else if (applied == 0) {
                t.out().println("schema is up to date at version " + current + " (" + session.describeDatabase() + ")");
            } else {
                Output.Table table = new Output.Table("VERSION", "DESCRIPTION", "TIME");
                ran.forEach(m -> table.row(m.version(), m.description(), m.executionMillis() + " ms"));
                table.print(t.out());
                t.out().println(applied + " migration(s) applied; schema now at version " + current);
            }
            return ExitCode.OK;
        }
    }
}
