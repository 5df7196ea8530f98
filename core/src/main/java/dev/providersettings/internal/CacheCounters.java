package dev.providersettings.internal;

import dev.providersettings.CacheStats;
import dev.providersettings.exception.SecretDecryptionException;

import java.util.concurrent.atomic.LongAdder;

/** The cache's statistics counters, shared by all of its providers. */
final class CacheCounters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder loadSuccesses = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder loadNanos = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder keyInvalidations = new LongAdder();
    final LongAdder organizationInvalidations = new LongAdder();
    final LongAdder everythingInvalidations = new LongAdder();
    final LongAdder decryptionFailures = new LongAdder();
    final LongAdder staleServed = new LongAdder();

    /** Counts one failed load, and a decryption failure separately. */
    void countFailure(RuntimeException e) {
        loadFailures.increment();
        if (e instanceof SecretDecryptionException) {
            decryptionFailures.increment();
        }
    }

    CacheStats snapshot(long size) {
        return new CacheStats(hits.sum(), misses.sum(), loadSuccesses.sum(), loadFailures.sum(), loadNanos.sum(),
                evictions.sum(), keyInvalidations.sum(), organizationInvalidations.sum(),
                everythingInvalidations.sum(), decryptionFailures.sum(), staleServed.sum(), size);
    }
}
