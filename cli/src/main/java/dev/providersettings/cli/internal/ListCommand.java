package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SettingDefinition;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code list}: organizations × providers, which keys are set, versions, who wrote them; never a value. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Show, for each organization and provider, whether the settings are complete, which keys are "
                + "set, their versions, when and by whom they were last written, and which encryption key holds "
                + "each secret. Never a value.")
public final class ListCommand implements Callable<Integer> {
    private static final int CHUNK = 5000;

    @ParentCommand
    RootCommand root;

    @Mixin
    SelectionOptions selection;

    @Option(names = {"-k", "--keys"}, description = "One row per stored key instead of one per organization and provider.")
    boolean keys;

    @Option(names = "--configured", description = "Only organizations with at least one setting for the provider.")
    boolean configuredOnly;

    @Override
    public Integer call() {
        Terminal t = root.terminal();
        try (Session session = root.session(2)) {
            var store = session.store();
            var registry = session.registry();
            List<ProviderCode> codes = selection.providers(registry);
            List<OrganizationId> orgs = selection.organizations(store);
            Inventory inventory = new Inventory(session.dataSource(), session.schema());
            List<Map<String, Object>> json = new ArrayList<>();
            Output.Table table = keys
                    ? new Output.Table("ORGANIZATION", "PROVIDER", "KEY", "TYPE", "VERSION", "UPDATED", "BY", "ENCRYPTION KEY")
                    : new Output.Table("ORGANIZATION", "PROVIDER", "STATUS", "SET", "UPDATED", "BY", "MISSING");
            for (int start = 0; start < orgs.size(); start += CHUNK) {
                List<OrganizationId> chunk = orgs.subList(start, Math.min(orgs.size(), start + CHUNK));
                Map<String, String> actors = inventory.lastActors(chunk);
                for (ProviderCode code : codes) {
                    Map<String, SettingDefinition> definitions = registry.definitions(code);
                    Map<OrganizationId, StoredSettings> loaded = store.loadMany(code, chunk);
                    for (OrganizationId org : chunk) {
                        StoredSettings stored = loaded.get(org);
                        if (stored == null || (configuredOnly && stored.settings().isEmpty())) {
                            continue;
                        }
                        row(org, code, definitions, stored, actors, table, json);
                    }
                }
            }
            if (root.json()) {
                Output.json(t.out(), json);
            } else {
                table.print(t.out());
            }
            return ExitCode.OK;
        }
    }

    private void row(OrganizationId org, ProviderCode code, Map<String, SettingDefinition> definitions,
                     StoredSettings stored, Map<String, String> actors, Output.Table table,
                     List<Map<String, Object>> json) {
        List<String> missing = definitions.values().stream()
                .filter(d -> d.isRequired() && d.defaultValue() == null && !stored.settings().containsKey(d.key()))
                .map(SettingDefinition::key).toList();
        String status = stored.settings().isEmpty() ? "none" : missing.isEmpty() ? "complete" : "incomplete";
        List<StoredSetting> settings = new ArrayList<>(stored.settings().values());
        settings.sort(Comparator.comparing(StoredSetting::key));
        StoredSetting latest = settings.stream().max(Comparator.comparing(StoredSetting::updatedAt)).orElse(null);
        if (root.json()) {
            List<Map<String, Object>> keyRows = new ArrayList<>();
            for (StoredSetting s : settings) {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("key", s.key());
                k.put("type", s.value().type().name().toLowerCase(java.util.Locale.ROOT));
                k.put("version", s.version());
                k.put("updatedAt", Output.isoTime(s.updatedAt()));
                k.put("updatedBy", actors.get(Inventory.actorKey(org, code.value(), s.key())));
                k.put("encryptionKeyId", keyId(s));
                k.put("declared", definitions.containsKey(s.key()));
                keyRows.add(k);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("organization", org.value().toString());
            entry.put("provider", code.value());
            entry.put("status", status);
            entry.put("missing", missing);
            entry.put("settings", keyRows);
            json.add(entry);
        } else if (keys) {
            for (StoredSetting s : settings) {
                table.row(org.value(), code.value(), s.key(), s.value().type().name().toLowerCase(java.util.Locale.ROOT),
                        s.version(), Output.time(s.updatedAt()), actors.get(Inventory.actorKey(org, code.value(), s.key())),
                        keyId(s));
            }
        } else {
            Instant at = latest == null ? null : latest.updatedAt();
            String by = latest == null ? null : actors.get(Inventory.actorKey(org, code.value(), latest.key()));
            table.row(org.value(), code.value(), status, settings.size() + "/" + definitions.size(), Output.time(at), by,
                    missing.isEmpty() ? "-" : String.join(",", missing));
        }
    }

    private static String keyId(StoredSetting setting) {
        return setting.value() instanceof StoredValue.Encrypted e ? e.secret().keyId() : null;
    }
}
