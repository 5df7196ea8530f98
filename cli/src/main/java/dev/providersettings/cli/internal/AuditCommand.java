package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code audit}: recent changes of one organization (who, when, which keys, versions), never values. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show recent changes of one organization's settings, newest first: when, who, provider, key, "
                + "action and version. Never a value. The trail outlives a deleted organization.")
public final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Option(names = {"-o", "--org"}, required = true, paramLabel = "UUID", description = "The organization.")
    String organization;

    @Option(names = {"-p", "--provider"}, paramLabel = "CODE", description = "Only this provider.")
    String provider;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only changes since an instant (2026-12-01T10:00:00Z) or a duration ago (PT24H, P7D).")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N rows (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        OrganizationId org = OrganizationId.parse(organization);
        if (limit < 1 || limit > 100_000) {
            throw CliException.usage("--limit " + limit + " is out of range: use 1 to 100000");
        }
        Instant from = since == null ? null : parseSince(since);
        try (Session session = root.session(2)) {
            String code = provider == null ? null : session.registry().factory(provider).code().value();
            List<Inventory.AuditEntry> rows = new Inventory(session.dataSource(), session.schema())
                    .audit(org, code, from, limit);
            Terminal t = root.terminal();
            if (root.json()) {
                List<Map<String, Object>> json = new ArrayList<>();
                for (Inventory.AuditEntry e : rows) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("at", Output.isoTime(e.at()));
                    row.put("actor", e.actor());
                    row.put("provider", e.provider());
                    row.put("key", e.key());
                    row.put("action", e.action());
                    row.put("version", e.version());
                    json.add(row);
                }
                Output.json(t.out(), json);
            } else {
                Output.Table table = new Output.Table("AT", "ACTOR", "PROVIDER", "KEY", "ACTION", "VERSION");
                rows.forEach(e -> table.row(Output.time(e.at()), e.actor(), e.provider(), e.key(), e.action(), e.version()));
                table.print(t.out());
                if (rows.isEmpty()) {
                    t.out().println("no changes recorded for organization " + org.value()
                            + (code == null ? "" : ", provider " + code) + (from == null ? "" : " since " + from));
                }
            }
            return ExitCode.OK;
        }
    }

    static Instant parseSince(String text) {
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                String upper = text.toUpperCase(java.util.Locale.ROOT);
                Duration ago = upper.contains("T") ? Duration.parse(upper)
                        : Duration.ofDays(java.time.Period.parse(upper).getDays());
                return Instant.now().minus(ago);
            }
            return Instant.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw CliException.usage("--since '" + text + "' is neither an instant like 2026-12-01T10:00:00Z nor a "
                    + "duration like PT24H or P7D");
        }
    }
}
