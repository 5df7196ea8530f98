package dev.providersettings.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A load in flight; everyone who misses on its key while it runs waits for its outcome (single flight). */
final class Flight {
    final CompletableFuture<Object> outcome = new CompletableFuture<>();
    /** The batch that loads this key, or null for a single load. */
    final EverythingReload.Batch batch;
    /** The key's stripe epoch when the batch was planned (batch flights only). */
    final long stripeEpoch;

    Flight(EverythingReload.Batch batch, long stripeEpoch) {
        this.batch = batch;
        this.stripeEpoch = stripeEpoch;
    }

    /** A flight of one key loaded on its own (a miss or a background refresh). */
    static Flight single() {
        return new Flight(null, 0);
    }

    /** Completes this flight with the outcome of {@code newer}. */
    void follow(Flight newer) {
        newer.outcome.whenComplete((client, failure) -> {
            if (failure == null) {
                outcome.complete(client);
            } else {
                outcome.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
    }

    /** Waits for the outcome: the client, or the load's own unchecked failure rethrown unwrapped. */
    Object await() {
        try {
            return outcome.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
