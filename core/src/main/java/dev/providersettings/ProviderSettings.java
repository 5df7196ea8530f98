package dev.providersettings;

import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.spi.ProviderFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The decrypted, typed settings of one (organization, provider), as a {@link ProviderFactory} receives them.
 * Defaults of declared settings are filled in. {@code toString} lists keys and types, never secret values.
 */
public final class ProviderSettings {
    private final OrganizationId organization;
    private final ProviderCode provider;
    private final Map<String, Object> values;

    private ProviderSettings(OrganizationId organization, ProviderCode provider, Map<String, Object> values) {
        this.organization = Objects.requireNonNull(organization, "organization");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Settings from already typed values: {@link String} for text and JSON, {@link Long}, {@link Boolean},
     * {@link Secret}. Used by the provider manager, and by tests of provider factories.
     */
    public static ProviderSettings of(OrganizationId organization, ProviderCode provider, Map<String, ?> values) {
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            SettingDefinition.checkKey(key);
            if (!(value instanceof String || value instanceof Long || value instanceof Boolean || value instanceof Secret)) {
                throw new InvalidSettingException("setting " + key + " of provider " + provider
                        + " has unsupported type " + (value == null ? "null" : value.getClass().getSimpleName())
                        + ": use String, Long, Boolean or Secret");
            }
            copy.put(key, value);
        });
        return new ProviderSettings(organization, provider, copy);
    }

    public OrganizationId organization() {
        return organization;
    }

    public ProviderCode provider() {
        return provider;
    }

    /** The keys that have a value. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Whether the key has a value. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A required text (or JSON) value. */
    public String text(String key) {
        return required(key, String.class);
    }

    /** An optional text (or JSON) value. */
    public Optional<String> optionalText(String key) {
        return optional(key, String.class);
    }

    /** A required integer value. */
    public long integer(String key) {
        return required(key, Long.class);
    }

    /** An optional integer value. */
    public Optional<Long> optionalInteger(String key) {
        return optional(key, Long.class);
    }

    /** A required boolean value. */
    public boolean bool(String key) {
        return required(key, Boolean.class);
    }

    /** An optional boolean value. */
    public Optional<Boolean> optionalBool(String key) {
        return optional(key, Boolean.class);
    }

    /** A required secret. */
    public Secret secret(String key) {
        return required(key, Secret.class);
    }

    /** An optional secret. */
    public Optional<Secret> optionalSecret(String key) {
        return optional(key, Secret.class);
    }

    private <T> T required(String key, Class<T> type) {
        return optional(key, type).orElseThrow(() -> new MissingCredentialsException(
                organization, provider, java.util.List.of(key), values.isEmpty()));
    }

    private <T> Optional<T> optional(String key, Class<T> type) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw new InvalidSettingException("setting " + key + " of organization " + organization + ", provider "
                    + provider + " holds a " + value.getClass().getSimpleName() + ", not a " + type.getSimpleName()
                    + ": use the getter of its declared type");
        }
        return Optional.of(type.cast(value));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderSettings p && organization.equals(p.organization) && provider.equals(p.provider)
                && values.equals(p.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(organization, provider, values);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("ProviderSettings[organization=").append(organization)
                .append(", provider=").append(provider).append(", {");
        String separator = "";
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            out.append(separator).append(entry.getKey()).append('=');
            out.append(entry.getValue() instanceof Secret ? "<masked>" : entry.getValue());
            separator = ", ";
        }
        return out.append("}]").toString();
    }
}
