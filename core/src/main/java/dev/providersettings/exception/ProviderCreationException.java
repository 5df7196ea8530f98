package dev.providersettings.exception;


/** A provider factory failed to build the client from valid settings. */
public class ProviderCreationException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    public ProviderCreationException(String message, Throwable cause) {
        super(message, cause);
    }
}
