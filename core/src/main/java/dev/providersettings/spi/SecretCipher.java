package dev.providersettings.spi;

import dev.providersettings.Secret;
import dev.providersettings.exception.SecretDecryptionException;

/**
 * Encrypts secrets in the JVM before any store sees them. The default is AES-256-GCM over a key ring; a KMS,
 * Vault or Tink implementation can replace it.
 */
public interface SecretCipher {

    /** Encrypts under the primary key, bound to {@code context}. */
    EncryptedSecret encrypt(Secret secret, SecretContext context);

    /**
     * Decrypts; fails rather than return wrong plaintext.
     *
     * @throws SecretDecryptionException on an unknown key id, a wrong key, a tampered ciphertext or another context
     */
    Secret decrypt(EncryptedSecret encrypted, SecretContext context);

    /** The id of the key new secrets are encrypted with. */
    String primaryKeyId();
}
