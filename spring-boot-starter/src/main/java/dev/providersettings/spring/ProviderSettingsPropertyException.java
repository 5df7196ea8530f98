package dev.providersettings.spring;

import dev.providersettings.exception.ConfigurationException;

/**
 * A {@code provider-settings.*} property is missing, malformed or contradicts another one. Thrown while the
 * application context starts; the starter's failure analyzer prints the property and the fix instead of a stack
 * trace. The message never contains a secret or key material.
 */
public class ProviderSettingsPropertyException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String fix;

    /**
     * @param property the full property name, e.g. {@code provider-settings.key-ring.file}
     * @param problem  what is wrong with it
     * @param fix      what to do instead
     * @param cause    the underlying failure, or null
     */
    public ProviderSettingsPropertyException(String property, String problem, String fix, Throwable cause) {
        super(property + ": " + problem + "; " + fix, cause);
        this.property = property;
        this.fix = fix;
    }

    /** The full property name, e.g. {@code provider-settings.key-ring.file}. */
    public String property() {
        return property;
    }

    /** What to do to start. */
    public String fix() {
        return fix;
    }
}
