package dev.providersettings.exception;

import dev.providersettings.internal.UntrustedText;
import dev.providersettings.ProviderCode;

import java.util.Collection;
import java.util.List;

/** No provider is registered under the code; the message lists the registered ones. */
public class UnknownProviderException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    public UnknownProviderException(String code, Collection<ProviderCode> registered) {
        super("unknown provider '" + UntrustedText.quote(code == null ? null : String.valueOf(code)) + "': registered providers are "
                + List.copyOf(registered) + "; add the provider's module to the classpath or register its factory explicitly");
    }
}
