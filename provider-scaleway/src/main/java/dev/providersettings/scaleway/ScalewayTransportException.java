package dev.providersettings.scaleway;

/**
 * The API could not be reached or did not answer in time: connection refused, DNS failure, TLS failure, timeout,
 * connection dropped. {@link #mayHaveReachedServer()} says whether the request may have been processed (a timeout
 * or a dropped connection after sending), which decides whether a non-idempotent call is retried.
 */
public class ScalewayTransportException extends ScalewayException {
    private static final long serialVersionUID = 1L;
    private final boolean mayHaveReachedServer;

    public ScalewayTransportException(String message, String endpoint, boolean mayHaveReachedServer, Throwable cause) {
        super(message, endpoint, cause);
        this.mayHaveReachedServer = mayHaveReachedServer;
    }

    /** False when the connection was never established (nothing was sent); true when the outcome is unknown. */
    public boolean mayHaveReachedServer() {
        return mayHaveReachedServer;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
