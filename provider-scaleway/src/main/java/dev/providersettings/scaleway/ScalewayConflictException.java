package dev.providersettings.scaleway;

import java.util.Set;

/**
 * The resource's state does not allow the call: {@code TRANSIENT_STATE} (409, busy in {@link #currentState()};
 * retried by the policy, so seeing it means it stayed busy), {@code ALREADY_EXISTS} (409) or
 * {@code PRECONDITION_FAILED} (412, {@link #precondition()}, e.g. a volume still in use).
 */
public class ScalewayConflictException extends ScalewayServiceException {
    private static final long serialVersionUID = 1L;
    private static final Set<ScalewayErrorType> TYPES = Set.of(ScalewayErrorType.TRANSIENT_STATE,
            ScalewayErrorType.ALREADY_EXISTS, ScalewayErrorType.PRECONDITION_FAILED);

    /**
     * @throws IllegalArgumentException if {@code errorType} is not {@code TRANSIENT_STATE}, {@code ALREADY_EXISTS}
     *                                  or {@code PRECONDITION_FAILED}
     */
    public ScalewayConflictException(ScalewayErrorType errorType, ScalewayError error, String endpoint) {
        super(TYPES, errorType, error, endpoint);
    }

    /** {@code TRANSIENT_STATE}: the state the resource was in, or null. */
    public String currentState() {
        return error().currentState();
    }

    /** {@code PRECONDITION_FAILED}: which precondition failed, or null. */
    public String precondition() {
        return error().precondition();
    }
}
