package dev.providersettings.cli.internal;

/**
 * The documented exit codes of the command line (also listed in {@code cli/README.md} and the help footer).
 */
public final class ExitCode {
    /** Everything worked and every check passed. */
    public static final int OK = 0;
    /** The command ran, but a check failed: a probe, a doctor check, or a rewrap that left secrets under old keys. */
    public static final int CHECK_FAILED = 1;
    /** Bad input: unknown option, malformed id, unknown organization, provider or key, invalid value. */
    public static final int USAGE = 2;
    /** Configuration: no database URL, unreadable key file, malformed key ring, a secret the key ring cannot decrypt. */
    public static final int CONFIGURATION = 3;
    /** The database is unreachable or refused the connection (down, wrong host, wrong password). */
    public static final int UNAVAILABLE = 4;
    /** A check-and-set write lost: the stored version differs from {@code --expect-version}. Nothing was written. */
    public static final int CONFLICT = 5;
    /** An unexpected internal error (a bug): run again with {@code --verbose} and report the stack trace. */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }
}
