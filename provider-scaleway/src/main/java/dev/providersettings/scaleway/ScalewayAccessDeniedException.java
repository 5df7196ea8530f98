package dev.providersettings.scaleway;

import java.util.Set;

/**
 * The organization's key may not make this call: {@code DENIED_AUTHENTICATION} (401, the secret key is unknown,
 * expired or malformed: {@link #authenticationMethod()}, {@link #authenticationReason()}) or
 * {@code PERMISSIONS_DENIED} (403, the key works but lacks the permission named in {@link #details()}).
 */
public class ScalewayAccessDeniedException extends ScalewayServiceException {
    private static final long serialVersionUID = 1L;
    private static final Set<ScalewayErrorType> TYPES =
            Set.of(ScalewayErrorType.DENIED_AUTHENTICATION, ScalewayErrorType.PERMISSIONS_DENIED);

    /**
     * @throws IllegalArgumentException if {@code errorType} is neither {@code DENIED_AUTHENTICATION} nor
     *                                  {@code PERMISSIONS_DENIED}
     */
    public ScalewayAccessDeniedException(ScalewayErrorType errorType, ScalewayError error, String endpoint) {
        super(TYPES, errorType, error, endpoint);
    }

    /** Whether the secret key itself was refused (401), rather than lacking a permission (403). */
    public boolean isAuthenticationFailure() {
        return errorType() == ScalewayErrorType.DENIED_AUTHENTICATION;
    }

    /** {@code DENIED_AUTHENTICATION}: {@code api_key} or {@code jwt}, or null. */
    public String authenticationMethod() {
        return error().method();
    }

    /** {@code DENIED_AUTHENTICATION}: {@code not_found}, {@code expired}, {@code invalid_argument}, or null. */
    public String authenticationReason() {
        return error().reason();
    }
}
