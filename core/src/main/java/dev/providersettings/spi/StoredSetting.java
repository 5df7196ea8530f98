package dev.providersettings.spi;

import java.time.Instant;

/**
 * One stored setting of one (organization, provider).
 *
 * @param key       the setting key
 * @param value     the typed value or ciphertext
 * @param version   positive; every write gives the key a greater version than any it ever had, also after the key
 *                  was deleted and created again (so a check-and-set prepared before a delete never matches the new
 *                  row). Versions need not be consecutive: stores may draw them from one store-wide sequence
 * @param updatedAt when it was last written
 */
public record StoredSetting(String key, StoredValue value, long version, Instant updatedAt) {
}
