package dev.providersettings;

import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.StoredSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Hands out the ready provider client of one organization — the origin plan's {@code get_provider} — and caches one
 * client per (organization, provider):
 * <pre>{@code
 * ScalewayProvider scaleway = manager.get(instance.organizationId(), "scaleway", ScalewayProvider.class);
 * }</pre>
 * There is no fallback: no organization, an unknown organization, or missing credentials are errors.
 *
 * <h2>Cache</h2>
 * <ul>
 *   <li>A hit is one map lookup in the provider's map of fresh clients, without allocation and without reading
 *       the clock (a background thread marks expired entries, see {@link #cleanUp()}).</li>
 *   <li>Concurrent misses on one (organization, provider) load once; other keys load in parallel.</li>
 *   <li>A write through {@link #settings()} invalidates before it returns (read-your-writes); the store's change
 *       events invalidate one (organization, provider), one organization, or everything.</li>
 *   <li>An invalidation that arrives while a load is in flight wins: the load's result is not cached as fresh.</li>
 *   <li>Entries expire after {@code cacheTtl} (a safety net for missed events; precision: the sweep interval, at
 *       most one second). When reloading an expired entry fails with {@link CredentialStoreUnavailableException}, the expired client is served until
 *       {@code staleIfError} has passed since it expired; an invalidated entry is never served.</li>
 *   <li>Replaced, invalidated or evicted clients that are {@link AutoCloseable} are closed after removal. A caller
 *       still holding such a client may see it closed; get the client again per unit of work.</li>
 * </ul>
 *
 * <h2>Ownership</h2>
 * The manager owns one daemon thread ({@code provider-settings-expiry}) that marks expired entries.
 * {@link #close()} stops it, unsubscribes from the store, closes the cached clients and, unless {@code closeRegistryOnClose(false)}, the registry and so
 * every factory in it. The store is the host's (it may be shared) and is closed only with
 * {@code closeStoreOnClose(true)}. The cipher holds no resources.
 */
public final class ProviderManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderManager.class);
    /** How often a load that raced with invalidations is repeated before its result is returned uncached-as-fresh. */
    private static final int MAX_LOAD_ATTEMPTS = 3;
    /**
     * While serving stale during an outage, the store is retried at most this often per entry, so callers do not
     * each wait for a failing store (a connection timeout) before getting the stale client.
     */
    static final long STALE_RETRY_NANOS = 1_000_000_000L;

    private static final AtomicReferenceFieldUpdater<Slot, Loaded> LOADED =
            AtomicReferenceFieldUpdater.newUpdater(Slot.class, Loaded.class, "loaded");
    private static final AtomicLongFieldUpdater<Slot> EPOCH = AtomicLongFieldUpdater.newUpdater(Slot.class, "epoch");

    /** One cache entry's state: the client, when it was loaded, when it expires, and whether it is invalidated. */
    private record Loaded(Object client, long loadedAt, long expiresAt, boolean invalidated, boolean expired,
                          long retryAt) {
        Loaded(Object client, long loadedAt, long expiresAt, boolean invalidated) {
            this(client, loadedAt, expiresAt, invalidated, false, Long.MIN_VALUE);
        }

        Loaded markExpired() {
            return new Loaded(client, loadedAt, expiresAt, invalidated, true, retryAt);
        }
    }

    /** The cache slot of one (organization, provider): kept for the manager's life, so its epoch is never lost. */
    private static final class Slot {
        final OrganizationId organization;
        final ProviderCode provider;
        final String code;
        final ReentrantLock loadLock = new ReentrantLock();
        volatile Loaded loaded;
        volatile long epoch;
        // The provider's map of fresh clients by organization: holds this slot's client while the entry is fresh.
        // Put after 'loaded', removed on invalidation, expiry and eviction.
        final ConcurrentHashMap<OrganizationId, Object> hot;

        Slot(OrganizationId organization, ProviderCode provider, ConcurrentHashMap<OrganizationId, Object> hot) {
            this.organization = organization;
            this.provider = provider;
            this.code = provider.value();
            this.hot = hot;
        }

        void putHot(Object client) {
            hot.put(organization, client);
        }

        /** Removes the hot client if it is still {@code client} (identity, not the client's equals). */
        void removeHot(Object client) {
            hot.computeIfPresent(organization, (o, current) -> current == client ? null : current);
        }

        void clearHot() {
            hot.remove(organization);
        }
    }

    private final CredentialStore store;
    private final ProviderRegistry registry;
    private final SecretCipher cipher;
    private final long ttlNanos;
    private final long staleNanos;
    private final long maximumSize;
    private final LongSupplier ticker;
    private final boolean closeRegistry;
    private final boolean closeStore;
    // Keyed by organization; each organization has a tiny copy-on-write array of slots (one per provider it uses),
    // so a hit is one map lookup plus a scan of one or two elements comparing code strings — no key object.
    private final ConcurrentHashMap<OrganizationId, Slot[]> cache = new ConcurrentHashMap<>();
    // What a hit reads: per provider (the registry's codes, interned so that a literal code matches by identity), a
    // map from organization straight to its fresh client. A hit thus follows the map's node to the client — the
    // object the caller uses anyway — instead of node -> slot array -> slot -> client (one cache miss each with
    // 100,000 organizations). Entries mirror the slots' fresh state; the slots stay the source of truth.
    private final String[] hotCodes;
    private final ConcurrentHashMap<OrganizationId, Object>[] hotMaps;
    // Marks expired entries in the background so that a hit does not read the clock (nanoTime costs more than the
    // map lookup on some virtual machines).
    private final ScheduledExecutorService expiry;
    private final AtomicLong globalEpoch = new AtomicLong();
    private final AtomicLong loadedCount = new AtomicLong();
    private final CredentialStore.Subscription subscription;
    private final SettingsService settings;
    private final Seeder seeder;
    private volatile boolean closed;

    private ProviderManager(Builder builder) {
        this.store = builder.store;
        this.registry = builder.registry;
        this.cipher = builder.cipher;
        this.ttlNanos = builder.cacheTtl.toNanos();
        this.staleNanos = builder.staleIfError.toNanos();
        this.maximumSize = builder.maximumSize;
        this.ticker = builder.ticker;
        this.closeRegistry = builder.closeRegistryOnClose;
        this.closeStore = builder.closeStoreOnClose;
        this.settings = new SettingsService(this);
        this.seeder = new Seeder(this, Seeder.MissingValues.FAIL);
        List<ProviderCode> codes = new ArrayList<>(registry.codes());
        this.hotCodes = new String[codes.size()];
        @SuppressWarnings("unchecked")
        ConcurrentHashMap<OrganizationId, Object>[] maps = new ConcurrentHashMap[codes.size()];
        for (int i = 0; i < maps.length; i++) {
            hotCodes[i] = codes.get(i).value().intern();
            maps[i] = new ConcurrentHashMap<>();
        }
        this.hotMaps = maps;
        this.subscription = store.subscribe(this::onChange);
        long interval = Math.max(10_000_000L, Math.min(1_000_000_000L, ttlNanos / 10));
        this.expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "provider-settings-expiry");
            thread.setDaemon(true);
            return thread;
        });
        expiry.scheduleWithFixedDelay(this::cleanUpQuietly, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The client of {@code providerCode} for {@code organization}, from the cache or freshly created.
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
            String[] codes = hotCodes;
            for (int i = 0; i < codes.length; i++) {
                String code = codes[i];
                if (code == providerCode || code.equals(providerCode)) {
                    Object client = hotMaps[i].get(organization);
                    if (client != null && clientType.isInstance(client)) {
                        return clientType.cast(client);
                    }
                    break;
                }
            }
        }
        return load(organization, providerCode, clientType);
    }

    /**
     * {@link #get(OrganizationId, String, Class)} for an organization that may be absent (an instance or user
     * without one).
     *
     * @throws MissingOrganizationException if {@code organization} is empty or null
     */
    public <P> P get(Optional<OrganizationId> organization, String providerCode, Class<P> clientType) {
        if (organization == null || organization.isEmpty()) {
            throw new MissingOrganizationException("the instance or user has no organization, so provider "
                    + (providerCode == null ? "null" : OrganizationId.abbreviate(providerCode))
                    + " cannot be resolved; no fallback: assign the instance or user to an organization first");
        }
        return get(organization.get(), providerCode, clientType);
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
        Slot slot = slotFor(organization, code);
        slot.loadLock.lock();
        try {
            checkOpen();
            Loaded current = slot.loaded;
            long now = ticker.getAsLong();
            if (current != null && !current.invalidated && now - current.expiresAt < 0) {
                return clientType.cast(current.client);
            }
            if (current != null && servableStale(current, now) && current.retryAt != Long.MIN_VALUE
                    && now - current.retryAt < 0) {
                return clientType.cast(current.client);
            }
            for (int attempt = 1; ; attempt++) {
                long slotEpoch = slot.epoch;
                long epoch = globalEpoch.get();
                Object client;
                try {
                    client = createClient(organization, code, factory);
                } catch (CredentialStoreUnavailableException e) {
                    long failedAt = ticker.getAsLong();
                    if (current != null && slot.loaded == current && servableStale(current, failedAt)) {
                        // Remember when to try the store again; an invalidation in between makes the CAS fail.
                        LOADED.compareAndSet(slot, current, new Loaded(current.client, current.loadedAt,
                                current.expiresAt, false, true, failedAt + STALE_RETRY_NANOS));
                        LOG.warn("credential store unavailable; serving the expired client of organization {}, provider {} "
                                + "(stale-if-error, at most {} after expiry)", organization, code, Duration.ofNanos(staleNanos));
                        return clientType.cast(current.client);
                    }
                    throw e;
                }
                boolean raced = slot.epoch != slotEpoch || globalEpoch.get() != epoch;
                if (raced && attempt < MAX_LOAD_ATTEMPTS) {
                    LOG.debug("load of organization {}, provider {} raced with an invalidation; loading again",
                            organization, code);
                    closeClient(client, organization, code);
                    continue;
                }
                long loadedAt = ticker.getAsLong();
                Loaded fresh = new Loaded(client, loadedAt, loadedAt + ttlNanos, raced);
                Loaded old = LOADED.getAndSet(slot, fresh);
                if (!raced) {
                    slot.putHot(client);
                    if (slot.epoch != slotEpoch || globalEpoch.get() != epoch) {
                        // An invalidation slipped in between the check and the install: it wins.
                        slot.removeHot(client);
                        LOADED.compareAndSet(slot, fresh, new Loaded(client, loadedAt, loadedAt + ttlNanos, true));
                    }
                } else {
                    slot.clearHot();
                }
                if (old == null) {
                    loadedCount.incrementAndGet();
                } else if (old.client != client) {
                    closeClient(old.client, organization, code);
                }
                LOG.debug("loaded provider {} for organization {}", code, organization);
                if (closed) {
                    invalidateSlot(slot);
                }
                evictIfNeeded(slot);
                return clientType.cast(client);
            }
        } finally {
            slot.loadLock.unlock();
        }
    }

    private Slot slotFor(OrganizationId organization, ProviderCode code) {
        Slot existing = find(cache.get(organization), code.value());
        if (existing != null) {
            return existing;
        }
        Slot[] updated = cache.compute(organization, (o, slots) -> {
            if (find(slots, code.value()) != null) {
                return slots;
            }
            Slot[] grown = slots == null ? new Slot[1] : Arrays.copyOf(slots, slots.length + 1);
            grown[grown.length - 1] = new Slot(organization, code, hotMapOf(code));
            return grown;
        });
        return find(updated, code.value());
    }

    private ConcurrentHashMap<OrganizationId, Object> hotMapOf(ProviderCode code) {
        for (int i = 0; i < hotCodes.length; i++) {
            if (hotCodes[i].equals(code.value())) {
                return hotMaps[i];
            }
        }
        // The registry is immutable and load() got this code's factory from it, so this cannot happen.
        throw new IllegalStateException("provider " + code + " is not in the registry the manager was built with");
    }

    private static Slot find(Slot[] slots, String code) {
        if (slots != null) {
            for (Slot slot : slots) {
                if (slot.code.equals(code)) {
                    return slot;
                }
            }
        }
        return null;
    }

    private void forEachSlot(Consumer<Slot> action) {
        for (Slot[] slots : cache.values()) {
            for (Slot slot : slots) {
                action.accept(slot);
            }
        }
    }

    /**
     * Marks entries whose TTL has passed as expired, so the next {@code get} reloads them. A background thread calls
     * it every second (at most a tenth of the TTL); tests with a fake ticker call it after moving the clock.
     */
    public void cleanUp() {
        long now = ticker.getAsLong();
        forEachSlot(slot -> {
            Loaded entry = slot.loaded;
            if (entry != null && !entry.expired && now - entry.expiresAt >= 0
                    && LOADED.compareAndSet(slot, entry, entry.markExpired())) {
                slot.removeHot(entry.client);
            }
        });
    }

    private void cleanUpQuietly() {
        try {
            cleanUp();
        } catch (RuntimeException e) {
            LOG.warn("cache expiry sweep failed: {}", e.getClass().getName());
        }
    }

    /** Whether an expired, not invalidated entry may still be served while the store is unavailable. */
    private boolean servableStale(Loaded entry, long now) {
        return !entry.invalidated && staleNanos > 0 && now - (entry.expiresAt + staleNanos) < 0;
    }

    /** Reads, decrypts and checks the settings, then has the factory create the client. Caches nothing. */
    private Object createClient(OrganizationId organization, ProviderCode code, ProviderFactory<?> factory) {
        ProviderSettings providerSettings = loadSettings(organization, code);
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
        return client;
    }

    /** The decrypted, complete settings of one (organization, provider), straight from the store. */
    ProviderSettings loadSettings(OrganizationId organization, ProviderCode code) {
        StoredSettings stored = store.load(organization, code);
        if (!stored.organizationExists()) {
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

    private void evictIfNeeded(Slot keep) {
        if (maximumSize <= 0 || loadedCount.get() <= maximumSize) {
            return;
        }
        // Evicts the oldest loads; a scan is fine because it only happens on misses beyond the bound.
        // Load times are read once before sorting: other threads load and invalidate meanwhile, and a comparator
        // reading them live breaks TimSort's contract ("Comparison method violates its general contract!").
        List<Candidate> candidates = new ArrayList<>();
        forEachSlot(slot -> candidates.add(new Candidate(slot, loadedAtOf(slot))));
        candidates.sort((a, b) -> Long.compare(a.loadedAt(), b.loadedAt()));
        for (Candidate candidate : candidates) {
            if (loadedCount.get() <= maximumSize) {
                break;
            }
            Slot slot = candidate.slot();
            if (slot != keep && slot.loaded != null) {
                Loaded removed = LOADED.getAndSet(slot, null);
                if (removed != null) {
                    slot.removeHot(removed.client);
                    loadedCount.decrementAndGet();
                    LOG.debug("evicted provider {} of organization {} (maximumSize {})", slot.provider,
                            slot.organization, maximumSize);
                    closeClient(removed.client, slot.organization, slot.provider);
                }
            }
        }
    }

    /** A slot with its load time as read when eviction started. */
    private record Candidate(Slot slot, long loadedAt) {
    }

    private static long loadedAtOf(Slot slot) {
        Loaded loaded = slot.loaded;
        return loaded == null ? Long.MAX_VALUE : loaded.loadedAt;
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
        Slot slot = find(cache.get(organization), provider.value());
        LOG.debug("invalidated provider {} of organization {}", provider, organization);
        if (slot != null) {
            invalidateSlot(slot);
        }
    }

    /** Drops every cached client of one organization. */
    public void invalidateOrganization(OrganizationId organization) {
        Slot[] slots = cache.get(organization);
        LOG.debug("invalidated every provider of organization {}", organization);
        if (slots != null) {
            for (Slot slot : slots) {
                invalidateSlot(slot);
            }
        }
    }

    /** Drops every cached client (e.g. after the change feed reconnected and may have missed events). */
    public void invalidateAll() {
        globalEpoch.incrementAndGet();
        LOG.debug("invalidated every cached provider");
        forEachSlot(this::invalidateSlot);
    }

    private void invalidateSlot(Slot slot) {
        // Epoch first, then clear: a load that installs concurrently either sees the new epoch or is cleared here.
        EPOCH.incrementAndGet(slot);
        slot.clearHot();
        Loaded removed = LOADED.getAndSet(slot, null);
        if (removed != null) {
            loadedCount.decrementAndGet();
            closeClient(removed.client, slot.organization, slot.provider);
        }
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

    /** How many clients are cached now. */
    public long cachedCount() {
        return loadedCount.get();
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
        expiry.shutdownNow();
        try {
            subscription.close();
        } catch (RuntimeException e) {
            LOG.warn("unsubscribing from the credential store failed: {}", e.getClass().getName());
        }
        globalEpoch.incrementAndGet();
        forEachSlot(this::invalidateSlot);
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
        return "ProviderManager[providers=" + registry.codes() + ", cached=" + loadedCount.get()
                + ", ttl=" + Duration.ofNanos(ttlNanos) + ", staleIfError=" + Duration.ofNanos(staleNanos)
                + (closed ? ", closed" : "") + "]";
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
        private Duration staleIfError = Duration.ofMinutes(5);
        private long maximumSize;
        private LongSupplier ticker = System::nanoTime;
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

        /** How long a cached client is used without reloading (default 10 minutes); a net for missed change events. */
        public Builder cacheTtl(Duration value) {
            this.cacheTtl = value;
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

        /** The most clients cached at once; the oldest loads are evicted beyond it (default: unbounded). */
        public Builder maximumSize(long value) {
            this.maximumSize = value;
            return this;
        }

        /** The nanosecond time source for TTLs (default {@link System#nanoTime()}); tests pass a fake. */
        public Builder ticker(LongSupplier value) {
            this.ticker = value;
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
            if (staleIfError == null || staleIfError.isNegative()) {
                problems.add("staleIfError is " + staleIfError + ", it must be zero (disabled) or positive (default PT5M)");
            }
            if (maximumSize < 0) {
                problems.add("maximumSize is " + maximumSize + ", it must be positive, or 0 for unbounded");
            }
            if (ticker == null) {
                problems.add("ticker is null: omit it to use System::nanoTime");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("ProviderManager - " + String.join("; ", problems));
            }
            return new ProviderManager(this);
        }
    }
}
