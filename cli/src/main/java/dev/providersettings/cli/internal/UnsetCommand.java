package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SettingsUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code unset}: removes settings of one organization and provider, audited. */
@Command(name = "unset", mixinStandardHelpOptions = true,
        description = "Remove settings of one organization and provider (audited), with check-and-set if asked.")
public final class UnsetCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Mixin
    TargetOptions target;

    @Parameters(paramLabel = "KEY", arity = "0..*", description = "The keys to remove.")
    List<String> keys;

    @Option(names = "--all", description = "Remove every setting of the organization for this provider.")
    boolean all;

    @Option(names = "--expect-version", paramLabel = "KEY=N", description = "Remove KEY only if it is at version N.")
    Map<String, Long> expectedVersions;

    @Override
    public Integer call() {
        OrganizationId org = target.organization();
        boolean named = keys != null && !keys.isEmpty();
        if (all == named) {
            throw CliException.usage(all ? "give either KEY arguments or --all, not both"
                    : "nothing to remove: name the keys, or pass --all");
        }
        try (Session session = root.session(2)) {
            ProviderCode code = session.registry().factory(target.provider).code();
            String who = root.actor();
            var service = session.manager().settings();
            Map<String, Long> versions;
            if (all) {
                int deleted = service.delete(who, org, code.value());
                versions = new LinkedHashMap<>();
                versions.put("deleted", (long) deleted);
                if (root.json()) {
                    SetCommand.print(root, org, code, who, versions);
                } else {
                    root.terminal().out().println("organization " + org.value() + ", provider " + code + ": "
                            + deleted + " setting(s) removed (by " + who + ")");
                }
                return ExitCode.OK;
            }
            var view = service.view(org, code.value());
            for (String key : keys) {
                var entry = view.settings().stream().filter(e -> e.key().equals(key)).findFirst();
                if (entry.isEmpty()) {
                    throw CliException.usage(key + " is not a setting of provider " + code + " (its settings are "
                            + session.registry().definitions(code).keySet() + "); nothing was removed");
                }
                if (!entry.get().set()) {
                    throw CliException.usage(key + " is not set for organization " + org.value() + ", provider " + code
                            + "; nothing was removed");
                }
            }
            SettingsUpdate.Builder update = SettingsUpdate.builder();
            keys.forEach(update::remove);
            if (expectedVersions != null) {
                expectedVersions.forEach(update::expectVersion);
            }
            versions = service.update(who, org, code.value(), update.build());
            SetCommand.print(root, org, code, who, versions);
            return ExitCode.OK;
        }
    }
}
