package dev.providersettings;

/**
 * The answer of a credential probe ("does this key work?").
 *
 * @param outcome     passed, failed, or not supported by the provider
 * @param failedCheck the name of the check that failed (e.g. {@code secret_key_accepted}), or null
 * @param message     what was checked or what failed, never a secret value
 */
public record ProbeResult(Outcome outcome, String failedCheck, String message) {

    /** How a probe ended. */
    public enum Outcome {
        /** Every check passed. */
        PASSED,
        /** A check failed; {@link #failedCheck()} names it. */
        FAILED,
        /** The provider cannot probe its credentials. */
        UNSUPPORTED
    }

    public static ProbeResult passed(String message) {
        return new ProbeResult(Outcome.PASSED, null, message);
    }

    public static ProbeResult failed(String failedCheck, String message) {
        return new ProbeResult(Outcome.FAILED, failedCheck, message);
    }

    public static ProbeResult unsupported(ProviderCode provider) {
        return new ProbeResult(Outcome.UNSUPPORTED, null, "provider " + provider + " has no credential probe");
    }

    /** Whether every check passed. */
    public boolean passed() {
        return outcome == Outcome.PASSED;
    }
}
