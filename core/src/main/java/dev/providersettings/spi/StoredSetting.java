package dev.providersettings.spi;

import java.time.Instant;

/**
 * One stored setting of one (organization, provider).
 *
 * @param key       the setting key
 * @param value     the typed value or ciphertext
 * @param version   starts at 1, grows by one on every write
 * @param updatedAt when it was last written
 */
public record StoredSetting(String key, StoredValue value, long version, Instant updatedAt) {
}
