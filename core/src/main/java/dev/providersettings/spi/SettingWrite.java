package dev.providersettings.spi;

/**
 * One change in a batch: set a value, or delete the setting when {@code value} is null; with check-and-set on
 * the setting's version.
 *
 * @param key             the setting key
 * @param value           the new value, or null to delete
 * @param expectedVersion {@link #ANY_VERSION}, {@link #ABSENT} (must not exist yet) or the version it must have
 */
public record SettingWrite(String key, StoredValue value, long expectedVersion) {
    /** No version check. */
    public static final long ANY_VERSION = -1;
    /** The setting must not exist. */
    public static final long ABSENT = 0;

    /** Whether this write deletes the setting. */
    public boolean isDelete() {
        return value == null;
    }
}
