package dev.providersettings;

import dev.providersettings.exception.InvalidSettingException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A secret value (an API secret key, a password). It never shows in {@code toString}, logs or exception messages;
 * reading it takes an explicit call to {@link #reveal()}.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @throws InvalidSettingException if the value is null or empty (the message does not contain the value)
     */
    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidSettingException("secret value is " + (value == null ? "null" : "empty")
                    + ": pass the secret's text (files read from /run/secrets are trimmed of their final newline)");
        }
        return new Secret(value);
    }

    /** The plaintext. Call it only where the secret is sent to its legitimate destination. */
    public String reveal() {
        return value;
    }

    /**
     * A short fingerprint of the value, so that logs and reports can tell secrets apart without showing them:
     * {@code fp:} and 16 hex digits (64 bits) of HMAC-SHA-256 of the value under a random key drawn once per process.
     *
     * <p>Why keyed, and why per process: an unkeyed hash (such as a SHA-256 prefix) lets anyone holding a log line
     * confirm a guessed low-entropy secret offline, and shows when two organizations — or two deployments — use the
     * same key. Under a key that never leaves the process's memory, a fingerprint means nothing outside the process
     * that printed it: it cannot be compared with another deployment's or another process's output, and a guess cannot
     * be checked against it. Within one process the same secret always gives the same fingerprint, which is what logs
     * need (which key did this call use, did it change). For fingerprints that stay comparable across the nodes and
     * restarts of one deployment, use {@link KeyRing#fingerprint(Secret)}.
     */
    public String fingerprint() {
        return "fp:" + ProcessFingerprintKey.hex(value);
    }

    /** The per-process fingerprint key, created on first use. */
    private static final class ProcessFingerprintKey {
        private static final javax.crypto.SecretKey KEY;

        static {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            KEY = new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256");
            java.util.Arrays.fill(key, (byte) 0);
        }

        static String hex(String value) {
            return hmacHex(KEY, value);
        }
    }

    /** 16 hex digits of HMAC-SHA-256 of the value under the key. */
    static String hmacHex(javax.crypto.SecretKey key, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(bytes), 0, 8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Length of the secret in characters (safe to report). */
    public int length() {
        return value.length();
    }

    /** Constant-time comparison of the values. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "Secret[<masked>]";
    }
}
