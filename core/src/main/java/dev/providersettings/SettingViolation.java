package dev.providersettings;

/**
 * One broken rule found when validating a write.
 *
 * @param key     the setting key (as given; may be an unknown key)
 * @param problem what is wrong and how to fix it; never the value
 */
public record SettingViolation(String key, String problem) {
    @Override
    public String toString() {
        return key + ": " + problem;
    }
}
