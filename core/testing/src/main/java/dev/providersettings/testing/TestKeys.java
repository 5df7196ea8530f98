package dev.providersettings.testing;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;

import java.security.SecureRandom;
import java.util.Base64;

/** Random AES-256 keys and ciphers for tests. */
public final class TestKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {
    }

    /** 32 random bytes. */
    public static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    /** A key-ring line {@code id:base64}. */
    public static String line(String keyId, byte[] key) {
        return keyId + ":" + Base64.getEncoder().encodeToString(key);
    }

    /** A ring with one random primary key. */
    public static KeyRing ring(String keyId) {
        return KeyRing.builder().primary(keyId, randomKey()).build();
    }

    /** A cipher over a ring with one random key {@code k1}. */
    public static AesGcmSecretCipher cipher() {
        return new AesGcmSecretCipher(ring("k1"));
    }
}
