package dev.providersettings.scaleway;

/**
 * The API could not be reached or did not answer in time: connection refused, DNS failure, TLS failure, timeout,
 * connection dropped ({@code TRANSPORT}). {@link #mayHaveReachedServer()} says whether the request may have been
 * processed (a timeout or a dropped connection after sending), which decides whether a non-idempotent call is
 * retried.
 */
public class ScalewayTransportException extends ScalewayClientException {
    private static final long serialVersionUID = 1L;
    private final boolean mayHaveReachedServer;

    /**
     * @param message              what failed and how to fix it
     * @param endpoint             the call, as {@code METHOD /path}
     * @param mayHaveReachedServer false when the connection was never established (nothing was sent)
     * @param cause                the I/O failure
     */
    public ScalewayTransportException(String message, String endpoint, boolean mayHaveReachedServer, Throwable cause) {
        super(Reason.TRANSPORT, message, endpoint, 0, null, cause);
        this.mayHaveReachedServer = mayHaveReachedServer;
    }

    /** False when the connection was never established (nothing was sent); true when the outcome is unknown. */
    public boolean mayHaveReachedServer() {
        return mayHaveReachedServer;
    }

    /** A network failure may pass: true. */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
