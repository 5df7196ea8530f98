package dev.providersettings.scaleway;

/**
 * Waiting for a resource to reach a state ended without success: the wait timed out ({@link #timedOut()}), the
 * resource entered a failure state such as a volume in {@code error}. {@link #lastState()} is the last state
 * observed. An interrupted wait throws {@link ScalewayInterruptedException} instead.
 */
public class ScalewayWaitException extends ScalewayException {
    private static final long serialVersionUID = 1L;

    /** Why the wait ended. */
    public enum Reason {
        /** The time bound passed. */
        TIMED_OUT,
        /** The resource entered a failure state. */
        FAILED_STATE
    }

    private final Reason reason;
    private final String lastState;

    public ScalewayWaitException(Reason reason, String message, String lastState, Throwable cause) {
        super(message, null, cause);
        this.reason = reason;
        this.lastState = lastState;
    }

    public Reason reason() {
        return reason;
    }

    /** The last observed state or status, or null if none was observed. */
    public String lastState() {
        return lastState;
    }

    public boolean timedOut() {
        return reason == Reason.TIMED_OUT;
    }
}
