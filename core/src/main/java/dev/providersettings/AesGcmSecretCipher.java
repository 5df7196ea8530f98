package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.SecretDecryptionException;

import dev.providersettings.internal.UntrustedText;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.SecretContext;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The default {@link SecretCipher}: AES-256-GCM with a {@link KeyRing}. Each encryption draws a random 96-bit nonce
 * from {@link SecureRandom} and produces a 128-bit tag; the associated data is {@link SecretContext#associatedData()},
 * so a ciphertext copied to another organization, provider or key fails to decrypt.
 *
 * <p>Ciphertext layout: one format byte ({@code 1}), the 12-byte nonce, then the GCM ciphertext with its tag.
 * Thread-safe.
 */
public final class AesGcmSecretCipher implements SecretCipher {
    private static final byte FORMAT_V1 = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MIN_LENGTH = 1 + NONCE_BYTES + TAG_BITS / 8 + 1;

    private final KeyRing keyRing;
    private final SecureRandom random;

    /** A cipher over the given key ring. */
    public AesGcmSecretCipher(KeyRing keyRing) {
        this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
        this.random = new SecureRandom();
    }

    /** The key ring in use. */
    public KeyRing keyRing() {
        return keyRing;
    }

    @Override
    public String primaryKeyId() {
        return keyRing.primaryKeyId();
    }

    @Override
    public EncryptedSecret encrypt(Secret secret, SecretContext context) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(context, "context");
        String keyId = keyRing.primaryKeyId();
        SecretKey key = keyRing.key(keyId).orElseThrow();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plaintext = secret.reveal().getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.associatedData());
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
            out[0] = FORMAT_V1;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
            return new EncryptedSecret(keyId, out);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("AES/GCM encryption is not available in this JVM ("
                    + e.getClass().getSimpleName() + "): use a standard Java 17 runtime", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    @Override
    public Secret decrypt(EncryptedSecret encrypted, SecretContext context) {
        Objects.requireNonNull(encrypted, "encrypted");
        Objects.requireNonNull(context, "context");
        // The key id comes from the database: quoted escaped and shortened, it cannot forge or flood a message.
        String keyId = UntrustedText.quote(encrypted.keyId());
        String where = "secret " + context.key() + " of organization " + context.organization() + ", provider "
                + context.provider();
        SecretKey key = keyRing.key(encrypted.keyId()).orElseThrow(() -> new SecretDecryptionException(where
                + " is encrypted with key id '" + keyId + "', which is not in the key ring "
                + keyRing.keyIds() + ": add that key to the key ring (it may have been removed before rewrap finished)"));
        byte[] data = encrypted.ciphertext();
        if (data.length < MIN_LENGTH || data[0] != FORMAT_V1) {
            throw new SecretDecryptionException(where + " (key id '" + keyId + "') is not an AES-GCM ciphertext of "
                    + "this library (" + (data.length < MIN_LENGTH ? "too short" : "unknown format byte")
                    + "): it was truncated or written by another cipher; write the secret again");
        }
        byte[] plaintext = null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 1, NONCE_BYTES));
            cipher.updateAAD(context.associatedData());
            plaintext = cipher.doFinal(data, 1 + NONCE_BYTES, data.length - 1 - NONCE_BYTES);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plaintext)).toString();
            return Secret.of(text);
        } catch (AEADBadTagException e) {
            throw new SecretDecryptionException(where + " fails authentication with key id '" + keyId
                    + "': the ciphertext was altered or truncated, was copied from another organization, provider or "
                    + "key, or key id '" + keyId + "' now holds a different key; write the secret again");
        } catch (CharacterCodingException e) {
            throw new SecretDecryptionException(where + " decrypted to invalid UTF-8 with key id '" + keyId
                    + "'; write the secret again");
        } catch (GeneralSecurityException e) {
            throw new SecretDecryptionException(where + " cannot be decrypted with key id '" + keyId + "' ("
                    + e.getClass().getSimpleName() + "); write the secret again");
        } finally {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "AesGcmSecretCipher[" + keyRing + "]";
    }

}
