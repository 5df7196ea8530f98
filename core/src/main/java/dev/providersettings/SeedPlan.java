package dev.providersettings;

import java.util.List;

/**
 * What {@link Seeder#seed} would do, computed by {@link Seeder#plan} without writing anything: per organization, the
 * source its settings would come from, the keys that source provides, and the action. Keys only, never values.
 *
 * @param provider      the provider
 * @param organizations one entry per organization considered, in order
 */
public record SeedPlan(ProviderCode provider, List<Entry> organizations) {

    public SeedPlan {
        organizations = List.copyOf(organizations);
    }

    /** What seeding would do for one organization. */
    public enum Action {
        /** Some keys would be written (new or changed). */
        WRITE,
        /** Everything the source provides is already stored (or no source has anything and nothing is missing). */
        UNCHANGED,
        /**
         * Required keys are missing from the organization's source (or, with no source, from the store): seeding
         * fails for it, or skips it with {@link Seeder#skipIncomplete()}.
         */
        INCOMPLETE
    }

    /**
     * The plan for one organization.
     *
     * @param organization the organization
     * @param provider     the provider
     * @param source       the name of the source all its settings would come from ({@link SeedReport#NO_SOURCE} if
     *                     no source of the chain holds any)
     * @param keys         the keys that source provides for it
     * @param toWrite      the keys that would be written (new or changed values)
     * @param missing      the required keys missing (see {@link Action#INCOMPLETE})
     * @param action       the action
     */
    public record Entry(OrganizationId organization, ProviderCode provider, String source, List<String> keys,
                        List<String> toWrite, List<String> missing, Action action) {
        public Entry {
            keys = List.copyOf(keys);
            toWrite = List.copyOf(toWrite);
            missing = List.copyOf(missing);
        }
    }

    /** The entries with the given action. */
    public List<Entry> withAction(Action action) {
        return organizations.stream().filter(e -> e.action() == action).toList();
    }

    /** The entry of one organization, if it was considered. */
    public java.util.Optional<Entry> of(OrganizationId organization) {
        return organizations.stream().filter(e -> e.organization().equals(organization)).findFirst();
    }
}
