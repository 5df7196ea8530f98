package dev.providersettings.spring;

import dev.providersettings.ProviderManager;
import dev.providersettings.metrics.ProviderSettingsMetrics;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.metrics.ChangeFeedMetrics;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.metrics.ScalewayCallMetrics;
import dev.providersettings.spring.internal.StartupSeeding;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Registers the provider-settings meters when Micrometer is on the classpath, as {@code MeterBinder} beans that
 * Spring Boot binds to every {@code MeterRegistry}: {@link ProviderSettingsMetrics} (cache and seeding),
 * {@link ChangeFeedMetrics} (Postgres change feed) and {@link ScalewayCallMetrics} (Scaleway API calls, which the
 * starter's Scaleway factory reports to). {@code provider-settings.metrics.enabled=false} turns them off.
 */
@AutoConfiguration(after = ProviderSettingsAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnProperty(prefix = ProviderSettingsProperties.PREFIX, name = "metrics.enabled", havingValue = "true",
        matchIfMissing = true)
public class ProviderSettingsMetricsAutoConfiguration {

    /** Created by Spring. */
    public ProviderSettingsMetricsAutoConfiguration() {
    }

    /** Cache and seeding meters of the manager. */
    @Bean
    @ConditionalOnMissingBean(ProviderSettingsMetrics.class)
    @ConditionalOnBean(ProviderManager.class)
    public ProviderSettingsMetrics providerSettingsMetrics(ProviderManager manager) {
        return new ProviderSettingsMetrics(manager);
    }

    /** Counts the start-up seeding in the meters. */
    @Bean
    @ConditionalOnBean(ProviderSettingsMetrics.class)
    public StartupSeeding.Listener providerSettingsSeedingMetrics(ProviderSettingsMetrics metrics) {
        return metrics::recordSeeding;
    }

    /** Change feed meters of the Postgres store. */
    @Bean
    @ConditionalOnMissingBean(ChangeFeedMetrics.class)
    @ConditionalOnBean(PostgresCredentialStore.class)
    @ConditionalOnProperty(prefix = ProviderSettingsProperties.PREFIX, name = "change-feed.enabled", havingValue = "true",
            matchIfMissing = true)
    public ChangeFeedMetrics providerSettingsChangeFeedMetrics(PostgresCredentialStore store) {
        return new ChangeFeedMetrics(store);
    }

    /**
     * Scaleway call meters; a {@code ScalewayCallListener} bean, so the starter's factory reports to it. The
     * organization tag is off unless {@code provider-settings.metrics.organization-tag.enabled=true}.
     */
    @Bean
    @ConditionalOnMissingBean(ScalewayCallMetrics.class)
    @ConditionalOnBean(ScalewayProviderFactory.class)
    public ScalewayCallMetrics providerSettingsScalewayCallMetrics(ProviderSettingsProperties properties) {
        properties.validate();
        OrganizationTagProperties tag = properties.getMetrics().getOrganizationTag();
        ScalewayCallMetrics.Builder builder = ScalewayCallMetrics.builder();
        if (tag.isEnabled()) {
            builder.organizationTag(tag.getMaxValues());
        }
        return builder.build();
    }
}
