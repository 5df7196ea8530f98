package dev.providersettings;

import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and inspects settings: validate against the provider's declared settings, encrypt secrets, store with
 * check-and-set, and invalidate the {@link ProviderManager}'s cache before returning (read-your-writes). Every write
 * records an actor in the store's audit trail. Obtained from {@link ProviderManager#settings()}; thread-safe.
 */
public final class SettingsService {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsService.class);
    private static final int REWRAP_BATCH = 500;

    private final ProviderManager manager;

    SettingsService(ProviderManager manager) {
        this.manager = manager;
    }

    /**
     * Validates and saves an update, all or nothing.
     *
     * @return the new version of each changed key (0 for removed keys)
     * @throws InvalidSettingException      listing every violation (unknown key, wrong type, broken rule, oversized
     *                                      value, control characters, invalid JSON, bad actor); nothing written
     * @throws VersionConflictException     if an expected version differs; nothing written
     * @throws MissingOrganizationException if the organization is null or unknown
     * @throws UnknownProviderException     if the provider is not registered
     */
    public Map<String, Long> update(String actor, OrganizationId organization, String provider, SettingsUpdate update) {
        return write(actor, organization, provider, update, false);
    }

    /**
     * Like {@link #update}, but first runs the provider's credential probe on the settings as they would be after
     * the update (stored settings merged with the update) and saves only if it passes.
     *
     * @throws CredentialProbeFailedException if the probe fails, throws, or the provider cannot probe; nothing written
     * @throws MissingCredentialsException    if required settings would still be missing
     */
    public Map<String, Long> updateAfterProbe(String actor, OrganizationId organization, String provider,
                                              SettingsUpdate update) {
        return write(actor, organization, provider, update, true);
    }

    private Map<String, Long> write(String actor, OrganizationId organization, String provider, SettingsUpdate update,
                                    boolean probeFirst) {
        manager.checkOpen();
        requireOrganization(organization);
        ProviderFactory<?> factory = manager.registry().factory(provider);
        ProviderCode code = factory.code();
        if (update == null) {
            throw new InvalidSettingException("update is null: build one with SettingsUpdate.builder()");
        }
        Map<String, SettingDefinition> definitions = manager.registry().definitions(code);
        List<SettingViolation> violations = new ArrayList<>();
        SettingsCodec.actorProblem(actor).ifPresent(problem -> violations.add(new SettingViolation("actor", problem)));
        Map<String, Object> values = new LinkedHashMap<>();
        for (SettingsUpdate.Change change : update.changes().values()) {
            SettingDefinition definition = definitions.get(change.key());
            if (change.remove()) {
                continue;
            }
            if (definition == null) {
                violations.add(new SettingViolation(change.key(), "is not a setting of provider " + code
                        + ": its declared settings are " + definitions.keySet()));
                continue;
            }
            Object value = SettingsCodec.check(definition, change.value(), violations);
            if (value != null) {
                values.put(change.key(), value);
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidSettingException(organization, code, violations);
        }
        if (probeFirst) {
            probeMerged(organization, code, factory, definitions, update, values);
        }
        List<SettingWrite> writes = new ArrayList<>();
        for (SettingsUpdate.Change change : update.changes().values()) {
            long expected = change.expectedVersion().orElse(SettingWrite.ANY_VERSION);
            StoredValue stored = change.remove() ? null : SettingsCodec.toStored(definitions.get(change.key()),
                    values.get(change.key()), manager.cipher(), new SecretContext(organization, code, change.key()));
            writes.add(new SettingWrite(change.key(), stored, expected));
        }
        Map<String, Long> versions;
        try {
            versions = manager.store().save(new SettingsBatch(organization, code, actor, writes));
        } finally {
            // Even a failed save may have committed (a lost connection after COMMIT): dropping the entry is always safe.
            manager.invalidate(organization, code);
        }
        LOG.debug("actor {} updated {} of organization {}, provider {}", actor, update.keys(), organization, code);
        return versions;
    }

    private void probeMerged(OrganizationId organization, ProviderCode code, ProviderFactory<?> factory,
                             Map<String, SettingDefinition> definitions, SettingsUpdate update, Map<String, Object> values) {
        StoredSettings stored = manager.store().load(organization, code);
        if (!stored.organizationExists()) {
            throw unknownOrganization(organization);
        }
        Map<String, Object> merged = new LinkedHashMap<>(SettingsCodec.decode(stored, definitions, manager.cipher()).values());
        for (SettingsUpdate.Change change : update.changes().values()) {
            if (change.remove()) {
                merged.remove(change.key());
                SettingDefinition definition = definitions.get(change.key());
                if (definition != null && definition.defaultValue() != null) {
                    merged.put(change.key(), definition.defaultValue());
                }
            } else {
                merged.put(change.key(), values.get(change.key()));
            }
        }
        List<String> missing = definitions.values().stream()
                .filter(d -> d.isRequired() && !merged.containsKey(d.key())).map(SettingDefinition::key).toList();
        if (!missing.isEmpty()) {
            throw new MissingCredentialsException(organization, code, missing, merged.isEmpty());
        }
        ProbeResult result = runProbe(factory, ProviderSettings.of(organization, code, merged));
        LOG.debug("probe of provider {} for organization {} before saving: {}", code, organization, result.outcome());
        if (!result.passed()) {
            throw new CredentialProbeFailedException(organization, code, result);
        }
    }

    private static ProbeResult runProbe(ProviderFactory<?> factory, ProviderSettings settings) {
        try {
            ProbeResult result = factory.probe(settings);
            return result != null ? result : ProbeResult.failed("probe_result", "the probe returned no result");
        } catch (RuntimeException e) {
            return ProbeResult.failed("probe_error", "the probe threw " + e.getClass().getName());
        }
    }

    /**
     * Deletes every setting of one (organization, provider), audited, and invalidates the cache.
     *
     * @return how many settings were deleted
     */
    public int delete(String actor, OrganizationId organization, String provider) {
        manager.checkOpen();
        requireOrganization(organization);
        ProviderCode code = manager.registry().factory(provider).code();
        SettingsCodec.checkActor(actor);
        try {
            int deleted = manager.store().deleteAll(organization, code, actor);
            LOG.debug("actor {} deleted {} setting(s) of organization {}, provider {}", actor, deleted, organization, code);
            return deleted;
        } finally {
            manager.invalidate(organization, code);
        }
    }

    /** What is stored for one (organization, provider), without secret values. */
    public SettingsView view(OrganizationId organization, String provider) {
        manager.checkOpen();
        requireOrganization(organization);
        ProviderCode code = manager.registry().factory(provider).code();
        StoredSettings stored = manager.store().load(organization, code);
        if (!stored.organizationExists()) {
            throw unknownOrganization(organization);
        }
        Map<String, SettingDefinition> definitions = manager.registry().definitions(code);
        List<SettingsView.Entry> entries = new ArrayList<>();
        for (SettingDefinition definition : definitions.values()) {
            StoredSetting setting = stored.settings().get(definition.key());
            entries.add(entry(definition.key(), definition.type(), definition.isRequired(), true, setting));
        }
        stored.settings().values().stream()
                .filter(s -> !definitions.containsKey(s.key()))
                .sorted((a, b) -> a.key().compareTo(b.key()))
                .forEach(s -> entries.add(entry(s.key(), s.value().type(), false, false, s)));
        return new SettingsView(organization, code, entries);
    }

    private static SettingsView.Entry entry(String key, SettingType type, boolean required, boolean declared,
                                            StoredSetting setting) {
        if (setting == null) {
            return new SettingsView.Entry(key, type, required, declared, false, 0, null, null);
        }
        StoredValue stored = setting.value();
        Object value = stored instanceof StoredValue.Text t ? t.value()
                : stored instanceof StoredValue.Json j ? j.value()
                : stored instanceof StoredValue.Integer i ? Long.valueOf(i.value())
                : stored instanceof StoredValue.Bool b ? Boolean.valueOf(b.value())
                : null;
        return new SettingsView.Entry(key, type, required, declared, true, setting.version(), setting.updatedAt(), value);
    }

    /**
     * Runs the provider's credential probe on the stored settings of one organization. A probe that throws is
     * reported as failed, not thrown.
     *
     * @throws MissingCredentialsException if required settings are missing
     */
    public ProbeResult probe(OrganizationId organization, String provider) {
        manager.checkOpen();
        requireOrganization(organization);
        ProviderFactory<?> factory = manager.registry().factory(provider);
        ProbeResult result = runProbe(factory, manager.loadSettings(organization, factory.code()));
        LOG.debug("probe of provider {} for organization {}: {}", factory.code(), organization, result.outcome());
        return result;
    }

    /**
     * Re-encrypts every stored secret that is not under the cipher's primary key (after a key rotation), with
     * check-and-set so a concurrent write is never overwritten. When it reports {@link RewrapReport#complete()}, the
     * old keys can be removed from the key ring.
     *
     * @throws SecretDecryptionException if a secret cannot be decrypted (its key is missing from the ring)
     */
    public RewrapReport rewrap(String actor) {
        manager.checkOpen();
        SettingsCodec.checkActor(actor);
        CredentialStore store = manager.store();
        SecretCipher cipher = manager.cipher();
        String primary = cipher.primaryKeyId();
        int rewrapped = 0;
        int conflicts = 0;
        while (true) {
            List<SecretRef> refs = store.findSecretsNotEncryptedWith(primary, REWRAP_BATCH);
            if (refs.isEmpty()) {
                break;
            }
            int progress = 0;
            for (SecretRef ref : refs) {
                SecretContext context = new SecretContext(ref.organization(), ref.provider(), ref.key());
                EncryptedSecret fresh = cipher.encrypt(cipher.decrypt(ref.secret(), context), context);
                try {
                    store.save(new SettingsBatch(ref.organization(), ref.provider(), actor, List.of(
                            new SettingWrite(ref.key(), new StoredValue.Encrypted(fresh), ref.version()))));
                    rewrapped++;
                    progress++;
                } catch (VersionConflictException | MissingOrganizationException e) {
                    conflicts++;
                } finally {
                    manager.invalidate(ref.organization(), ref.provider());
                }
            }
            if (progress == 0) {
                // Every secret of this round conflicted: stop rather than spin; the caller may run rewrap again.
                LOG.debug("rewrap stopped: a round of {} secret(s) made no progress", refs.size());
                return new RewrapReport(primary, rewrapped, conflicts, store.findSecretsNotEncryptedWith(primary, REWRAP_BATCH).size());
            }
        }
        LOG.debug("rewrap by {}: {} secret(s) re-encrypted under key {}, {} conflict(s)", actor, rewrapped, primary, conflicts);
        return new RewrapReport(primary, rewrapped, conflicts, 0);
    }

    static void requireOrganization(OrganizationId organization) {
        if (organization == null) {
            throw new MissingOrganizationException("no organization given: pass the organization whose settings "
                    + "are meant; there is no fallback to another organization");
        }
    }

    static MissingOrganizationException unknownOrganization(OrganizationId organization) {
        return new MissingOrganizationException(organization, "organization " + organization
                + " does not exist in the credential store: create it in the host's organizations table first");
    }

    @Override
    public String toString() {
        return "SettingsService[" + manager.registry() + "]";
    }
}
