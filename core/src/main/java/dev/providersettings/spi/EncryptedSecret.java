package dev.providersettings.spi;

import java.util.Arrays;
import java.util.Base64;

/**
 * A secret as stores keep it: the id of the key that encrypted it and the ciphertext (whatever the cipher needs:
 * nonce, ciphertext and tag for AES-GCM).
 *
 * @param keyId      the id of the encryption key in the key ring
 * @param ciphertext the opaque encrypted bytes
 */
public record EncryptedSecret(String keyId, byte[] ciphertext) {

    public EncryptedSecret {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("encrypted secret without key id");
        }
        if (ciphertext == null || ciphertext.length == 0) {
            throw new IllegalArgumentException("encrypted secret without ciphertext");
        }
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** The ciphertext in Base64, for stores that keep text. */
    public String ciphertextBase64() {
        return Base64.getEncoder().encodeToString(ciphertext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedSecret e && keyId.equals(e.keyId) && Arrays.equals(ciphertext, e.ciphertext);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        // The key id may come from the database: escaped and shortened so it cannot forge a log line.
        return "EncryptedSecret[keyId=" + dev.providersettings.internal.UntrustedText.quote(keyId) + ", " + ciphertext.length + " bytes]";
    }
}
