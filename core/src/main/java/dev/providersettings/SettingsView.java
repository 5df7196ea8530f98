package dev.providersettings;

import java.time.Instant;
import java.util.List;

/**
 * What is stored for one (organization, provider), for admin screens and checks: every declared setting with its
 * type, whether it is set, its version and when it changed. Secret values are never included.
 *
 * @param organization the organization
 * @param provider     the provider
 * @param settings     one entry per declared setting, in declaration order, then stored keys no longer declared
 */
public record SettingsView(OrganizationId organization, ProviderCode provider, List<Entry> settings) {

    public SettingsView {
        settings = List.copyOf(settings);
    }

    /**
     * One setting.
     *
     * @param key       the key
     * @param type      the declared (or, for undeclared keys, stored) type
     * @param required  whether the provider requires it
     * @param declared  whether the provider still declares it
     * @param set       whether a value is stored
     * @param version   the stored version, 0 when not set
     * @param updatedAt when it was last written, or null
     * @param value     the stored non-secret value, or null for secrets and unset settings
     */
    public record Entry(String key, SettingType type, boolean required, boolean declared, boolean set, long version,
                        Instant updatedAt, Object value) {
    }

    /** The required keys that are not set. */
    public List<String> missingRequired() {
        return settings.stream().filter(e -> e.required() && !e.set()).map(Entry::key).toList();
    }

    /** The stored version of a key, 0 when not set. */
    public long version(String key) {
        return settings.stream().filter(e -> e.key().equals(key)).mapToLong(Entry::version).findFirst().orElse(0);
    }
}
