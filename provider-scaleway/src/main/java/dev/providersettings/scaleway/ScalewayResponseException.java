package dev.providersettings.scaleway;

/**
 * The API answered with a success status but a body this client cannot read (broken JSON, an unexpected shape).
 * The message names the endpoint and the JSON location; it never quotes the body, which may hold data.
 */
public class ScalewayResponseException extends ScalewayException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String requestId;

    public ScalewayResponseException(String message, String endpoint, int status, String requestId, Throwable cause) {
        super(message, endpoint, cause);
        this.status = status;
        this.requestId = requestId;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String requestId() {
        return requestId;
    }
}
