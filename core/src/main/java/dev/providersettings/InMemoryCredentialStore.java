package dev.providersettings;

import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.VersionConflictException;

import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A thread-safe {@link CredentialStore} in memory, for tests and embedded use. Like a database store it keeps
 * typed values and ciphertext only, checks versions (drawn from one store-wide counter, so a version never repeats
 * for a key, even after a delete), applies batches all or nothing, requires organizations to
 * exist ({@link #addOrganization}), cascades {@link #removeOrganization}, keeps an audit trail without values, and
 * publishes change events to subscribers after each commit (on the writing thread, outside the lock).
 *
 * <p>For tests it can also simulate an outage ({@link #setUnavailable(boolean)}), publish an arbitrary event
 * ({@link #publish(ChangeEvent)}) and count loads ({@link #loadCount()}).
 */
public final class InMemoryCredentialStore implements CredentialStore {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryCredentialStore.class);

    /** What an audit entry records. */
    public enum AuditAction {
        /** A setting was created or changed. */
        SET,
        /** A setting was removed (by a batch, {@code deleteAll} or an organization removal). */
        DELETE
    }

    /**
     * One audited change; never a value.
     *
     * @param actor        who made the change
     * @param time         when
     * @param organization the organization
     * @param provider     the provider
     * @param key          the setting key
     * @param action       set or delete
     * @param version      the new version (0 after a delete)
     */
    public record AuditEntry(String actor, Instant time, OrganizationId organization, ProviderCode provider,
                             String key, AuditAction action, long version) {
    }

    private final Object lock = new Object();
    private final Clock clock;
    private final Set<OrganizationId> organizations = new LinkedHashSet<>();
    private final Map<OrganizationId, Map<ProviderCode, Map<String, StoredSetting>>> data = new HashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private final List<Consumer<ChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean unavailable = new AtomicBoolean();
    private final AtomicLong loads = new AtomicLong();
    /**
     * The last version handed out, store-wide (guarded by {@code lock}). Drawing every version from one counter means
     * a key deleted and created again never gets a version it had before, so a check-and-set prepared before the
     * delete cannot match the new row (no ABA).
     */
    private long lastVersion;

    /** A store with the system clock. */
    public InMemoryCredentialStore() {
        this(Clock.systemUTC());
    }

    /** A store whose timestamps come from {@code clock}. */
    public InMemoryCredentialStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds an organization (idempotent). */
    public void addOrganization(OrganizationId organization) {
        Objects.requireNonNull(organization, "organization");
        synchronized (lock) {
            organizations.add(organization);
        }
    }

    /** Removes an organization and, like {@code ON DELETE CASCADE}, all its settings; publishes a change event. */
    public void removeOrganization(OrganizationId organization, String actor) {
        Objects.requireNonNull(organization, "organization");
        boolean removed;
        synchronized (lock) {
            removed = organizations.remove(organization);
            Map<ProviderCode, Map<String, StoredSetting>> byProvider = data.remove(organization);
            if (byProvider != null) {
                Instant now = clock.instant();
                byProvider.forEach((provider, settings) -> settings.keySet().forEach(key ->
                        audit.add(new AuditEntry(actor, now, organization, provider, key, AuditAction.DELETE, 0))));
            }
        }
        if (removed) {
            publish(new ChangeEvent(organization, null));
        }
    }

    /** Removes an organization; audited as {@code system}. */
    public void removeOrganization(OrganizationId organization) {
        removeOrganization(organization, "system");
    }

    /** Makes every store call throw {@link CredentialStoreUnavailableException} (simulated outage) or stop doing so. */
    public void setUnavailable(boolean value) {
        unavailable.set(value);
    }

    /** How many times {@link #load} was called (failed calls included), plus one per organization of {@link #loadMany}. */
    public long loadCount() {
        return loads.get();
    }

    /** A copy of the audit trail, oldest first. */
    public List<AuditEntry> auditTrail() {
        synchronized (lock) {
            return List.copyOf(audit);
        }
    }

    /** Delivers an event to every subscriber, as a change feed would (e.g. "everything" after a reconnect). */
    public void publish(ChangeEvent event) {
        for (Consumer<ChangeEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a change listener failed on {}: {}", event, e.getClass().getName());
            }
        }
    }

    private void checkAvailable() {
        if (unavailable.get()) {
            throw new CredentialStoreUnavailableException(
                    "in-memory credential store is unavailable (simulated outage): call setUnavailable(false)", null);
        }
    }

    @Override
    public StoredSettings load(OrganizationId organization, ProviderCode provider) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        loads.incrementAndGet();
        checkAvailable();
        synchronized (lock) {
            Map<String, StoredSetting> settings = data.getOrDefault(organization, Map.of()).getOrDefault(provider, Map.of());
            return new StoredSettings(organization, provider, organizations.contains(organization), settings);
        }
    }

    @Override
    public Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizationIds) {
        Objects.requireNonNull(provider, "provider");
        checkAvailable();
        Map<OrganizationId, StoredSettings> result = new LinkedHashMap<>();
        synchronized (lock) {
            for (OrganizationId organization : organizationIds) {
                loads.incrementAndGet();
                Map<String, StoredSetting> settings = data.getOrDefault(organization, Map.of()).getOrDefault(provider, Map.of());
                result.put(organization, new StoredSettings(organization, provider, organizations.contains(organization), settings));
            }
        }
        return result;
    }

    @Override
    public Map<String, Long> save(SettingsBatch batch) {
        List<Map<String, Long>> versions = apply(List.of(batch));
        publish(new ChangeEvent(batch.organization(), batch.provider()));
        return versions.get(0);
    }

    @Override
    public void saveAll(List<SettingsBatch> batches) {
        apply(batches);
        Set<ChangeEvent> events = new LinkedHashSet<>();
        batches.forEach(batch -> events.add(new ChangeEvent(batch.organization(), batch.provider())));
        events.forEach(this::publish);
    }

    /** Checks every batch, then applies them all; nothing is applied if any check fails. */
    private List<Map<String, Long>> apply(List<SettingsBatch> batches) {
        checkAvailable();
        synchronized (lock) {
            // Versions as they will be after earlier batches of the same call, so one call may touch a key twice;
            // the check draws them from a copy of the counter in the same order as the writes below.
            Map<List<Object>, Long> pending = new HashMap<>();
            long[] counter = {lastVersion};
            for (SettingsBatch batch : batches) {
                check(batch, pending, counter);
            }
            Instant now = clock.instant();
            List<Map<String, Long>> result = new ArrayList<>();
            for (SettingsBatch batch : batches) {
                Map<String, StoredSetting> settings = data
                        .computeIfAbsent(batch.organization(), o -> new HashMap<>())
                        .computeIfAbsent(batch.provider(), p -> new TreeMap<>());
                Map<String, Long> versions = new LinkedHashMap<>();
                for (SettingWrite write : batch.writes()) {
                    StoredSetting current = settings.get(write.key());
                    if (write.isDelete()) {
                        if (current != null) {
                            settings.remove(write.key());
                            audit.add(new AuditEntry(batch.actor(), now, batch.organization(), batch.provider(),
                                    write.key(), AuditAction.DELETE, 0));
                        }
                        versions.put(write.key(), 0L);
                    } else {
                        long version = ++lastVersion;
                        settings.put(write.key(), new StoredSetting(write.key(), write.value(), version, now));
                        audit.add(new AuditEntry(batch.actor(), now, batch.organization(), batch.provider(),
                                write.key(), AuditAction.SET, version));
                        versions.put(write.key(), version);
                    }
                }
                result.add(versions);
                LOG.debug("saved {} setting(s) of organization {}, provider {}", batch.writes().size(),
                        batch.organization(), batch.provider());
            }
            return result;
        }
    }

    private void check(SettingsBatch batch, Map<List<Object>, Long> pending, long[] counter) {
        if (batch == null || batch.organization() == null || batch.provider() == null) {
            throw new InvalidSettingException("settings batch without organization or provider: pass both");
        }
        if (batch.actor() == null || batch.actor().isBlank()) {
            throw new InvalidSettingException("settings batch for organization " + batch.organization() + ", provider "
                    + batch.provider() + " has no actor: pass who makes the change, for the audit trail");
        }
        if (!organizations.contains(batch.organization())) {
            throw new MissingOrganizationException(batch.organization(), "organization " + batch.organization()
                    + " does not exist in the credential store: add it (InMemoryCredentialStore.addOrganization) first");
        }
        Map<String, StoredSetting> settings = data.getOrDefault(batch.organization(), Map.of())
                .getOrDefault(batch.provider(), Map.of());
        Set<String> seen = new java.util.HashSet<>();
        for (SettingWrite write : batch.writes()) {
            SettingDefinition.checkKey(write.key());
            if (!seen.add(write.key())) {
                throw new InvalidSettingException("settings batch for organization " + batch.organization()
                        + ", provider " + batch.provider() + " writes key " + write.key() + " twice: one write per key");
            }
            if (write.value() instanceof StoredValue.Text t && t.value() == null
                    || write.value() instanceof StoredValue.Json j && j.value() == null
                    || write.value() instanceof StoredValue.Encrypted e && e.secret() == null) {
                throw new InvalidSettingException("settings batch writes a null value to " + write.key()
                        + ": pass null as the StoredValue to delete instead");
            }
            List<Object> id = List.of(batch.organization(), batch.provider(), write.key());
            StoredSetting stored = settings.get(write.key());
            long actual = pending.containsKey(id) ? pending.get(id) : stored == null ? 0 : stored.version();
            long expected = write.expectedVersion();
            if (expected != SettingWrite.ANY_VERSION && expected != actual) {
                throw new VersionConflictException(batch.organization(), batch.provider(), write.key(), expected, actual);
            }
            pending.put(id, write.isDelete() ? 0 : ++counter[0]);
        }
    }

    @Override
    public int deleteAll(OrganizationId organization, ProviderCode provider, String actor) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        checkAvailable();
        int count;
        synchronized (lock) {
            Map<ProviderCode, Map<String, StoredSetting>> byProvider = data.get(organization);
            Map<String, StoredSetting> removed = byProvider == null ? null : byProvider.remove(provider);
            count = removed == null ? 0 : removed.size();
            if (removed != null) {
                Instant now = clock.instant();
                removed.keySet().forEach(key ->
                        audit.add(new AuditEntry(actor, now, organization, provider, key, AuditAction.DELETE, 0)));
            }
        }
        if (count > 0) {
            publish(new ChangeEvent(organization, provider));
        }
        return count;
    }

    @Override
    public List<OrganizationId> listOrganizations() {
        checkAvailable();
        synchronized (lock) {
            return organizations.stream().sorted().toList();
        }
    }

    @Override
    public List<SecretRef> findSecretsNotEncryptedWith(String keyId, int limit) {
        if (keyId == null || keyId.isBlank()) {
            throw new InvalidSettingException("key id is " + (keyId == null ? "null" : "blank")
                    + ": pass the id of the key ring's primary key");
        }
        if (limit < 1) {
            throw new InvalidSettingException("limit is " + limit + ": pass at least 1");
        }
        checkAvailable();
        List<SecretRef> result = new ArrayList<>();
        synchronized (lock) {
            for (OrganizationId organization : new java.util.TreeSet<>(data.keySet())) {
                for (Map.Entry<ProviderCode, Map<String, StoredSetting>> provider : new TreeMap<>(data.get(organization)).entrySet()) {
                    for (StoredSetting setting : provider.getValue().values()) {
                        if (result.size() >= limit) {
                            return result;
                        }
                        if (setting.value() instanceof StoredValue.Encrypted e && !e.secret().keyId().equals(keyId)) {
                            result.add(new SecretRef(organization, provider.getKey(), setting.key(), setting.version(), e.secret()));
                        }
                    }
                }
            }
        }
        return result;
    }

    @Override
    public Subscription subscribe(Consumer<ChangeEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** How many listeners are subscribed (to check that closed managers unsubscribe). */
    public int subscriberCount() {
        return listeners.size();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryCredentialStore[" + organizations.size() + " organizations]";
        }
    }
}
