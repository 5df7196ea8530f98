package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link SettingsService#rewrap(RewrapOptions)} runs: who is audited, how many secrets each batch reads and
 * re-encrypts, and who hears about progress. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * RewrapReport report = providers.settings().rewrap(RewrapOptions.builder()
 *         .actor("ops@rotation-2026-12")
 *         .batchSize(200)
 *         .onProgress(p -> System.out.printf("batch %d: %d rewrapped, %d conflicts%n", p.batch(), p.rewrapped(), p.conflicts()))
 *         .build());
 * }</pre>
 */
public final class RewrapOptions {
    /** The default number of secrets read and re-encrypted per batch. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** The largest accepted batch size. */
    public static final int MAX_BATCH_SIZE = 10_000;

    private final String actor;
    private final int batchSize;
    private final Consumer<RewrapProgress> progressListener;

    private RewrapOptions(Builder builder) {
        this.actor = builder.actor;
        this.batchSize = builder.batchSize;
        this.progressListener = builder.progressListener;
    }

    /** A builder with the default batch size and no progress listener; the actor must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Who runs the rewrap, recorded in the audit trail of every rewritten setting. */
    public String actor() {
        return actor;
    }

    /** Secrets read and re-encrypted per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Called after every batch, on the thread running the rewrap. */
    public Consumer<RewrapProgress> progressListener() {
        return progressListener;
    }

    @Override
    public String toString() {
        return "RewrapOptions[actor=" + actor + ", batchSize=" + batchSize + "]";
    }

    /** Collects the options. */
    public static final class Builder {
        private String actor;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Consumer<RewrapProgress> progressListener = progress -> { };

        private Builder() {
        }

        /** Who runs the rewrap (required; checked like every actor when the rewrap starts). */
        public Builder actor(String actor) {
            this.actor = actor;
            return this;
        }

        /**
         * Secrets read and re-encrypted per batch (default {@value RewrapOptions#DEFAULT_BATCH_SIZE}).
         *
         * @throws ConfigurationException unless 1 to {@value RewrapOptions#MAX_BATCH_SIZE}
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new ConfigurationException("rewrap batchSize " + batchSize + " is out of range: use 1 to "
                        + MAX_BATCH_SIZE + " (default " + DEFAULT_BATCH_SIZE + ")");
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Receives cumulative counts after every batch, on the thread running the rewrap. An exception thrown by the
         * listener stops the rewrap and propagates; what was rewrapped stays rewrapped, and running again continues.
         */
        public Builder onProgress(Consumer<RewrapProgress> listener) {
            this.progressListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The options. */
        public RewrapOptions build() {
            return new RewrapOptions(this);
        }
    }
}
