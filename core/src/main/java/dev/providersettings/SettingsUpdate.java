package dev.providersettings;

import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.VersionConflictException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Changes to the settings of one (organization, provider), applied by {@link SettingsService#update} all or nothing:
 * {@code SettingsUpdate.builder().set("REGION", "fr-par").setSecret("SECRET_KEY", Secret.of(key))
 * .expectVersion("SECRET_KEY", 3).build()}.
 *
 * <p>Values are {@link String} (text and JSON — the declared type decides), {@link Long} or {@link Integer},
 * {@link Boolean}, or {@link Secret} (with {@link Builder#setSecret}). {@code toString} shows keys and types only.
 */
public final class SettingsUpdate {

    /** One change to one key. */
    record Change(String key, Object value, boolean remove, OptionalLong expectedVersion) {
    }

    private final Map<String, Change> changes;

    private SettingsUpdate(Map<String, Change> changes) {
        this.changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The changes by key, in the order given. */
    Map<String, Change> changes() {
        return changes;
    }

    /** The keys this update touches. */
    public java.util.Set<String> keys() {
        return changes.keySet();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("SettingsUpdate[");
        String separator = "";
        for (Change change : changes.values()) {
            out.append(separator).append(change.key()).append(change.remove() ? " removed" : " set (" + typeName(change.value()) + ")");
            change.expectedVersion().ifPresent(v -> out.append(" if version ").append(v));
            separator = ", ";
        }
        return out.append(']').toString();
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    /** Collects changes; one change per key. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Long> versions = new LinkedHashMap<>();
        private static final Object REMOVE = new Object();

        private Builder() {
        }

        /**
         * Sets a non-secret value: {@link String} (text or JSON), {@link Long}, {@link Integer} or {@link Boolean}.
         * Passing a {@link Secret} here is the same as {@link #setSecret}.
         */
        public Builder set(String key, Object value) {
            put(key, value);
            return this;
        }

        /** Sets a secret; it is encrypted before the store sees it. */
        public Builder setSecret(String key, Secret secret) {
            put(key, secret);
            return this;
        }

        /** Removes the setting. */
        public Builder remove(String key) {
            put(key, REMOVE);
            return this;
        }

        /**
         * Applies the change of {@code key} only if its stored version is {@code version} (0: it must not exist yet);
         * otherwise the update fails with {@link VersionConflictException} and nothing is written. Pass the version
         * read from {@link SettingsService#view}: a key never gets the same version twice, even after it was deleted
         * and created again, so a version read before such a change never matches.
         */
        public Builder expectVersion(String key, long version) {
            SettingDefinition.checkKey(key);
            if (version < 0) {
                throw new InvalidSettingException("expectVersion(" + key + ", " + version
                        + "): versions are positive (read them from SettingsService.view); pass 0 to require that the setting does not exist yet");
            }
            versions.put(key, version);
            return this;
        }

        private void put(String key, Object value) {
            SettingDefinition.checkKey(key);
            if (value == null) {
                throw new InvalidSettingException("setting " + key + " is given a null value: use remove(\"" + key
                        + "\") to delete it");
            }
            if (values.containsKey(key)) {
                throw new InvalidSettingException("setting " + key + " is changed twice in one update: keep one change per key");
            }
            values.put(key, value);
        }

        /**
         * Builds the update.
         *
         * @throws InvalidSettingException if it changes nothing, or expects a version of a key it does not change
         */
        public SettingsUpdate build() {
            if (values.isEmpty()) {
                throw new InvalidSettingException("the update changes nothing: call set, setSecret or remove");
            }
            for (String key : versions.keySet()) {
                if (!values.containsKey(key)) {
                    throw new InvalidSettingException("expectVersion(" + key + ") without a change of " + key
                            + ": also call set, setSecret or remove for it");
                }
            }
            Map<String, Change> changes = new LinkedHashMap<>();
            values.forEach((key, value) -> {
                Long version = versions.get(key);
                OptionalLong expected = version == null ? OptionalLong.empty() : OptionalLong.of(version);
                boolean remove = value == REMOVE;
                changes.put(key, new Change(key, remove ? null : value, remove, expected));
            });
            return new SettingsUpdate(changes);
        }

        @Override
        public String toString() {
            return "SettingsUpdate.Builder" + values.keySet();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingsUpdate u && changes.equals(u.changes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(changes);
    }
}
