package dev.providersettings.scaleway;

/**
 * 404 {@code not_found} (and the legacy {@code unknown_resource}): the resource does not exist, was deleted, or is
 * not visible to this key. {@link #resource()} and {@link #resourceId()} say which.
 */
public class ScalewayNotFoundException extends ScalewayServiceException {
    private static final long serialVersionUID = 1L;

    /** The API answered {@code endpoint} with a not-found {@code error}. */
    public ScalewayNotFoundException(ScalewayError error, String endpoint) {
        super(ScalewayErrorType.NOT_FOUND, error, endpoint);
    }
}
