package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;

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
 * with it; every key of the ring decrypts.
 *
 * <h2>Text format</h2>
 * A key file (e.g. {@code /run/secrets/provider_settings_key}) or environment variable holds entries
 * {@code keyId:base64key}, one per line (in an environment variable, entries may also be separated by {@code ,} or
 * {@code ;}), and optionally one entry {@code primary=keyId} naming the primary. Without it the <b>first</b> key is
 * the primary (files written before the marker existed keep their meaning). Key ids are 1-64 letters, digits,
 * {@code .}, {@code _} or {@code -}; each key is exactly 32 bytes in standard Base64. Blank lines and lines starting
 * with {@code #} are ignored. Generate a key with {@code echo "k2:$(head -c 32 /dev/urandom | base64)"}.
 * <pre>
 * primary=k2
 * k1:3q2+7w...=
 * k2:q83vEj...=
 * </pre>
 *
 * <h2>Rotation across a cluster</h2>
 * A node can only read what was encrypted under a key it holds, and nodes restart one at a time. So the primary
 * changes only once every node already holds the new key:
 * <ol>
 *   <li><b>add</b> the new key as a secondary entry (keep {@code primary=} on the old key, or append the new key
 *       after it) and roll every node: all still encrypt with the old key, all can decrypt both;</li>
 *   <li><b>promote</b>: change {@code primary=} to the new key (or use {@link #withPrimary(String)} with a primary
 *       id kept in separate configuration) and roll every node: during the roll some nodes encrypt with the old key
 *       and some with the new one, and every node reads both;</li>
 *   <li><b>rewrap</b> once every node runs with the new primary: {@link SettingsService#rewrap(RewrapOptions)}
 *       until {@link RewrapReport#complete()}, which means no stored secret is left under another key;</li>
 *   <li><b>retire</b>: remove the old key and roll every node.</li>
 * </ol>
 * Putting a new key first and restarting (skipping step 1) breaks a rolling deploy: nodes not yet restarted cannot
 * decrypt what restarted nodes write.
 *
 * <p>{@code toString} shows key ids only, never key material; error messages name key ids and line numbers only.
 */
public final class KeyRing {
    /** Key ids: letters, digits, '.', '_' and '-', 1 to 64 characters. */
    public static final Pattern KEY_ID_FORMAT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The key length of AES-256. */
    public static final int KEY_BYTES = 32;
    /** The entry naming the primary key in the text format: {@code primary=keyId}. */
    private static final Pattern PRIMARY_MARKER = Pattern.compile("primary\\s*=");

    private final String primaryKeyId;
    private final Map<String, SecretKey> keys;
    /** Derived from the primary key on first use (racy but idempotent). */
    private volatile SecretKey fingerprintKey;

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
                    + "(entries keyId:base64key separated by ',' or newlines, optionally primary=keyId; else the first is the primary)");
        }
        return parse(text, "environment variable " + variableName, true);
    }

    private static KeyRing parse(String text, String origin, boolean allowSeparators) {
        Builder builder = builder();
        String[] entries = allowSeparators ? text.split("[\\r\\n,;]+") : text.split("\\r?\\n|\\r");
        boolean first = true;
        String[] firstId = new String[1];
        String primaryMarker = null;
        String primaryWhere = null;
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String where = origin + (allowSeparators ? ", entry " : ", line ") + (i + 1);
            if (PRIMARY_MARKER.matcher(entry).lookingAt()) {
                if (primaryMarker != null) {
                    throw new ConfigurationException(where + " names the primary key a second time (first at "
                            + primaryWhere + "): keep one 'primary=keyId' entry");
                }
                primaryMarker = entry.substring(entry.indexOf('=') + 1).strip();
                primaryWhere = where;
                if (!KEY_ID_FORMAT.matcher(primaryMarker).matches()) {
                    throw new ConfigurationException(where + ": 'primary=' must name a key id (1-64 letters, digits, "
                            + "'.', '_' or '-'), found '" + OrganizationId.abbreviate(primaryMarker) + "'");
                }
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigurationException(where + " is not 'keyId:base64key': write entries like "
                        + "'k1:<base64 of 32 bytes>' and optionally one entry primary=keyId (else the first key is the primary)");
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
                builder.add(id, key);
                if (first) {
                    firstId[0] = id;
                    first = false;
                }
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        if (first) {
            throw new ConfigurationException(origin + " contains no key: write a line 'k1:<base64 of 32 random bytes>'");
        }
        if (primaryMarker != null && !builder.keys.containsKey(primaryMarker)) {
            throw new ConfigurationException(primaryWhere + " names primary key '" + primaryMarker + "', which is not "
                    + "in " + origin + " " + builder.keys.keySet() + ": add the line '" + primaryMarker
                    + ":<base64 key>' or name one of the keys present");
        }
        return builder.primaryKeyId(primaryMarker != null ? primaryMarker : firstId[0]).build();
    }

    /** The id of the key new secrets are encrypted with. */
    public String primaryKeyId() {
        return primaryKeyId;
    }

    /** Every key id, the primary first, then the others in the order they were given. */
    public List<String> keyIds() {
        List<String> ids = new java.util.ArrayList<>(keys.keySet());
        ids.remove(primaryKeyId);
        ids.add(0, primaryKeyId);
        return List.copyOf(ids);
    }

    /**
     * This ring with another primary (for hosts that keep the primary key id in configuration apart from the key
     * file). Same keys; the ring itself is unchanged.
     *
     * @throws ConfigurationException if the ring holds no key with that id
     */
    public KeyRing withPrimary(String keyId) {
        if (keyId == null || !keys.containsKey(keyId)) {
            throw new ConfigurationException("key ring has no key '" + (keyId == null ? "null"
                    : OrganizationId.abbreviate(keyId)) + "' to make primary: its keys are " + keys.keySet()
                    + "; add the key first (as a secondary, on every node) and then promote it");
        }
        return keyId.equals(primaryKeyId) ? this : new KeyRing(keyId, keys);
    }

    /** Whether the ring holds a key with this id. */
    public boolean contains(String keyId) {
        return keys.containsKey(keyId);
    }

    /**
     * A fingerprint of a secret that is the same on every node and after every restart of a deployment using this key
     * ring, and different in any other deployment: {@code fp:<primary key id>:} and 16 hex digits (64 bits) of
     * HMAC-SHA-256 of the value under a key derived from the primary key (HMAC-SHA-256 of a fixed label under the
     * primary key, so the fingerprint reveals nothing about the key). Without the key ring a fingerprint can neither
     * be compared with another deployment's nor used to confirm a guessed secret. It changes when the primary
     * changes; the key id in it says which primary made it. For logs of one process, {@link Secret#fingerprint()}
     * needs no key ring.
     */
    public String fingerprint(Secret secret) {
        Objects.requireNonNull(secret, "secret");
        javax.crypto.SecretKey key = fingerprintKey;
        if (key == null) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(keys.get(primaryKeyId));
                byte[] derived = mac.doFinal("provider-settings secret fingerprint v1".getBytes(StandardCharsets.UTF_8));
                key = new SecretKeySpec(derived, "HmacSHA256");
                Arrays.fill(derived, (byte) 0);
            } catch (java.security.GeneralSecurityException e) {
                throw new ConfigurationException("HmacSHA256 is not available in this JVM (" + e.getClass().getSimpleName()
                        + "): use a standard Java 17 runtime", e);
            }
            fingerprintKey = key;
        }
        return "fp:" + primaryKeyId + ":" + Secret.hmacHex(key, secret.reveal());
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

        /** Adds the primary key (the one that encrypts); it also decrypts. */
        public Builder primary(String keyId, byte[] key) {
            checkNoPrimary(keyId);
            put(keyId, key);
            primary = keyId;
            return this;
        }

        /**
         * Makes an added key the primary, independent of the order keys were added in (checked by {@link #build()}).
         */
        public Builder primaryKeyId(String keyId) {
            checkNoPrimary(keyId);
            if (keyId == null || !KEY_ID_FORMAT.matcher(keyId).matches()) {
                throw new ConfigurationException("primary key id '" + (keyId == null ? "null" : OrganizationId.abbreviate(keyId))
                        + "' is malformed: use 1-64 letters, digits, '.', '_' or '-' such as k1 or 2026-01");
            }
            primary = keyId;
            return this;
        }

        private void checkNoPrimary(String keyId) {
            if (primary != null) {
                throw new ConfigurationException("key ring: primary key already set to '" + primary
                        + "', cannot also make '" + (keyId == null ? "null" : OrganizationId.abbreviate(keyId))
                        + "' primary; add further keys with add(keyId, key), they decrypt only");
            }
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
                        + "that encrypts new secrets, or primaryKeyId(keyId) naming an added key");
            }
            if (!keys.containsKey(primary)) {
                throw new ConfigurationException("key ring: primary key '" + primary + "' was never added: add it with "
                        + "add(keyId, key); its keys are " + keys.keySet());
            }
            return new KeyRing(primary, keys);
        }
    }
}
