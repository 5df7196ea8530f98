package dev.providersettings.spring;

import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretCipher;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Registers {@link ProviderSettingsHealthIndicator} (as {@code providerSettings}) when Spring Boot's health module is
 * present; {@code management.health.provider-settings.enabled=false} turns it off.
 */
@AutoConfiguration(after = ProviderSettingsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnEnabledHealthIndicator("provider-settings")
public class ProviderSettingsHealthAutoConfiguration {

    /** Created by Spring. */
    public ProviderSettingsHealthAutoConfiguration() {
    }

    /** The indicator; the application replaces it by declaring a bean of this name. */

    @Bean
    @ConditionalOnMissingBean(name = "providerSettingsHealthIndicator")
    @ConditionalOnBean({CredentialStore.class, SecretCipher.class})
    public ProviderSettingsHealthIndicator providerSettingsHealthIndicator(CredentialStore store, SecretCipher cipher,
                                                                    ProviderSettingsProperties properties) {
        return new ProviderSettingsHealthIndicator(store, cipher, properties.getChangeFeed().isEnabled(),
                properties.getHealth().getChangeFeedTimeout());
    }
}
