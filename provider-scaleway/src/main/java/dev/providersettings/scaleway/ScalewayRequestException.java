package dev.providersettings.scaleway;

/**
 * A call was refused before anything was sent, because its input is invalid: a shrinking or fractional volume
 * resize, a malformed zone or id, a missing field. The message says what is wrong and how to fix it.
 */
public class ScalewayRequestException extends ScalewayException {
    private static final long serialVersionUID = 1L;

    public ScalewayRequestException(String message) {
        super(message, null, null);
    }
}
