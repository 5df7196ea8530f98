package dev.providersettings.exception;


/**
 * A stored secret cannot be decrypted: unknown key id, wrong key, or a ciphertext that was tampered with or copied
 * from another organization, provider or key. Never returns garbage plaintext.
 */
public class SecretDecryptionException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;

    public SecretDecryptionException(String message) {
        super(message);
    }

    public SecretDecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
