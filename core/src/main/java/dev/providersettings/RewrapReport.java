package dev.providersettings;

import java.util.List;

/**
 * What {@link SettingsService#rewrap(RewrapOptions)} did, and whether any stored secret is still under a key other
 * than the primary. Never contains a secret value.
 *
 * @param primaryKeyId     the key every rewrapped secret is now encrypted with
 * @param rewrapped        secrets re-encrypted under the primary key by this run
 * @param conflicts        secrets changed concurrently while they were being rewrapped: never overwritten; a later
 *                         batch of the same run picks them up again if they are still under another key
 * @param remaining        secrets found under another key than the primary when the run ended, counted up to
 *                         {@link SettingsService#REWRAP_REMAINING_COUNT_LIMIT} (0 when done)
 * @param remainingKeyIds  the key ids those secrets are under (escaped if malformed), sorted: the keys that cannot be
 *                         retired yet
 * @param undecryptable    secrets this run skipped because the key ring cannot decrypt them (key id not in the ring,
 *                         for example retired too early, or damaged ciphertext); they are part of {@code remaining}
 * @param interrupted      whether the run stopped early because its thread was interrupted
 */
public record RewrapReport(String primaryKeyId, int rewrapped, int conflicts, int remaining,
                           List<String> remainingKeyIds, int undecryptable, boolean interrupted) {

    public RewrapReport {
        remainingKeyIds = List.copyOf(remainingKeyIds);
    }

    /**
     * Whether no stored secret was under another key than the primary when the run ended (checked by a final search
     * of the store, not inferred from counts). Only then may keys other than the primary be retired, and only if no
     * node still encrypts with them.
     */
    public boolean complete() {
        return remaining == 0;
    }
}
