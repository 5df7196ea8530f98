package dev.providersettings.spi;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

import java.nio.charset.StandardCharsets;

/**
 * Where a secret belongs. Ciphers bind the ciphertext to it (AEAD associated data), so a ciphertext copied into
 * another organization's, provider's or key's row fails to decrypt.
 *
 * @param organization the organization
 * @param provider     the provider
 * @param key          the setting key
 */
public record SecretContext(OrganizationId organization, ProviderCode provider, String key) {

    /** The associated data: a versioned, unambiguous encoding of the three parts. */
    public byte[] associatedData() {
        return ("provider-settings/v1\u0000" + organization + "\u0000" + provider + "\u0000" + key)
                .getBytes(StandardCharsets.UTF_8);
    }
}
