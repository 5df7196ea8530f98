package dev.providersettings.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialProbeFailedException;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.exception.SeedingException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.cli.internal.CliException;
import dev.providersettings.cli.internal.ExitCode;
import dev.providersettings.cli.internal.RootCommand;
import dev.providersettings.cli.internal.Terminal;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The {@code provider-settings} command line ({@code java -jar provider-settings-cli.jar <command> ...}).
 * {@link #execute} runs one command in this JVM with the given streams and environment and returns its exit code
 * (the codes are documented in {@code cli/README.md} and in {@code --help}); {@link #main} runs it on the process's
 * own streams and exits.
 */
public final class ProviderSettingsCli {
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    private ProviderSettingsCli() {
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        // Before the first logger exists: the jar's own configuration (warnings on stderr), unless the user names one.
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "dev/providersettings/cli/logback-cli.xml");
        }
        boolean interactive = System.console() != null && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM"));
        int code = execute(args, System.getenv(), System.in, System.out, System.err, interactive);
        System.exit(code);
    }

    /**
     * Runs one command in this JVM.
     *
     * @param args        the arguments, as after {@code java -jar provider-settings-cli.jar}
     * @param environment environment variables the configuration is read from
     * @param in          standard input (secret values for {@code set})
     * @param out         standard output (tables or JSON)
     * @param err         standard error (one-line errors, warnings, progress)
     * @param interactive whether {@code err} is a terminal (progress bar instead of progress lines)
     * @return the exit code
     */
    public static int execute(String[] args, Map<String, String> environment, InputStream in, PrintStream out,
                              PrintStream err, boolean interactive) {
        Terminal terminal = new Terminal(in, out, err, environment, interactive);
        RootCommand root = new RootCommand(terminal);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println("error: " + redact(e.getMessage(), arguments, e.getCommandLine()));
            err.println("run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage");
            err.flush();
            return ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            int code = exitCode(e);
            err.println("error: " + message(e));
            if (root.verbose()) {
                e.printStackTrace(err);
            } else if (code == ExitCode.INTERNAL) {
                err.println("this is a bug: run again with --verbose and report the stack trace");
            }
            err.flush();
            return code;
        });
        commandLine.setExecutionStrategy(parseResult -> {
            configureLogging(root.verbose());
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine.execute(args);
    }

    private static void configureLogging(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            Logger library = context.getLogger("dev.providersettings");
            library.setLevel(verbose ? Level.DEBUG : Level.WARN);
        }
    }

    /** The exit code of an exception a command threw. */
    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof VersionConflictException) {
            return ExitCode.CONFLICT;
        }
        if (e instanceof CredentialStoreUnavailableException) {
            return ExitCode.UNAVAILABLE;
        }
        if (e instanceof InvalidSettingException || e instanceof InvalidIdentifierException
                || e instanceof MissingOrganizationException || e instanceof UnknownProviderException
                || e instanceof MissingCredentialsException || e instanceof SeedingException) {
            return ExitCode.USAGE;
        }
        if (e instanceof ConfigurationException || e instanceof SecretDecryptionException) {
            return ExitCode.CONFIGURATION;
        }
        if (e instanceof CredentialProbeFailedException) {
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.INTERNAL;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        if (exitCode(e) == ExitCode.INTERNAL || message == null || message.isBlank()) {
            return e.getClass().getName() + (message == null ? "" : ": " + message);
        }
        return message;
    }

    /**
     * A parse error message without the values the user typed: an argument that was not parsed may be a secret typed
     * in the wrong place, and picocli quotes it. Option names and command names stay.
     */
    static String redact(String message, String[] arguments, CommandLine commandLine) {
        if (message == null) {
            return "invalid arguments";
        }
        Set<String> commands = commandLine.getCommandSpec().root().subcommands().keySet();
        String result = message;
        String[] sorted = arguments.clone();
        Arrays.sort(sorted, (a, b) -> b.length() - a.length()); // longest first, so a value inside another stays hidden
        for (String argument : sorted) {
            if (argument.isEmpty() || commands.contains(argument)) {
                continue;
            }
            if (argument.startsWith("-")) {
                int eq = argument.indexOf('=');
                if (eq > 0 && eq < argument.length() - 1) {
                    result = result.replace(argument, argument.substring(0, eq + 1) + "<redacted>");
                }
                continue;
            }
            int eq = argument.indexOf('=');
            String shown = eq > 0 ? argument.substring(0, eq + 1) + "<redacted>" : "<argument>";
            result = result.replace("'" + argument + "'", "'" + shown + "'");
            if (argument.length() >= 12) {
                result = result.replace(argument, shown);
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "ProviderSettingsCli";
    }
}
