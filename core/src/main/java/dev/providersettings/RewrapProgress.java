package dev.providersettings;

/**
 * Cumulative counts of a running {@link SettingsService#rewrap(RewrapOptions)}, delivered after each batch.
 *
 * @param batch         how many batches have run (1 after the first)
 * @param batchSecrets  secrets the last batch handled
 * @param rewrapped     secrets re-encrypted under the primary key so far
 * @param conflicts     secrets changed concurrently so far (not overwritten; picked up again by a later batch if
 *                      they are still under another key)
 * @param undecryptable secrets skipped so far because this key ring cannot decrypt them (their key is missing or the
 *                      ciphertext is damaged)
 */
public record RewrapProgress(int batch, int batchSecrets, int rewrapped, int conflicts, int undecryptable) {
}
