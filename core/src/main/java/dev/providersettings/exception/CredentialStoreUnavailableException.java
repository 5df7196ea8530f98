package dev.providersettings.exception;


/** The credential store cannot be reached (database down, pool exhausted). Retryable; carries the cause. */
public class CredentialStoreUnavailableException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    public CredentialStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
