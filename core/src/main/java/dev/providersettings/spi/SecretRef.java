package dev.providersettings.spi;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

/**
 * Where a stored secret lives, with its current version and ciphertext; used to rewrap secrets under a new key.
 *
 * @param organization the organization
 * @param provider     the provider
 * @param key          the setting key
 * @param version      the version (for check-and-set when rewriting)
 * @param secret       the ciphertext
 */
public record SecretRef(OrganizationId organization, ProviderCode provider, String key, long version,
                        EncryptedSecret secret) {
}
