package dev.providersettings.exception;


/**
 * Root of every exception this library throws. Unchecked and open: provider modules add their own subtypes.
 *
 * <p>Messages say what is wrong and how to fix it, and never contain a secret value.
 */
public class ProviderSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProviderSettingsException(String message) {
        super(message);
    }

    public ProviderSettingsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same call later may succeed (a store or network outage, a throttled call). */
    public boolean isRetryable() {
        return false;
    }
}
