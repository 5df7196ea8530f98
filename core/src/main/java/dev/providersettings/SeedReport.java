package dev.providersettings;

import java.util.List;

/**
 * What one {@link Seeder#seed} run did, per organization; keys only, never values.
 *
 * @param provider      the provider seeded
 * @param organizations one entry per organization considered, in order
 */
public record SeedReport(ProviderCode provider, List<OrganizationResult> organizations) {
    /** The source name of an organization that no source of the chain holds anything for. */
    public static final String NO_SOURCE = "none";

    public SeedReport {
        organizations = List.copyOf(organizations);
    }

    /**
     * The outcome for one organization.
     *
     * @param organization the organization
     * @param source       the name of the one source all its values came from (e.g. {@code per-organization
     *                     directory /run/secrets/orgs}), or {@link #NO_SOURCE}
     * @param written      keys written (new or changed)
     * @param unchanged    keys whose stored value already equals the source's
     * @param missing      required keys missing from its source (or, with no source, not stored either)
     * @param skipped      whether nothing was written because required keys were missing (skip policy)
     */
    public record OrganizationResult(OrganizationId organization, String source, List<String> written, List<String> unchanged,
                                     List<String> missing, boolean skipped) {
        public OrganizationResult {
            written = List.copyOf(written);
            unchanged = List.copyOf(unchanged);
            missing = List.copyOf(missing);
        }
    }

    /** How many keys were written in total. */
    public int writtenCount() {
        return organizations.stream().mapToInt(o -> o.written().size()).sum();
    }

    /** The organizations skipped for missing required values. */
    public List<OrganizationId> skipped() {
        return organizations.stream().filter(OrganizationResult::skipped).map(OrganizationResult::organization).toList();
    }

    /** The result of one organization, if it was considered. */
    public java.util.Optional<OrganizationResult> of(OrganizationId organization) {
        return organizations.stream().filter(o -> o.organization().equals(organization)).findFirst();
    }
}
