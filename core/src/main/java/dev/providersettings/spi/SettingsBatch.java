package dev.providersettings.spi;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

import java.util.List;

/**
 * Writes to one (organization, provider), applied atomically: all or nothing.
 *
 * @param organization the organization
 * @param provider     the provider
 * @param actor        who makes the change, recorded in the audit trail
 * @param writes       the changes, at most one per key
 */
public record SettingsBatch(OrganizationId organization, ProviderCode provider, String actor, List<SettingWrite> writes) {
    public SettingsBatch {
        writes = List.copyOf(writes);
    }
}
