package dev.providersettings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
     * A short, non-reversible fingerprint of the value (first 8 hex digits of its SHA-256), so that logs and
     * reports can show which secret was used without showing it.
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
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
