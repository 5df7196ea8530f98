package dev.providersettings.cli.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.Secret;
import dev.providersettings.SettingDefinition;
import dev.providersettings.SettingsUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code set}: writes settings of one organization and provider. Secret values come from stdin or a file, never from
 * the command line (argv leaks into shell history and {@code ps}).
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Write settings of one organization and provider (validated, secrets encrypted, audited). "
                + "Secret values are read from stdin (--secret-stdin KEY) or a file (--secret-file KEY=PATH), never "
                + "from the command line.")
public final class SetCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Mixin
    TargetOptions target;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*", description = "Non-secret settings.")
    List<String> assignments;

    @Option(names = "--secret-stdin", paramLabel = "KEY",
            description = "Read this secret's value from standard input (a trailing newline is dropped).")
    String secretFromStdin;

    @Option(names = "--secret-file", paramLabel = "KEY=PATH",
            description = "Read this secret's value from a file (repeatable; a trailing newline is dropped).")
    Map<String, String> secretFiles;

    @Option(names = "--expect-version", paramLabel = "KEY=N",
            description = "Check-and-set: write only if KEY is at version N (0 = absent); repeatable.")
    Map<String, Long> expectedVersions;

    @Option(names = "--probe", description = "Run the provider's credential probe on the result first; write only if it passes.")
    boolean probe;

    @Override
    public Integer call() {
        OrganizationId org = target.organization();
        try (Session session = root.session(2)) {
            var registry = session.registry();
            ProviderCode code = registry.factory(target.provider).code();
            Map<String, SettingDefinition> definitions = registry.definitions(code);
            SettingsUpdate.Builder update = SettingsUpdate.builder();
            boolean any = false;
            // Refuse every secret on argv before reading anything else, so nothing is half-done.
            Map<String, String> plain = new LinkedHashMap<>();
            for (String assignment : assignments == null ? List.<String>of() : assignments) {
                int eq = assignment.indexOf('=');
                if (eq <= 0) {
                    throw CliException.usage("argument '" + (eq == 0 ? "=<value>" : "<" + assignment.length()
                            + " characters>") + "' is not KEY=VALUE: write e.g. SCALEWAY_PROJECT_ID=<uuid>");
                }
                String key = assignment.substring(0, eq);
                SettingDefinition definition = definitions.get(key);
                if (definition != null && definition.isSecret()) {
                    throw CliException.usage(key + " is a secret and was given on the command line, which leaks into "
                            + "shell history and the process list; nothing was written. Pass it with --secret-stdin "
                            + key + " (e.g. read from a password manager) or --secret-file " + key + "=/path/to/file");
                }
                plain.put(key, assignment.substring(eq + 1));
            }
            for (Map.Entry<String, String> e : plain.entrySet()) {
                update.set(e.getKey(), convert(definitions.get(e.getKey()), e.getKey(), e.getValue()));
                any = true;
            }
            if (secretFromStdin != null) {
                update.setSecret(secretKey(definitions, code, secretFromStdin), readStdin(secretFromStdin));
                any = true;
            }
            if (secretFiles != null) {
                for (Map.Entry<String, String> e : secretFiles.entrySet()) {
                    update.setSecret(secretKey(definitions, code, e.getKey()), readFile(e.getKey(), Path.of(e.getValue())));
                    any = true;
                }
            }
            if (!any) {
                throw CliException.usage("nothing to set: give KEY=VALUE arguments, --secret-stdin KEY or "
                        + "--secret-file KEY=PATH");
            }
            if (expectedVersions != null) {
                expectedVersions.forEach(update::expectVersion);
            }
            String who = root.actor();
            var service = session.manager().settings();
            Map<String, Long> versions = probe ? service.updateAfterProbe(who, org, code.value(), update.build())
                    : service.update(who, org, code.value(), update.build());
            print(root, org, code, who, versions);
            return ExitCode.OK;
        }
    }

    static void print(RootCommand root, OrganizationId org, ProviderCode code, String actor, Map<String, Long> versions) {
        Terminal t = root.terminal();
        if (root.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("organization", org.value().toString());
            result.put("provider", code.value());
            result.put("actor", actor);
            result.put("versions", versions);
            Output.json(t.out(), result);
        } else {
            StringBuilder line = new StringBuilder("organization " + org.value() + ", provider " + code + ":");
            versions.forEach((k, v) -> line.append(' ').append(k).append(v == 0 ? " removed" : " v" + v).append(','));
            line.setLength(line.length() - 1);
            t.out().println(line + " (by " + actor + ")");
            t.out().flush();
        }
    }

    private static String secretKey(Map<String, SettingDefinition> definitions, ProviderCode code, String key) {
        SettingDefinition definition = definitions.get(key);
        if (definition == null) {
            throw CliException.usage(key + " is not a setting of provider " + code + ": its settings are "
                    + definitions.keySet());
        }
        if (!definition.isSecret()) {
            throw CliException.usage(key + " is not a secret setting of provider " + code + ": pass it as " + key
                    + "=VALUE");
        }
        return key;
    }

    private Secret readStdin(String key) {
        try {
            String text = new String(root.terminal().in().readAllBytes(), StandardCharsets.UTF_8);
            return nonEmpty(key, stripNewline(text), "standard input");
        } catch (IOException e) {
            throw CliException.usage("cannot read " + key + " from standard input (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Secret readFile(String key, Path file) {
        try {
            return nonEmpty(key, stripNewline(Files.readString(file, StandardCharsets.UTF_8)), "file " + file);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + key + " from file " + file + " (" + e.getClass().getSimpleName()
                    + "): check the path and its permissions");
        }
    }

    private static Secret nonEmpty(String key, String value, String origin) {
        if (value.isEmpty()) {
            throw CliException.usage(key + ": " + origin + " is empty; nothing was written");
        }
        return Secret.of(value);
    }

    private static String stripNewline(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** A command-line value as the declared type wants it; undeclared keys stay text (the library rejects them). */
    static Object convert(SettingDefinition definition, String key, String value) {
        if (definition == null) {
            return value;
        }
        switch (definition.type()) {
            case INTEGER:
                try {
                    return Long.parseLong(value.strip());
                } catch (NumberFormatException e) {
                    throw CliException.usage(key + " is declared integer: '" + value + "' is not a whole number");
                }
            case BOOLEAN:
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(value);
                }
                throw CliException.usage(key + " is declared boolean: '" + value + "' is neither true nor false");
            default:
                return value;
        }
    }
}
