package dev.providersettings.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.KeyRing;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.SettingsService;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.postgres.PostgresSchemaOptions;
import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayCall;
import dev.providersettings.scaleway.ScalewayCallListener;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spring.internal.DependencyVersions;
import dev.providersettings.spring.internal.StartupSeeding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Auto-configuration of provider-settings on the application's {@link DataSource}: migrations (after Boot's own
 * Flyway or Liquibase), the Postgres {@link CredentialStore} with its change feed, the {@link KeyRing} and
 * {@link SecretCipher}, the {@link ProviderRegistry} (ServiceLoader discovery plus every {@link ProviderFactory}
 * bean, which wins over a discovered factory of the same code), the {@link ProviderManager} and its
 * {@link SettingsService}, and optional seeding on start-up. Every bean backs off when the application declares
 * one of the same type. Closing the context closes the manager (and its cached clients), the registry's factories
 * and the store's change feed, in that order; the DataSource stays the application's.
 *
 * <p>Turned off entirely with {@code provider-settings.enabled=false}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnProperty(prefix = ProviderSettingsProperties.PREFIX, name = "enabled", havingValue = "true",
        matchIfMissing = true)
@EnableConfigurationProperties(ProviderSettingsProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class ProviderSettingsAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSettingsAutoConfiguration.class);
    private static final String INLINE = "inline";

    /** Created by Spring. */
    public ProviderSettingsAutoConfiguration() {
    }

    /** The key ring named by {@code provider-settings.key-ring.*}; not built when the application has its own cipher. */
    @Bean
    @ConditionalOnMissingBean({KeyRing.class, SecretCipher.class})
    public KeyRing providerSettingsKeyRing(ProviderSettingsProperties properties) {
        KeyRingProperties config = properties.getKeyRing();
        config.validate();
        KeyRing ring;
        try {
            if (config.getFile() != null) {
                ring = KeyRing.fromFile(config.getFile());
            } else if (PropertyChecks.hasText(config.getEnvironmentVariable())) {
                ring = KeyRing.fromEnvironment(config.getEnvironmentVariable());
            } else {
                LOG.warn("provider-settings.key-ring.inline is set: keys written in configuration are for tests only;"
                        + " use provider-settings.key-ring.file or .environment-variable in production");
                ring = KeyRing.fromEnvironment(Map.of(INLINE, config.getInline()), INLINE);
            }
        } catch (ConfigurationException e) {
            String property = config.getFile() != null ? "key-ring.file"
                    : config.getInline() == null ? "key-ring.environment-variable" : "key-ring.inline";
            // KeyRing messages name key ids and line numbers, never key material.
            throw new ProviderSettingsPropertyException(ProviderSettingsProperties.PREFIX + "." + property,
                    "the key ring cannot be loaded (" + e.getMessage() + ")",
                    "point it at keyId:base64key entries of 32-byte keys (the primary named by a primary=keyId"
                            + " entry, else the first)", e);
        }
        if (config.getPrimary() == null) {
            return ring;
        }
        try {
            return ring.withPrimary(config.getPrimary());
        } catch (ConfigurationException e) {
            throw new ProviderSettingsPropertyException(ProviderSettingsProperties.PREFIX + ".key-ring.primary",
                    "names no key of the ring (" + e.getMessage() + ")",
                    "add that key to the ring first (as a secondary on every node), or name one of " + ring.keyIds(), e);
        }
    }

    /** AES-256-GCM over the key ring. */
    @Bean
    @ConditionalOnMissingBean(SecretCipher.class)
    public SecretCipher providerSettingsSecretCipher(KeyRing keyRing) {
        return new AesGcmSecretCipher(keyRing);
    }

    /** The store properties as the one options value both the migrations and the store are built with. */
    static PostgresSchemaOptions schemaOptions(StoreProperties store) {
        return new PostgresSchemaOptions(store.getSchema(), store.getOrganizationsTable(),
                store.getOrganizationsIdColumn(), store.isCreateOrganizationsTable(), store.isRowLevelSecurity());
    }

    /** Applies the library's migrations once Boot's own database initializers have run. */
    @Bean
    @ConditionalOnMissingBean({ProviderSettingsSchemaInitializer.class, CredentialStore.class})
    @ConditionalOnSingleCandidate(DataSource.class)
    @ConditionalOnProperty(prefix = ProviderSettingsProperties.PREFIX, name = "store.migrate", havingValue = "true",
            matchIfMissing = true)
    public ProviderSettingsSchemaInitializer providerSettingsSchemaInitializer(DataSource dataSource,
                                                                              ProviderSettingsProperties properties) {
        properties.validate();
        new DependencyVersions().check();
        return new ProviderSettingsSchemaInitializer(PostgresMigrations.builder()
                .dataSource(dataSource)
                .schemaOptions(schemaOptions(properties.getStore()))
                .build());
    }

    /**
     * The Postgres store on the application's DataSource (never closed here), listening for other nodes' changes
     * on one dedicated connection unless {@code provider-settings.change-feed.enabled=false}.
     */
    @Bean
    @ConditionalOnMissingBean(CredentialStore.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    public PostgresCredentialStore providerSettingsCredentialStore(DataSource dataSource,
                                                                   ProviderSettingsProperties properties,
                                                                   ObjectProvider<ProviderSettingsSchemaInitializer> migrations) {
        properties.validate();
        // Asking for the initializer creates it, so the schema is migrated before the store is built.
        if (migrations.getIfAvailable() == null) {
            new DependencyVersions().check();
        }
        PostgresCredentialStore.Builder builder = PostgresCredentialStore.builder()
                .dataSource(dataSource)
                .schemaOptions(schemaOptions(properties.getStore()))
                .migrate(false);
        ChangeFeedProperties feed = properties.getChangeFeed();
        if (feed.isEnabled()) {
            builder.changeFeedReconnect(feed.getReconnectInitialDelay(), feed.getReconnectMaxDelay());
            if (PropertyChecks.hasText(feed.getUrl())) {
                builder.changeFeed(feed.getUrl(), feed.getUsername(), feed.getPassword());
            } else {
                HikariDataSource hikari = hikari(dataSource);
                if (hikari == null || hikari.getJdbcUrl() == null) {
                    throw new ProviderSettingsPropertyException(ProviderSettingsProperties.PREFIX + ".change-feed.url",
                            "the change feed needs a JDBC URL for its listening connection and the DataSource ("
                                    + dataSource.getClass().getName() + ") is not a HikariCP pool with one",
                            "set provider-settings.change-feed.url (with .username and .password), or"
                                    + " provider-settings.change-feed.enabled=false on a single node", null);
                }
                builder.changeFeed(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
            }
        }
        return builder.build();
    }

    /**
     * The Scaleway factory with the {@code provider-settings.scaleway.*} endpoint, timeouts and retries, reporting
     * every call to the application's {@link ScalewayCallListener} beans (the metrics one among them).
     */
    @Bean
    @ConditionalOnClass(ScalewayProviderFactory.class)
    @ConditionalOnMissingBean(ScalewayProviderFactory.class)
    public ScalewayProviderFactory providerSettingsScalewayFactory(ProviderSettingsProperties properties,
                                                                   ObjectProvider<ScalewayCallListener> listeners) {
        properties.validate();
        ScalewayProperties config = properties.getScaleway();
        ScalewayProviderFactory.Builder builder = ScalewayProviderFactory.builder()
                .allowInsecureEndpoint(config.isAllowInsecureEndpoint())
                .connectTimeout(config.getConnectTimeout())
                .requestTimeout(config.getRequestTimeout())
                .pollInterval(config.getPollInterval());
        if (config.getBaseUrl() != null) {
            builder.baseUrl(config.getBaseUrl());
        }
        List<ScalewayCallListener> callListeners = listeners.orderedStream().toList();
        if (!callListeners.isEmpty()) {
            builder.callListener(callListeners.size() == 1 ? callListeners.get(0) : new CompositeCallListener(callListeners));
        }
        ScalewayRetryProperties retry = config.getRetry();
        if (retry.isCustomized()) {
            RetryPolicy.Builder policy = RetryPolicy.defaults().toBuilder();
            if (retry.getMaxAttempts() != null) {
                policy.maxAttempts(retry.getMaxAttempts());
            }
            if (retry.getBaseDelay() != null) {
                policy.baseDelay(retry.getBaseDelay());
            }
            if (retry.getMaxDelay() != null) {
                policy.maxDelay(retry.getMaxDelay());
            }
            if (retry.getTotalBudget() != null) {
                policy.totalBudget(retry.getTotalBudget());
            }
            try {
                builder.retryPolicy(policy.build());
            } catch (ConfigurationException e) {
                throw new ProviderSettingsPropertyException(ProviderSettingsProperties.PREFIX + ".scaleway.retry",
                        e.getMessage(), "adjust the retry delays so that base-delay <= max-delay <= total-budget", e);
            }
        }
        return builder.build();
    }

    /**
     * Every factory found by {@link java.util.ServiceLoader}, plus every {@link ProviderFactory} bean; a bean
     * replaces the discovered instance of its class (so the configured Scaleway factory is the one used).
     */
    @Bean
    @ConditionalOnMissingBean(ProviderRegistry.class)
    public ProviderRegistry providerSettingsProviderRegistry(ObjectProvider<ProviderFactory<?>> factories) {
        ProviderRegistry.Builder builder = ProviderRegistry.builder().discover();
        factories.orderedStream().forEach(factory -> builder.exclude(factory.getClass()).register(factory));
        return builder.build();
    }

    /**
     * The provider manager. Its registry and store are beans of their own, closed by Spring after the manager.
     */
    @Bean
    @ConditionalOnMissingBean(ProviderManager.class)
    public ProviderManager providerSettingsProviderManager(CredentialStore store, ProviderRegistry registry,
                                                           SecretCipher cipher, ProviderSettingsProperties properties) {
        properties.validate();
        CacheProperties cache = properties.getCache();
        ProviderManager.Builder builder = ProviderManager.builder()
                .store(store)
                .registry(registry)
                .cipher(cipher)
                .cacheTtl(cache.getTtl())
                .refreshAfter(cache.getRefreshAfter())
                .staleIfError(cache.getStaleIfError())
                .recordHits(cache.isRecordHits())
                .closeRegistryOnClose(false)
                .closeStoreOnClose(false);
        if (cache.getMaximumSize() != null) {
            builder.maximumSize(cache.getMaximumSize());
        }
        return builder.build();
    }

    /** The settings service of the manager (validate, encrypt, store, invalidate). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(SettingsService.class)
    public SettingsService providerSettingsSettingsService(ProviderManager manager) {
        return manager.settings();
    }

    /** Seeds credentials once every singleton exists, before the application serves requests. */
    @Bean
    @ConditionalOnProperty(prefix = ProviderSettingsProperties.PREFIX, name = "seeding.enabled", havingValue = "true")
    @ConditionalOnBean(ProviderManager.class)
    public StartupSeeding providerSettingsStartupSeeding(ProviderManager manager, ProviderSettingsProperties properties,
                                                         ObjectProvider<StartupSeeding.Listener> listeners) {
        properties.validate();
        return new StartupSeeding(manager, properties.getSeeding(), System.getenv(), listeners);
    }

    /** Every {@link ScalewayCallListener} bean in order; one that throws does not keep the others from the call. */
    private record CompositeCallListener(List<ScalewayCallListener> listeners) implements ScalewayCallListener {
        @Override
        public void onCall(ScalewayCall call) {
            RuntimeException first = null;
            for (ScalewayCallListener listener : listeners) {
                try {
                    listener.onCall(call);
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first; // the transport logs the first failure of the factory and keeps the call's outcome
            }
        }
    }

    private static HikariDataSource hikari(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari) {
            return hikari;
        }
        try {
            // A DataSource wrapped by a proxy (tracing, metrics) still exposes the pool it delegates to.
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }
}
