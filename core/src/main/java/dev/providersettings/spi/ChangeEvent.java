package dev.providersettings.spi;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

/**
 * The settings of one (organization, provider) changed, or — when both are null — anything may have changed
 * (a change feed reconnected and may have missed events), so caches must drop everything.
 *
 * @param organization the organization, or null for "everything"
 * @param provider     the provider, or null for "every provider of the organization" or "everything"
 */
public record ChangeEvent(OrganizationId organization, ProviderCode provider) {
    private static final ChangeEvent EVERYTHING = new ChangeEvent(null, null);

    /** Anything may have changed. */
    public static ChangeEvent everything() {
        return EVERYTHING;
    }

    /** Whether caches must drop every entry. */
    public boolean isEverything() {
        return organization == null;
    }
}
