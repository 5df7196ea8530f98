package dev.providersettings;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The AES-256 keys that encrypt stored secrets, each with an id. One key is the primary: new secrets are encrypted
 * with it; every key of the ring decrypts. Rotate by adding a new primary, running
 * {@link SettingsService#rewrap(String)}, then removing the old key.
 *
 * <h2>Text format</h2>
 * A key file (e.g. {@code /run/secrets/provider_settings_key}) or environment variable holds entries
 * {@code keyId:base64key}, one per line (in an environment variable, entries may also be separated by {@code ,} or
 * {@code ;}). The <b>first</b> entry is the primary. Key ids are 1-64 letters, digits, {@code .}, {@code _} or
 * {@code -}; each key is exactly 32 bytes in standard Base64. Blank lines and lines starting with {@code #} are
 * ignored. Generate a key with {@code echo "k2:$(head -c 32 /dev/urandom | base64)"}.
 *
 * <p>{@code toString} shows key ids only, never key material; error messages name key ids and line numbers only.
 */
public final class KeyRing {
    /** Key ids: letters, digits, '.', '_' and '-', 1 to 64 characters. */
    public static final Pattern KEY_ID_FORMAT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The key length of AES-256. */
    public static final int KEY_BYTES = 32;

    private final String primaryKeyId;
    private final Map<String, SecretKey> keys;

    private KeyRing(String primaryKeyId, Map<String, SecretKey> keys) {
        this.primaryKeyId = primaryKeyId;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a key file in the text format above.
     *
     * @throws ConfigurationException if the file is missing, unreadable, empty or malformed
     */
    public static KeyRing fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("key file " + file + " does not exist: create it with a line "
                    + "'k1:<base64 of 32 random bytes>', e.g. echo \"k1:$(head -c 32 /dev/urandom | base64)\" > " + file);
        } catch (IOException e) {
            throw new ConfigurationException("key file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "): check its permissions", e);
        }
        return parse(text, "key file " + file, false);
    }

    /** Reads the key ring from an environment variable of this process. */
    public static KeyRing fromEnvironment(String variableName) {
        return fromEnvironment(System.getenv(), variableName);
    }

    /**
     * Reads the key ring from {@code environment.get(variableName)} (a map, so tests need not set real variables).
     *
     * @throws ConfigurationException if the variable is missing, empty or malformed
     */
    public static KeyRing fromEnvironment(Map<String, String> environment, String variableName) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(variableName, "variableName");
        String text = environment.get(variableName);
        if (text == null || text.isBlank()) {
            throw new ConfigurationException("environment variable " + variableName + " is "
                    + (text == null ? "not set" : "empty") + ": set it to 'k1:<base64 of 32 random bytes>' "
                    + "(entries keyId:base64key separated by ',' or newlines, the first is the primary)");
        }
        return parse(text, "environment variable " + variableName, true);
    }

    private static KeyRing parse(String text, String origin, boolean allowSeparators) {
        Builder builder = builder();
        String[] entries = allowSeparators ? text.split("[\\r\\n,;]+") : text.split("\\r?\\n|\\r");
        boolean first = true;
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String where = origin + (allowSeparators ? ", entry " : ", line ") + (i + 1);
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigurationException(where + " is not 'keyId:base64key': write entries like "
                        + "'k1:<base64 of 32 bytes>' (the first one is the primary)");
            }
            String id = entry.substring(0, colon).strip();
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(where + ": the key of id '" + OrganizationId.abbreviate(id)
                        + "' is not valid Base64: encode 32 random bytes with base64");
            }
            try {
                if (first) {
                    builder.primary(id, key);
                    first = false;
                } else {
                    builder.add(id, key);
                }
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        if (first) {
            throw new ConfigurationException(origin + " contains no key: write a line 'k1:<base64 of 32 random bytes>'");
        }
        return builder.build();
    }

    /** The id of the key new secrets are encrypted with. */
    public String primaryKeyId() {
        return primaryKeyId;
    }

    /** Every key id, the primary first. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /** Whether the ring holds a key with this id. */
    public boolean contains(String keyId) {
        return keys.containsKey(keyId);
    }

    /** The key of an id, for the ciphers of this package. */
    Optional<SecretKey> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public String toString() {
        return "KeyRing[primary=" + primaryKeyId + ", keys=" + keys.keySet() + "]";
    }

    /** Collects keys; the key bytes are copied, so callers may wipe their arrays afterwards. */
    public static final class Builder {
        private final Map<String, SecretKey> keys = new LinkedHashMap<>();
        private String primary;

        private Builder() {
        }

        /** Sets the primary key (the one that encrypts); it also decrypts. */
        public Builder primary(String keyId, byte[] key) {
            if (primary != null) {
                throw new ConfigurationException("key ring: primary key already set to '" + primary
                        + "'; add further keys with add(keyId, key), they decrypt only");
            }
            put(keyId, key);
            primary = keyId;
            return this;
        }

        /** Adds a key that decrypts (an older key kept until {@code rewrap} has run). */
        public Builder add(String keyId, byte[] key) {
            put(keyId, key);
            return this;
        }

        private void put(String keyId, byte[] key) {
            if (keyId == null || !KEY_ID_FORMAT.matcher(keyId).matches()) {
                throw new ConfigurationException("key id '" + (keyId == null ? "null" : OrganizationId.abbreviate(keyId))
                        + "' is malformed: use 1-64 letters, digits, '.', '_' or '-' such as k1 or 2026-01");
            }
            if (key == null || key.length != KEY_BYTES) {
                throw new ConfigurationException("key '" + keyId + "' is " + (key == null ? "missing" : key.length + " bytes")
                        + ": AES-256 needs exactly 32 random bytes (head -c 32 /dev/urandom | base64)");
            }
            if (keys.containsKey(keyId)) {
                throw new ConfigurationException("key id '" + keyId + "' appears twice in the key ring: give each key its own id");
            }
            keys.put(keyId, new SecretKeySpec(key, "AES"));
        }

        /**
         * Builds the ring.
         *
         * @throws ConfigurationException if no primary key was set
         */
        public KeyRing build() {
            if (primary == null) {
                throw new ConfigurationException("key ring has no primary key: call primary(keyId, key) with the key "
                        + "that encrypts new secrets");
            }
            return new KeyRing(primary, keys);
        }
    }
}
