package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.ProviderCreationException;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.spi.ProviderFactory;

import dev.providersettings.internal.ClientCache;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.StoredSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Hands out the ready provider client of one organization and caches one client per (organization, provider):
 * <pre>{@code
 * ScalewayProvider scaleway = manager.get(instance.organizationId(), "scaleway", ScalewayProvider.class);
 * }</pre>
 * There is no fallback: no organization, an unknown organization, or missing credentials are errors.
 *
 * <h2>Cache</h2>
 * The cache is built on Caffeine; {@code core/README.md} sums up its guarantees and options in one table.
 * <ul>
 *   <li><b>Hits</b> are one map lookup, without allocation and without reading the clock.</li>
 *   <li><b>Single flight.</b> Concurrent gets of one (organization, provider) share one load and its outcome: if
 *       the load fails, every waiting caller gets the same typed exception at once. Other keys load in parallel.
 *       Nothing is cached for a failed load, an unknown organization or missing credentials.</li>
 *   <li><b>Invalidation wins.</b> A write through {@link #settings()} invalidates before it returns
 *       (read-your-writes); the store's change events invalidate one (organization, provider), one organization,
 *       or everything. A load that started before an invalidation of its key is never served as fresh; a get that
 *       starts after the invalidation never joins it.</li>
 *   <li><b>Bounded.</b> With {@link Builder#maximumSize(long)} each provider's cache holds at most that many
 *       clients; Caffeine's W-TinyLFU policy chooses what to evict, in amortised constant time. Without it the cache
 *       holds every organization resolved within the TTL. Gets of unknown organizations leave nothing behind.</li>
 *   <li><b>Expiry and refresh.</b> Entries expire {@code cacheTtl} after their load (a safety net for missed
 *       events). With {@code refreshAfter} shorter than the TTL, a client in use is reloaded in the background once
 *       it is that old, while the current one keeps being served.</li>
 *   <li><b>Stale-if-error.</b> When reloading an expired entry fails with {@link CredentialStoreUnavailableException},
 *       the expired client is served until {@code staleIfError} has passed since it expired; the store is then retried
 *       at most once a second per entry. An invalidated entry is never served.</li>
 *   <li><b>Everything.</b> After an "everything" event (the change feed reconnected) the cached clients are reloaded
 *       in the background in batches through {@link CredentialStore#loadMany}; a get waits only for the batch that
 *       holds its key.</li>
 *   <li><b>Closing.</b> Evicted, expired, replaced and invalidated clients that are {@link AutoCloseable} are closed
 *       {@code closeDelay} (default one minute) after they left the cache, by Caffeine's removal listener — never
 *       while they are being handed out. A caller may keep using a client it got for a unit of work shorter than the
 *       delay; one that keeps a client longer may find it closed: get the client again per unit of work.</li>
 * </ul>
 * Expiry is applied on time with the system ticker (Caffeine schedules it); with a custom {@link Ticker} it is
 * applied when the cache is maintained (loads, invalidations, {@link #cleanUp()}).
 *
 * <h2>Ownership</h2>
 * The manager owns two daemon threads ({@code provider-settings-reload-*}) for background refreshes and batch
 * reloads, and one ({@code provider-settings-closer}) that closes removed clients after the close delay. {@link #close()} stops them, unsubscribes from the store, closes the cached clients and, unless
 * {@code closeRegistryOnClose(false)}, the registry and so every factory in it. The store is the host's (it may be
 * shared) and is closed only with {@code closeStoreOnClose(true)}. The cipher holds no resources.
 */
public final class ProviderManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderManager.class);

    private final CredentialStore store;
    private final ProviderRegistry registry;
    private final SecretCipher cipher;
    private final Duration ttl;
    private final Duration refreshAfter;
    private final Duration staleIfError;
    private final long maximumSize;
    private final boolean closeRegistry;
    private final boolean closeStore;
    private final ClientCache cache;
    private final CredentialStore.Subscription subscription;
    private final SettingsService settings;
    private final Seeder seeder;
    private volatile boolean closed;

    private ProviderManager(Builder builder) {
        this.store = builder.store;
        this.registry = builder.registry;
        this.cipher = builder.cipher;
        this.ttl = builder.cacheTtl;
        this.refreshAfter = builder.refreshAfter;
        this.staleIfError = builder.staleIfError;
        this.maximumSize = builder.maximumSize;
        this.closeRegistry = builder.closeRegistryOnClose;
        this.closeStore = builder.closeStoreOnClose;
        this.settings = new SettingsService(this);
        this.seeder = new Seeder(this, Seeder.MissingValues.FAIL);
        Ticker ticker = builder.ticker;
        Map<ProviderCode, Class<?>> clientTypes = new LinkedHashMap<>();
        for (ProviderCode code : registry.codes()) {
            clientTypes.put(code, registry.factory(code).clientType());
        }
        this.cache = new ClientCache(clientTypes,
                new ClientCache.Options(maximumSize, ttl, refreshAfter, staleIfError, ticker, builder.recordHits,
                        builder.closeDelay),
                ticker == Ticker.system(), new Loader());
        this.subscription = store.subscribe(this::onChange);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The client of {@code providerCode} for {@code organization}, from the cache or freshly created. A null
     * organization (an instance or user without one) is an error, never a fallback:
     * {@code get(instance.organization().orElse(null), ...)} is the idiom for optional columns.
     *
     * @throws MissingOrganizationException if the organization is null or does not exist in the store
     * @throws MissingCredentialsException  if it has no settings, or lacks required ones, for the provider
     * @throws UnknownProviderException     if no factory has the code
     * @throws ConfigurationException       if {@code clientType} is not what the provider creates, or the manager is closed
     * @throws SecretDecryptionException   if a stored secret cannot be decrypted
     * @throws ProviderCreationException    if the factory fails
     * @throws CredentialStoreUnavailableException if the store cannot be reached (beyond the stale-if-error bound)
     */
    public <P> P get(OrganizationId organization, String providerCode, Class<P> clientType) {
        if (organization == null) {
            throw new MissingOrganizationException("no organization given for provider "
                    + (providerCode == null ? "null" : OrganizationId.abbreviate(providerCode))
                    + ": pass the organization of the instance or user; there is no fallback to another organization");
        }
        if (providerCode != null && clientType != null && !closed) {
            Object client = cache.getIfFresh(providerCode, organization, clientType);
            if (client != null) {
                // The cache checked clientType against the factory's declared client type, and the loader checked
                // that the client is one: no need to read the client's own class here.
                @SuppressWarnings("unchecked")
                P typed = (P) client;
                return typed;
            }
        }
        return load(organization, providerCode, clientType);
    }

    private <P> P load(OrganizationId organization, String providerCode, Class<P> clientType) {
        checkOpen();
        if (clientType == null) {
            throw new ConfigurationException("clientType is null: pass the provider's client class, e.g. ScalewayProvider.class");
        }
        ProviderFactory<?> factory = registry.factory(providerCode);
        ProviderCode code = factory.code();
        if (!clientType.isAssignableFrom(factory.clientType())) {
            throw new ConfigurationException("provider " + code + " creates " + factory.clientType().getName()
                    + ", which is not a " + clientType.getName() + ": ask for " + factory.clientType().getSimpleName()
                    + ".class or one of its supertypes");
        }
        return clientType.cast(cache.get(code, organization));
    }

    /** Loads for the cache; it never holds a cache lock while calling the store or a factory. */
    private final class Loader implements ClientCache.Loader {
        @Override
        public Object load(OrganizationId organization, ProviderCode provider) {
            Object client = createClient(organization, provider, registry.factory(provider),
                    loadSettings(organization, provider));
            LOG.debug("loaded provider {} for organization {}", provider, organization);
            return client;
        }

        @Override
        public Map<OrganizationId, ClientCache.Outcome> loadMany(ProviderCode provider, List<OrganizationId> organizations) {
            ProviderFactory<?> factory = registry.factory(provider);
            Map<OrganizationId, StoredSettings> stored = store.loadMany(provider, organizations);
            Map<OrganizationId, ClientCache.Outcome> outcomes = new LinkedHashMap<>();
            for (OrganizationId organization : organizations) {
                try {
                    ProviderSettings values = checkSettings(organization, provider, stored.get(organization));
                    outcomes.put(organization, ClientCache.Outcome.of(createClient(organization, provider, factory, values)));
                } catch (RuntimeException e) {
                    outcomes.put(organization, ClientCache.Outcome.failed(e));
                }
            }
            return outcomes;
        }

        @Override
        public void close(Object client, OrganizationId organization, ProviderCode provider) {
            closeClient(client, organization, provider);
        }
    }

    /** Has the factory create the client from checked settings. Caches nothing. */
    private static Object createClient(OrganizationId organization, ProviderCode code, ProviderFactory<?> factory,
                                       ProviderSettings providerSettings) {
        Object client;
        try {
            client = factory.create(providerSettings);
        } catch (ProviderSettingsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProviderCreationException("provider " + code + " failed to create a client for organization "
                    + organization + " (" + e.getClass().getName() + "); check the provider's settings with "
                    + "SettingsService.probe(...)", e);
        }
        if (client == null) {
            throw new ProviderCreationException("provider " + code + " returned no client for organization "
                    + organization + ": fix " + factory.getClass().getName() + ".create", null);
        }
        if (!factory.clientType().isInstance(client)) {
            throw new ProviderCreationException("provider " + code + " created a " + client.getClass().getName()
                    + " for organization " + organization + ", but declares clientType() "
                    + factory.clientType().getName() + ": fix " + factory.getClass().getName(), null);
        }
        return client;
    }

    /** The decrypted, complete settings of one (organization, provider), straight from the store. */
    ProviderSettings loadSettings(OrganizationId organization, ProviderCode code) {
        return checkSettings(organization, code, store.load(organization, code));
    }

    private ProviderSettings checkSettings(OrganizationId organization, ProviderCode code, StoredSettings stored) {
        if (stored == null || !stored.organizationExists()) {
            throw new MissingOrganizationException(organization, "organization " + organization
                    + " does not exist in the credential store: create it in the host's organizations table first "
                    + "(there is no fallback to another organization)");
        }
        SettingsCodec.Decoded decoded = SettingsCodec.decode(stored, registry.definitions(code), cipher);
        if (!decoded.missingRequired().isEmpty()) {
            throw new MissingCredentialsException(organization, code, decoded.missingRequired(), decoded.nothingStored());
        }
        return ProviderSettings.of(organization, code, decoded.values());
    }

    private void onChange(ChangeEvent event) {
        if (event.isEverything()) {
            invalidateAll();
        } else if (event.provider() == null) {
            invalidateOrganization(event.organization());
        } else {
            invalidate(event.organization(), event.provider());
        }
    }

    /** Drops the cached client of one (organization, provider); the next {@code get} loads it again. */
    public void invalidate(OrganizationId organization, String providerCode) {
        Objects.requireNonNull(organization, "organization");
        invalidate(organization, ProviderCode.of(providerCode));
    }

    /** Drops the cached client of one (organization, provider). */
    public void invalidate(OrganizationId organization, ProviderCode provider) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        LOG.debug("invalidated provider {} of organization {}", provider, organization);
        cache.invalidate(organization, provider);
    }

    /** Drops every cached client of one organization. */
    public void invalidateOrganization(OrganizationId organization) {
        Objects.requireNonNull(organization, "organization");
        LOG.debug("invalidated every provider of organization {}", organization);
        cache.invalidateOrganization(organization);
    }

    /**
     * Drops every cached client (e.g. after the change feed reconnected and may have missed events) and reloads
     * the dropped ones in the background, in batches of a few hundred per store call.
     */
    public void invalidateAll() {
        LOG.debug("invalidated every cached provider");
        cache.invalidateAll();
    }

    /**
     * Applies pending expiry and size evictions now. Not needed in production (expiry is scheduled on the system
     * clock); tests with a fake {@link Ticker} call it after moving the clock.
     */
    public void cleanUp() {
        cache.cleanUp();
    }

    /** The cache's counters so far; see {@link CacheStats}. Cheap enough to poll for metrics. */
    public CacheStats stats() {
        return cache.stats();
    }

    private static void closeClient(Object client, OrganizationId organization, ProviderCode provider) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the client of organization {}, provider {} failed: {}", organization, provider,
                        e.getClass().getName());
            }
        }
    }

    /** How many clients are cached now (approximate while loads and evictions run). */
    public long cachedCount() {
        return cache.size();
    }

    /** Writes, views, probes and rewraps settings; its writes invalidate this manager's cache before returning. */
    public SettingsService settings() {
        return settings;
    }

    /** Seeds settings from secret files and the environment; fails loudly on organizations lacking required values. */
    public Seeder seeder() {
        return seeder;
    }

    /** The registry of provider factories. */
    public ProviderRegistry registry() {
        return registry;
    }

    /** The cache engine, for tests that check what it retains. */
    ClientCache cache() {
        return cache;
    }

    CredentialStore store() {
        return store;
    }

    SecretCipher cipher() {
        return cipher;
    }

    void checkOpen() {
        if (closed) {
            throw new ConfigurationException("manager is closed: build a new ProviderManager (close() released its "
                    + "clients, subscription and factories)");
        }
    }

    /** Unsubscribes, closes cached clients, then the registry's factories and the store if owned. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            subscription.close();
        } catch (RuntimeException e) {
            LOG.warn("unsubscribing from the credential store failed: {}", e.getClass().getName());
        }
        cache.close();
        if (closeRegistry) {
            registry.close();
        }
        if (closeStore) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the credential store failed: {}", e.getClass().getName());
            }
        }
        LOG.debug("provider manager closed");
    }

    @Override
    public String toString() {
        return "ProviderManager[providers=" + registry.codes() + ", cached=" + cache.size()
                + ", maximumSize=" + (maximumSize == 0 ? "unbounded" : maximumSize)
                + ", ttl=" + ttl + ", refreshAfter=" + (refreshAfter.isZero() ? "off" : refreshAfter)
                + ", staleIfError=" + staleIfError + (closed ? ", closed" : "") + "]";
    }

    /**
     * Configures a {@link ProviderManager}. Required: {@code store}, {@code registry}, {@code cipher}. Not
     * thread-safe; {@link #build()} validates and names each problem.
     */
    public static final class Builder {
        private CredentialStore store;
        private ProviderRegistry registry;
        private SecretCipher cipher;
        private Duration cacheTtl = Duration.ofMinutes(10);
        private Duration refreshAfter = Duration.ZERO;
        private Duration staleIfError = Duration.ofMinutes(5);
        private long maximumSize;
        private Ticker ticker = Ticker.system();
        private boolean recordHits;
        private Duration closeDelay = Duration.ofMinutes(1);
        private boolean closeRegistryOnClose = true;
        private boolean closeStoreOnClose;

        private Builder() {
        }

        /** Where settings live (required). */
        public Builder store(CredentialStore value) {
            this.store = value;
            return this;
        }

        /** The provider factories (required). */
        public Builder registry(ProviderRegistry value) {
            this.registry = value;
            return this;
        }

        /** Encrypts and decrypts secrets (required), e.g. {@code new AesGcmSecretCipher(KeyRing.fromFile(...))}. */
        public Builder cipher(SecretCipher value) {
            this.cipher = value;
            return this;
        }

        /**
         * How long a cached client is used before it must be loaded again (default 10 minutes): the bound on
         * staleness when a change event is missed.
         */
        public Builder cacheTtl(Duration value) {
            this.cacheTtl = value;
            return this;
        }

        /**
         * After how long a client that is still being used is reloaded in the background while it keeps being
         * served (default {@link Duration#ZERO}: off). Must be shorter than {@link #cacheTtl(Duration)}. A failed
         * refresh keeps the current client and is retried about a second later; the TTL still applies.
         */
        public Builder refreshAfter(Duration value) {
            this.refreshAfter = value;
            return this;
        }

        /**
         * How long after expiry a cached client may still be served while the store is unavailable (default 5
         * minutes; {@link Duration#ZERO} disables).
         */
        public Builder staleIfError(Duration value) {
            this.staleIfError = value;
            return this;
        }

        /**
         * The most clients each provider's cache holds (default 0: unbounded). Beyond it Caffeine's W-TinyLFU policy
         * evicts the entries least likely to be used again; evicted clients are closed.
         */
        public Builder maximumSize(long value) {
            this.maximumSize = value;
            return this;
        }

        /** The time source for TTL, refresh and stale-if-error (default {@link Ticker#system()}); tests pass a fake. */
        public Builder ticker(Ticker value) {
            this.ticker = value;
            return this;
        }

        /**
         * Whether cache hits are counted in {@link ProviderManager#stats()} (default false). Counting costs every
         * hit an increment of a shared counter; misses, loads and the rest are always counted.
         */
        public Builder recordHits(boolean value) {
            this.recordHits = value;
            return this;
        }

        /**
         * How long after leaving the cache (evicted, expired, replaced, invalidated) an {@link AutoCloseable} client
         * is closed (default 1 minute; {@link Duration#ZERO} closes at once). A caller that got the client just
         * before, or from a load whose entry the size bound rejected at once, can finish a unit of work shorter
         * than this with it. {@link ProviderManager#close()} closes the waiting clients at once. Clients that are
         * not {@code AutoCloseable} are simply dropped.
         */
        public Builder closeDelay(Duration value) {
            this.closeDelay = value;
            return this;
        }

        /** Whether {@link ProviderManager#close()} closes the registry and its factories (default true). */
        public Builder closeRegistryOnClose(boolean value) {
            this.closeRegistryOnClose = value;
            return this;
        }

        /** Whether {@link ProviderManager#close()} closes the store (default false: the host owns it). */
        public Builder closeStoreOnClose(boolean value) {
            this.closeStoreOnClose = value;
            return this;
        }

        /**
         * Validates the configuration and builds the manager, which subscribes to the store's change events.
         *
         * @throws ConfigurationException naming every problem found
         */
        public ProviderManager build() {
            List<String> problems = new ArrayList<>();
            if (store == null) {
                problems.add("store is not set: call store(...) with a CredentialStore (e.g. the Postgres store)");
            }
            if (registry == null) {
                problems.add("registry is not set: call registry(ProviderRegistry.builder().discover().build())");
            }
            if (cipher == null) {
                problems.add("cipher is not set: call cipher(new AesGcmSecretCipher(KeyRing.fromFile(Path.of(\"/run/secrets/provider_settings_key\"))))");
            }
            if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
                problems.add("cacheTtl is " + cacheTtl + ", it must be positive (default PT10M)");
            }
            if (refreshAfter == null || refreshAfter.isNegative()) {
                problems.add("refreshAfter is " + refreshAfter + ", it must be zero (off) or positive");
            } else if (cacheTtl != null && !refreshAfter.isZero() && refreshAfter.compareTo(cacheTtl) >= 0) {
                problems.add("refreshAfter is " + refreshAfter + ", it must be shorter than cacheTtl (" + cacheTtl
                        + ") or a client would expire before it is refreshed");
            }
            if (staleIfError == null || staleIfError.isNegative()) {
                problems.add("staleIfError is " + staleIfError + ", it must be zero (disabled) or positive (default PT5M)");
            }
            if (maximumSize < 0) {
                problems.add("maximumSize is " + maximumSize + ", it must be positive, or 0 for unbounded");
            }
            if (ticker == null) {
                problems.add("ticker is null: omit it to use Ticker.system()");
            }
            if (closeDelay == null || closeDelay.isNegative()) {
                problems.add("closeDelay is " + closeDelay + ", it must be zero (close at once) or positive (default PT1M)");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("ProviderManager - " + String.join("; ", problems));
            }
            return new ProviderManager(this);
        }
    }
}
