package dev.providersettings.spi;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

import java.util.Map;

/**
 * Everything stored for one (organization, provider), read in one call.
 *
 * @param organization       the organization asked for
 * @param provider           the provider asked for
 * @param organizationExists whether the organization exists in the store (so a caller can tell "unknown
 *                           organization" from "no credentials" without a second read)
 * @param settings           stored settings by key; empty when none
 */
public record StoredSettings(OrganizationId organization, ProviderCode provider, boolean organizationExists,
                             Map<String, StoredSetting> settings) {
    public StoredSettings {
        settings = Map.copyOf(settings);
    }
}
