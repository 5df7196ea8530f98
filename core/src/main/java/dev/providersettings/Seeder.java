package dev.providersettings;

import dev.providersettings.spi.SecretContext;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Seeds a provider's settings for every organization (or a chosen set) from a {@link SecretSource} — the origin
 * plan's {@code maybe_seed_provider_credentials}, without its silent failures:
 * <ul>
 *   <li>values are converted to the declared type and validated like {@link SettingsService#update};</li>
 *   <li>idempotent: stored values are compared (secrets decrypted) and only changed keys are written, so a second
 *       run writes nothing and bumps no version;</li>
 *   <li>batched: one {@code loadMany} and one {@code saveAll} per chunk of {@value #CHUNK} organizations;</li>
 *   <li>loud: every problem is a typed exception, and all checks (values, organizations, missing required keys)
 *       run before anything is written. Writes use check-and-set on the versions read, so a concurrent change
 *       fails the run with {@link VersionConflictException} instead of being overwritten; chunks written before a
 *       failing chunk stay written, and running again is safe.</li>
 * </ul>
 * Organizations lacking required values (neither in the source nor stored) fail the run with
 * {@link SeedingException} by default; {@link #skipIncomplete()} skips and reports them instead.
 * Obtained from {@link ProviderManager#seeder()}; immutable and thread-safe.
 */
public final class Seeder {
    private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);
    /** Organizations per {@code loadMany} / {@code saveAll} call. */
    public static final int CHUNK = 1000;

    /** What to do with organizations that lack required values. */
    public enum MissingValues {
        /** Fail the run with {@link SeedingException}, writing nothing (the default). */
        FAIL,
        /** Skip those organizations and report them. */
        SKIP
    }

    private final ProviderManager manager;
    private final MissingValues missingValues;

    Seeder(ProviderManager manager, MissingValues missingValues) {
        this.manager = manager;
        this.missingValues = missingValues;
    }

    /** A seeder that skips and reports organizations lacking required values instead of failing. */
    public Seeder skipIncomplete() {
        return new Seeder(manager, MissingValues.SKIP);
    }

    /** A seeder that fails on organizations lacking required values (the default). */
    public Seeder failOnIncomplete() {
        return new Seeder(manager, MissingValues.FAIL);
    }

    /** Seeds every organization of the store ({@code listOrganizations()}). */
    public SeedReport seed(String actor, String provider, SecretSource source) {
        manager.checkOpen();
        return seed(actor, provider, source, manager.store().listOrganizations());
    }

    /**
     * Seeds the given organizations.
     *
     * @throws InvalidSettingException      if a source value is invalid for its declaration (nothing written)
     * @throws MissingOrganizationException if an organization does not exist (nothing written)
     * @throws SeedingException             if organizations lack required values and the policy is FAIL
     * @throws VersionConflictException     if settings changed concurrently during the run
     */
    public SeedReport seed(String actor, String provider, SecretSource source, Collection<OrganizationId> organizations) {
        manager.checkOpen();
        SettingsCodec.checkActor(actor);
        ProviderFactory<?> factory = manager.registry().factory(provider);
        ProviderCode code = factory.code();
        Objects.requireNonNull(source, "source");
        if (organizations == null) {
            throw new MissingOrganizationException("seeding provider " + code + " without organizations: pass a collection "
                    + "(or use seed(actor, provider, source) for every organization)");
        }
        List<OrganizationId> orgs = new ArrayList<>(new LinkedHashSet<>(organizations));
        if (orgs.contains(null)) {
            throw new MissingOrganizationException("seeding provider " + code + ": the organizations contain null; "
                    + "pass only existing organization ids");
        }
        Map<String, SettingDefinition> definitions = manager.registry().definitions(code);

        // 1. Read and check every source value before touching the store.
        Map<OrganizationId, Map<String, Object>> values = new LinkedHashMap<>();
        for (OrganizationId organization : orgs) {
            List<SettingViolation> violations = new ArrayList<>();
            Map<String, Object> typed = new LinkedHashMap<>();
            for (SettingDefinition definition : definitions.values()) {
                Optional<String> text = source.lookup(organization, definition);
                if (text == null || text.isEmpty()) {
                    continue;
                }
                Object converted = convert(definition, text.get(), violations);
                if (converted != null) {
                    Object checked = SettingsCodec.check(definition, converted, violations);
                    if (checked != null) {
                        typed.put(definition.key(), checked);
                    }
                }
            }
            if (!violations.isEmpty()) {
                throw new InvalidSettingException(organization, code, violations);
            }
            values.put(organization, typed);
        }

        // 2. Compare with what is stored, one loadMany per chunk.
        List<SeedReport.OrganizationResult> results = new ArrayList<>();
        List<List<SettingsBatch>> chunks = new ArrayList<>();
        Map<OrganizationId, List<String>> incomplete = new LinkedHashMap<>();
        for (int start = 0; start < orgs.size(); start += CHUNK) {
            List<OrganizationId> chunk = orgs.subList(start, Math.min(orgs.size(), start + CHUNK));
            Map<OrganizationId, StoredSettings> stored = manager.store().loadMany(code, chunk);
            List<SettingsBatch> batches = new ArrayList<>();
            for (OrganizationId organization : chunk) {
                StoredSettings current = stored.get(organization);
                if (current == null || !current.organizationExists()) {
                    throw SettingsService.unknownOrganization(organization);
                }
                List<String> written = new ArrayList<>();
                List<String> unchanged = new ArrayList<>();
                List<String> missing = new ArrayList<>();
                List<SettingWrite> writes = new ArrayList<>();
                for (SettingDefinition definition : definitions.values()) {
                    Object value = values.get(organization).get(definition.key());
                    StoredSetting setting = current.settings().get(definition.key());
                    if (value == null) {
                        if (definition.isRequired() && setting == null && definition.defaultValue() == null) {
                            missing.add(definition.key());
                        }
                    } else if (setting != null && sameValue(organization, code, definition, setting, value)) {
                        unchanged.add(definition.key());
                    } else {
                        written.add(definition.key());
                        writes.add(new SettingWrite(definition.key(), SettingsCodec.toStored(definition, value,
                                manager.cipher(), new SecretContext(organization, code, definition.key())),
                                setting == null ? SettingWrite.ABSENT : setting.version()));
                    }
                }
                boolean skip = !missing.isEmpty();
                if (skip) {
                    incomplete.put(organization, missing);
                } else if (!writes.isEmpty()) {
                    batches.add(new SettingsBatch(organization, code, actor, writes));
                }
                results.add(new SeedReport.OrganizationResult(organization, skip ? List.of() : written, unchanged,
                        missing, skip));
            }
            chunks.add(batches);
        }
        if (!incomplete.isEmpty() && missingValues == MissingValues.FAIL) {
            throw new SeedingException(code, incomplete);
        }

        // 3. Write, one saveAll per chunk.
        for (List<SettingsBatch> batches : chunks) {
            if (batches.isEmpty()) {
                continue;
            }
            try {
                manager.store().saveAll(batches);
            } finally {
                batches.forEach(batch -> manager.invalidate(batch.organization(), code));
            }
        }
        SeedReport report = new SeedReport(code, results);
        LOG.debug("seeded provider {} by {}: {} organization(s), {} key(s) written, {} skipped", code, actor,
                orgs.size(), report.writtenCount(), incomplete.size());
        return report;
    }

    /** Converts source text to the declared type; null after adding a violation. */
    private static Object convert(SettingDefinition definition, String text, List<SettingViolation> violations) {
        switch (definition.type()) {
            case TEXT:
            case JSON:
                return text;
            case SECRET:
                return Secret.of(text);
            case INTEGER:
                try {
                    return Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    violations.add(new SettingViolation(definition.key(), "is declared integer but the source value is not a "
                            + "whole number"));
                    return null;
                }
            case BOOLEAN:
                String value = text.strip();
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(value);
                }
                violations.add(new SettingViolation(definition.key(), "is declared boolean but the source value is not "
                        + "true or false"));
                return null;
            default:
                throw new IllegalStateException("unknown type " + definition.type());
        }
    }

    private boolean sameValue(OrganizationId organization, ProviderCode code, SettingDefinition definition,
                              StoredSetting setting, Object value) {
        StoredValue stored = setting.value();
        if (stored.type() != definition.type()) {
            return false;
        }
        Object current = SettingsCodec.fromStored(organization, code, definition.key(), stored, manager.cipher());
        return current.equals(value);
    }

    @Override
    public String toString() {
        return "Seeder[missingValues=" + missingValues + "]";
    }
}
