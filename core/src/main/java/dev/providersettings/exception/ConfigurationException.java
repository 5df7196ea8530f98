package dev.providersettings.exception;


/**
 * The library is wired wrongly: a missing or short encryption key, two providers with one code, a component used
 * after {@code close()}. The message says how to fix it.
 */
public class ConfigurationException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
