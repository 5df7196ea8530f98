package dev.providersettings.exception;


/** An identifier (organization id, provider code, setting key) is null, blank or malformed. */
public class InvalidIdentifierException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    public InvalidIdentifierException(String message) {
        super(message);
    }
}
