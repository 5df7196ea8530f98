package dev.providersettings.scaleway;

/**
 * Waiting for a resource to reach a state ended without success: the wait timed out ({@code WAIT_TIMED_OUT},
 * {@link #timedOut()}) or the resource entered a failure state such as a volume in {@code error}
 * ({@code WAIT_FAILED_STATE}). {@link #lastState()} is the last state observed. An interrupted wait is a
 * {@link ScalewayClientException} with reason {@code INTERRUPTED} instead.
 */
public class ScalewayWaitException extends ScalewayClientException {
    private static final long serialVersionUID = 1L;

    private final String lastState;

    /**
     * @param reason    {@code WAIT_TIMED_OUT} or {@code WAIT_FAILED_STATE}
     * @param message   what the wait was for, what was seen, and what to do
     * @param lastState the last observed state or status, or null if none was observed
     * @throws IllegalArgumentException for any other reason
     */
    public ScalewayWaitException(Reason reason, String message, String lastState) {
        super(checked(reason), message, null, 0, null, null);
        this.lastState = lastState;
    }

    private static Reason checked(Reason reason) {
        if (reason != Reason.WAIT_TIMED_OUT && reason != Reason.WAIT_FAILED_STATE) {
            throw new IllegalArgumentException("a wait ends with WAIT_TIMED_OUT or WAIT_FAILED_STATE, not " + reason);
        }
        return reason;
    }

    /** The last observed state or status, or null if none was observed. */
    public String lastState() {
        return lastState;
    }

    /** Whether the wait ran out of time (rather than seeing a failure state). */
    public boolean timedOut() {
        return reason() == Reason.WAIT_TIMED_OUT;
    }
}
