package dev.providersettings.scaleway;

/**
 * The calling thread was interrupted while a call was in flight, backing off before a retry, or waiting for a
 * state. The thread's interrupt flag is set again before this is thrown, so callers up the stack still see it.
 */
public class ScalewayInterruptedException extends ScalewayException {
    private static final long serialVersionUID = 1L;

    public ScalewayInterruptedException(String message, String endpoint, InterruptedException cause) {
        super(message, endpoint, cause);
    }
}
