package dev.providersettings.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code provider-settings.*} properties of the Spring Boot starter. Every group has working defaults except
 * the key ring, which must name where the keys are ({@code provider-settings.key-ring.file} or
 * {@code provider-settings.key-ring.environment-variable}).
 *
 * <p>{@link #validate()} runs before any bean is built from these values and throws
 * {@link ProviderSettingsPropertyException} naming the first wrong property and its fix.
 */
@ConfigurationProperties(prefix = ProviderSettingsProperties.PREFIX)
public class ProviderSettingsProperties {
    /** The common prefix of these properties. */
    public static final String PREFIX = "provider-settings";

    /** Whether the starter configures anything at all. */
    private boolean enabled = true;

    @NestedConfigurationProperty
    private final KeyRingProperties keyRing = new KeyRingProperties();
    @NestedConfigurationProperty
    private final CacheProperties cache = new CacheProperties();
    @NestedConfigurationProperty
    private final StoreProperties store = new StoreProperties();
    @NestedConfigurationProperty
    private final ChangeFeedProperties changeFeed = new ChangeFeedProperties();
    @NestedConfigurationProperty
    private final SeedingProperties seeding = new SeedingProperties();
    @NestedConfigurationProperty
    private final ScalewayProperties scaleway = new ScalewayProperties();
    @NestedConfigurationProperty
    private final MetricsProperties metrics = new MetricsProperties();
    @NestedConfigurationProperty
    private final HealthProperties health = new HealthProperties();

    /** Whether the starter configures anything at all. */
    public boolean isEnabled() {
        return enabled;
    }

    /** Whether the starter configures anything at all. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Where the encryption keys come from. */
    public KeyRingProperties getKeyRing() {
        return keyRing;
    }

    /** The provider cache. */
    public CacheProperties getCache() {
        return cache;
    }

    /** The Postgres store and its migrations. */
    public StoreProperties getStore() {
        return store;
    }

    /** Cross-node invalidation through LISTEN/NOTIFY. */
    public ChangeFeedProperties getChangeFeed() {
        return changeFeed;
    }

    /** Seeding of credentials on start-up. */
    public SeedingProperties getSeeding() {
        return seeding;
    }

    /** The Scaleway provider's endpoint, timeouts and retries. */
    public ScalewayProperties getScaleway() {
        return scaleway;
    }

    /** Micrometer meters. */
    public MetricsProperties getMetrics() {
        return metrics;
    }

    /** The health indicator. */
    public HealthProperties getHealth() {
        return health;
    }

    /**
     * Checks the values that the binder cannot check by type. The key ring is checked when the starter builds
     * it (not when the application declares its own {@code SecretCipher}).
     *
     * @throws ProviderSettingsPropertyException naming the first wrong property and how to fix it
     */
    public void validate() {
        cache.validate();
        store.validate();
        changeFeed.validate();
        seeding.validate();
        scaleway.validate();
        metrics.validate();
        health.validate();
    }
}
