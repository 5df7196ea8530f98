package dev.providersettings.cli.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command talks to: its streams, the environment it reads configuration from, and whether stderr is an
 * interactive terminal (progress bars) or not (plain progress lines). Tests pass their own.
 *
 * @param in          standard input (secret values of {@code set})
 * @param out         standard output (results: tables or JSON)
 * @param err         standard error (errors, warnings, progress)
 * @param environment the environment variables
 * @param interactive whether {@code err} is a terminal
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
                       boolean interactive) {
    public Terminal {
        environment = Map.copyOf(environment);
    }

    @Override
    public String toString() {
        // the environment may hold PROVIDER_SETTINGS_KEYS or a database password
        return "Terminal[interactive=" + interactive + "]";
    }
}
