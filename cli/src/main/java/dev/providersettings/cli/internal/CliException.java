package dev.providersettings.cli.internal;

import dev.providersettings.exception.ProviderSettingsException;

/**
 * Bad input or configuration found by the command line itself, with the exit code it ends the process with.
 * The message says what is wrong and how to fix it; it never holds a secret value.
 */
public final class CliException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code ({@link ExitCode}). */
    public int exitCode() {
        return exitCode;
    }

    /** Bad input (exit code {@link ExitCode#USAGE}). */
    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    /** A configuration problem (exit code {@link ExitCode#CONFIGURATION}). */
    public static CliException configuration(String message) {
        return new CliException(ExitCode.CONFIGURATION, message);
    }
}
