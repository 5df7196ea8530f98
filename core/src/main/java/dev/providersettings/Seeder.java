package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.SeedingException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.spi.ProviderFactory;

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
 * Seeds a provider's settings for every organization (or a chosen set) from a {@link SecretSource}, with no silent
 * failure:
 * <ul>
 *   <li>one source per organization: each organization gets all of the provider's settings from the one source that
 *       holds them ({@link SecretSource#sourceFor}; the first member of a {@link SecretSource#firstOf} chain), never
 *       some keys from one source and the rest from the next. A source lacking a required key makes the organization
 *       incomplete; an unreadable or unresolvable file is an error. The report names each organization's source;</li>
 *   <li>values are converted to the declared type and validated like {@link SettingsService#update};</li>
 *   <li>idempotent: stored values are compared (secrets decrypted) and only changed keys are written, so a second
 *       run writes nothing and bumps no version;</li>
 *   <li>batched: one {@code loadMany} and one {@code saveAll} per chunk of {@value #CHUNK} organizations;</li>
 *   <li>loud: every problem is a typed exception, and all checks (values, organizations, missing required keys)
 *       run before anything is written. Writes use check-and-set on the versions read, so a concurrent change
 *       fails the run with {@link VersionConflictException} instead of being overwritten; chunks written before a
 *       failing chunk stay written, and running again is safe.</li>
 * </ul>
 * Organizations lacking required values fail the run with {@link SeedingException} by default;
 * {@link #skipIncomplete()} skips and reports them instead. Keys the source does not provide are left as stored:
 * seeding never deletes. {@link #plan} computes the same decisions without writing (a dry run).
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
     * @throws ConfigurationException       if a source cannot be read (an unreadable or unresolvable file; nothing
     *                                      written)
     * @throws MissingOrganizationException if an organization does not exist (nothing written)
     * @throws SeedingException             if organizations lack required values and the policy is FAIL (nothing
     *                                      written)
     * @throws VersionConflictException     if settings changed concurrently during the run
     */
    public SeedReport seed(String actor, String provider, SecretSource source, Collection<OrganizationId> organizations) {
        manager.checkOpen();
        SettingsCodec.checkActor(actor);
        Analysis analysis = analyze(provider, source, organizations);
        ProviderCode code = analysis.code;
        Map<OrganizationId, List<String>> incomplete = new LinkedHashMap<>();
        Map<OrganizationId, String> sources = new LinkedHashMap<>();
        for (Decision decision : analysis.decisions) {
            if (!decision.missing.isEmpty()) {
                incomplete.put(decision.organization, decision.missing);
                sources.put(decision.organization, decision.source);
            }
        }
        if (!incomplete.isEmpty() && missingValues == MissingValues.FAIL) {
            throw new SeedingException(code, incomplete, sources);
        }

        // Write, one saveAll per chunk, with check-and-set on the versions read.
        List<SeedReport.OrganizationResult> results = new ArrayList<>();
        for (int start = 0; start < analysis.decisions.size(); start += CHUNK) {
            List<SettingsBatch> batches = new ArrayList<>();
            for (Decision decision : analysis.decisions.subList(start, Math.min(analysis.decisions.size(), start + CHUNK))) {
                boolean skip = !decision.missing.isEmpty();
                if (!skip && !decision.toWrite.isEmpty()) {
                    List<SettingWrite> writes = new ArrayList<>();
                    decision.toWrite.forEach((key, value) -> writes.add(new SettingWrite(key, SettingsCodec.toStored(
                            analysis.definitions.get(key), value, manager.cipher(),
                            new SecretContext(decision.organization, code, key)), decision.expectedVersions.get(key))));
                    batches.add(new SettingsBatch(decision.organization, code, actor, writes));
                }
                results.add(new SeedReport.OrganizationResult(decision.organization, decision.source,
                        skip ? List.of() : List.copyOf(decision.toWrite.keySet()), decision.unchanged, decision.missing, skip));
            }
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
                results.size(), report.writtenCount(), incomplete.size());
        return report;
    }

    /** {@link #plan(String, SecretSource, Collection)} for every organization of the store. */
    public SeedPlan plan(String provider, SecretSource source) {
        manager.checkOpen();
        return plan(provider, source, manager.store().listOrganizations());
    }

    /**
     * A dry run of {@link #seed}: reads the sources and the store exactly as seeding would (choosing each
     * organization's source, converting and validating values, comparing with what is stored, secrets decrypted) and
     * says per organization which source its settings come from, which keys that source provides, and whether seeding
     * would write, change nothing, or find it incomplete. Writes nothing, whatever the missing-values policy.
     *
     * @throws InvalidSettingException      if a source value is invalid for its declaration (seeding would fail too)
     * @throws ConfigurationException       if a source cannot be read
     * @throws MissingOrganizationException if an organization does not exist
     */
    public SeedPlan plan(String provider, SecretSource source, Collection<OrganizationId> organizations) {
        manager.checkOpen();
        Analysis analysis = analyze(provider, source, organizations);
        List<SeedPlan.Entry> entries = new ArrayList<>();
        for (Decision decision : analysis.decisions) {
            SeedPlan.Action action = !decision.missing.isEmpty() ? SeedPlan.Action.INCOMPLETE
                    : decision.toWrite.isEmpty() ? SeedPlan.Action.UNCHANGED : SeedPlan.Action.WRITE;
            entries.add(new SeedPlan.Entry(decision.organization, analysis.code, decision.source,
                    List.copyOf(decision.provided), List.copyOf(decision.toWrite.keySet()), decision.missing, action));
        }
        return new SeedPlan(analysis.code, entries);
    }

    /** What seeding decides for one organization. Holds typed values (secrets as {@link Secret}); never printed. */
    private static final class Decision {
        final OrganizationId organization;
        final String source;
        final List<String> provided;
        final Map<String, Object> toWrite = new LinkedHashMap<>();
        final Map<String, Long> expectedVersions = new LinkedHashMap<>();
        final List<String> unchanged = new ArrayList<>();
        final List<String> missing = new ArrayList<>();

        Decision(OrganizationId organization, String source, List<String> provided) {
            this.organization = organization;
            this.source = source;
            this.provided = provided;
        }
    }

    /** The decisions for every organization, and what writing them needs. */
    private record Analysis(ProviderCode code, Map<String, SettingDefinition> definitions, List<Decision> decisions) {
    }

    /** Every read and check of seeding, nothing written: sources, values, organizations, stored values. */
    private Analysis analyze(String provider, SecretSource source, Collection<OrganizationId> organizations) {
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
        List<SettingDefinition> declared = List.copyOf(definitions.values());

        // 1. Choose each organization's one source and read, convert and check its values.
        List<Decision> decisions = new ArrayList<>();
        Map<OrganizationId, Map<String, Object>> values = new LinkedHashMap<>();
        for (OrganizationId organization : orgs) {
            Optional<SecretSource> chosen = source.sourceFor(organization, declared);
            List<SettingViolation> violations = new ArrayList<>();
            Map<String, Object> typed = new LinkedHashMap<>();
            List<String> provided = new ArrayList<>();
            if (chosen.isPresent()) {
                for (SettingDefinition definition : declared) {
                    Optional<String> text = chosen.get().lookup(organization, definition);
                    if (text == null || text.isEmpty()) {
                        continue;
                    }
                    provided.add(definition.key());
                    Object converted = convert(definition, text.get(), violations);
                    if (converted != null) {
                        Object checked = SettingsCodec.check(definition, converted, violations);
                        if (checked != null) {
                            typed.put(definition.key(), checked);
                        }
                    }
                }
            }
            if (!violations.isEmpty()) {
                throw new InvalidSettingException(organization, code, violations);
            }
            values.put(organization, typed);
            decisions.add(new Decision(organization, chosen.map(SecretSource::name).orElse(SeedReport.NO_SOURCE), provided));
        }

        // 2. Compare with what is stored, one loadMany per chunk.
        for (int start = 0; start < decisions.size(); start += CHUNK) {
            List<Decision> chunk = decisions.subList(start, Math.min(decisions.size(), start + CHUNK));
            Map<OrganizationId, StoredSettings> stored = manager.store().loadMany(code,
                    chunk.stream().map(d -> d.organization).toList());
            for (Decision decision : chunk) {
                StoredSettings current = stored.get(decision.organization);
                if (current == null || !current.organizationExists()) {
                    throw SettingsService.unknownOrganization(decision.organization);
                }
                boolean hasSource = !decision.source.equals(SeedReport.NO_SOURCE);
                for (SettingDefinition definition : declared) {
                    Object value = values.get(decision.organization).get(definition.key());
                    StoredSetting setting = current.settings().get(definition.key());
                    if (value == null) {
                        // With a source, every required key must come from it (a stored value from elsewhere would
                        // mix credentials); without one, seeding writes nothing and only reports what is missing.
                        if (definition.isRequired() && definition.defaultValue() == null && (hasSource || setting == null)) {
                            decision.missing.add(definition.key());
                        }
                    } else if (setting != null && sameValue(decision.organization, code, definition, setting, value)) {
                        decision.unchanged.add(definition.key());
                    } else {
                        decision.toWrite.put(definition.key(), value);
                        decision.expectedVersions.put(definition.key(), setting == null ? SettingWrite.ABSENT : setting.version());
                    }
                }
            }
        }
        return new Analysis(code, definitions, decisions);
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
