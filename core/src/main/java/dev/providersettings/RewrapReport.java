package dev.providersettings;

/**
 * What {@link SettingsService#rewrap(String)} did.
 *
 * @param primaryKeyId the key every rewrapped secret is now encrypted with
 * @param rewrapped    secrets re-encrypted under the primary key
 * @param conflicts    secrets changed concurrently (their new value is already under the primary key, or they are
 *                     picked up again in a later round)
 * @param remaining    secrets still not under the primary key when rewrap stopped (0 when done)
 */
public record RewrapReport(String primaryKeyId, int rewrapped, int conflicts, int remaining) {
    /** Whether every stored secret is now under the primary key. */
    public boolean complete() {
        return remaining == 0;
    }
}
