package dev.providersettings.spring.internal;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.spring.ProviderSettingsPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a provider-settings failure during start-up into Spring Boot's "APPLICATION FAILED TO START" report: what
 * is wrong (the exception's message, which never holds a secret) and what to do. Registered in
 * {@code META-INF/spring.factories}.
 */
public final class ProviderSettingsFailureAnalyzer extends AbstractFailureAnalyzer<ProviderSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ProviderSettingsException cause) {
        if (cause instanceof ProviderSettingsPropertyException property) {
            return new FailureAnalysis("provider-settings could not start, a property is invalid: " + property.getMessage(),
                    "Update " + property.property() + ": " + property.fix(), cause);
        }
        if (cause instanceof CredentialStoreUnavailableException) {
            return new FailureAnalysis("provider-settings could not reach its Postgres database: " + cause.getMessage(),
                    "Check that the database is running and that spring.datasource.url, spring.datasource.username"
                            + " and spring.datasource.password (or provider-settings.change-feed.url for the change"
                            + " feed's direct connection) point at it.", cause);
        }
        if (cause instanceof ConfigurationException) {
            return new FailureAnalysis("provider-settings is misconfigured: " + cause.getMessage(),
                    "Fix the configuration as the message says; the provider-settings.* properties are listed in the"
                            + " starter's README (or set provider-settings.enabled=false to turn the starter off).",
                    cause);
        }
        return new FailureAnalysis("provider-settings failed during start-up: " + cause.getMessage(),
                "Fix the cause named in the message; " + cause.getClass().getSimpleName()
                        + (cause.isRetryable() ? " is retryable, so starting again may succeed." : " will not go away by retrying."),
                cause);
    }
}
