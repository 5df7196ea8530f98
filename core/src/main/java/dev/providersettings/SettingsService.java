package dev.providersettings;

import dev.providersettings.exception.CredentialProbeFailedException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.spi.ProviderFactory;

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
import dev.providersettings.internal.UntrustedText;
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
    /** How far the final search of {@link #rewrap(RewrapOptions)} counts the secrets left under other keys. */
    public static final int REWRAP_REMAINING_COUNT_LIMIT = 10_000;
    /** Consecutive batches without progress (only conflicts) after which a rewrap stops. */
    static final int REWRAP_IDLE_ROUNDS = 3;

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
     * Re-encrypts every stored secret that is not under the cipher's primary key, with the default
     * {@link RewrapOptions} (batches of {@value RewrapOptions#DEFAULT_BATCH_SIZE}, no progress listener).
     *
     * @see #rewrap(RewrapOptions)
     */
    public RewrapReport rewrap(String actor) {
        return rewrap(RewrapOptions.builder().actor(actor).build());
    }

    /**
     * Re-encrypts every stored secret that is not under the cipher's primary key (step 3 of a key rotation, see
     * {@link KeyRing}), batch by batch. Each batch searches the store for up to {@code batchSize} such secrets,
     * decrypts and re-encrypts them, and writes them back in one transaction with check-and-set on the versions read
     * (if something changed meanwhile, one (organization, provider) at a time), so a concurrent change is never
     * overwritten (it counts as a conflict, and the next batch
     * finds the secret again if it is still under another key). Progress lives in the store, so the run is resumable:
     * after a crash or an interruption, running it again continues with what is left.
     *
     * <p>The run ends when a search finds nothing left; when the thread is interrupted (checked between batches, the
     * interrupt flag stays set); or after three consecutive batches that made no progress
     * (every secret in them conflicted, as with a node that keeps writing under an old key). Secrets the ring cannot
     * decrypt (a key retired too early, a damaged ciphertext) are skipped and reported, not thrown. The report's
     * {@link RewrapReport#complete()} comes from a final search of the store: it is true only if no secret was left
     * under another key.
     *
     * @throws InvalidSettingException if the actor is missing or malformed
     */
    public RewrapReport rewrap(RewrapOptions options) {
        manager.checkOpen();
        java.util.Objects.requireNonNull(options, "options");
        String actor = options.actor();
        SettingsCodec.checkActor(actor);
        CredentialStore store = manager.store();
        SecretCipher cipher = manager.cipher();
        String primary = cipher.primaryKeyId();
        int batchSize = options.batchSize();
        // Secrets this ring cannot decrypt stay in the store: remember them and read past them in later searches.
        java.util.Set<List<Object>> skipped = new java.util.HashSet<>();
        int rewrapped = 0;
        int conflicts = 0;
        int batches = 0;
        int idleRounds = 0;
        boolean interrupted = false;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                interrupted = true;
                break;
            }
            if (skipped.size() > REWRAP_REMAINING_COUNT_LIMIT) {
                LOG.warn("rewrap stopped: more than {} secrets cannot be decrypted with key ring of primary {}",
                        REWRAP_REMAINING_COUNT_LIMIT, primary);
                break;
            }
            List<SecretRef> batch = store.findSecretsNotEncryptedWith(primary, batchSize + skipped.size()).stream()
                    .filter(ref -> !skipped.contains(location(ref))).limit(batchSize).toList();
            if (batch.isEmpty()) {
                break;
            }
            int progress = 0;
            int newlySkipped = 0;
            Map<List<Object>, List<SecretRef>> byOwner = new LinkedHashMap<>();
            Map<SecretRef, EncryptedSecret> fresh = new java.util.HashMap<>();
            for (SecretRef ref : batch) {
                SecretContext context = new SecretContext(ref.organization(), ref.provider(), ref.key());
                try {
                    fresh.put(ref, cipher.encrypt(cipher.decrypt(ref.secret(), context), context));
                    byOwner.computeIfAbsent(List.of(ref.organization(), ref.provider()), k -> new ArrayList<>()).add(ref);
                } catch (SecretDecryptionException e) {
                    skipped.add(location(ref));
                    newlySkipped++;
                    LOG.warn("rewrap skipped a secret it cannot decrypt: {}", e.getMessage());
                }
            }
            List<SettingsBatch> writes = new ArrayList<>();
            for (List<SecretRef> owned : byOwner.values()) {
                SecretRef first = owned.get(0);
                writes.add(new SettingsBatch(first.organization(), first.provider(), actor, owned.stream()
                        .map(ref -> new SettingWrite(ref.key(), new StoredValue.Encrypted(fresh.get(ref)), ref.version()))
                        .toList()));
            }
            try {
                // The whole batch in one transaction; only if something in it changed meanwhile is it written again
                // one (organization, provider) at a time, so that the rest still goes through.
                store.saveAll(writes);
                rewrapped += batch.size() - newlySkipped;
                progress += batch.size() - newlySkipped;
            } catch (VersionConflictException | MissingOrganizationException conflict) {
                for (SettingsBatch owner : writes) {
                    try {
                        store.save(owner);
                        rewrapped += owner.writes().size();
                        progress += owner.writes().size();
                    } catch (VersionConflictException | MissingOrganizationException e) {
                        conflicts += owner.writes().size();
                    }
                }
            } finally {
                for (SettingsBatch owner : writes) {
                    manager.invalidate(owner.organization(), owner.provider());
                }
            }
            batches++;
            options.progressListener().accept(new RewrapProgress(batches, batch.size(), rewrapped, conflicts, skipped.size()));
            idleRounds = progress == 0 && newlySkipped == 0 ? idleRounds + 1 : 0;
            if (idleRounds >= REWRAP_IDLE_ROUNDS) {
                LOG.debug("rewrap stopped: {} consecutive batches only met concurrent changes", idleRounds);
                break;
            }
        }
        List<SecretRef> left = store.findSecretsNotEncryptedWith(primary, REWRAP_REMAINING_COUNT_LIMIT);
        List<String> leftKeyIds = left.stream().map(ref -> UntrustedText.quote(ref.secret().keyId()))
                .distinct().sorted().toList();
        RewrapReport report = new RewrapReport(primary, rewrapped, conflicts, left.size(), leftKeyIds, skipped.size(),
                interrupted);
        LOG.debug("rewrap by {}: {} secret(s) re-encrypted under key {} in {} batch(es), {} conflict(s), {} left under {}",
                actor, rewrapped, primary, batches, conflicts, left.size(), leftKeyIds);
        return report;
    }

    private static List<Object> location(SecretRef ref) {
        return List.of(ref.organization(), ref.provider(), ref.key());
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
