package dev.providersettings.postgres.metrics;

import dev.providersettings.postgres.PostgresCredentialStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;

/**
 * The change feed of a {@link PostgresCredentialStore} in Micrometer, read from
 * {@link PostgresCredentialStore#changeFeedStatus()} when the registry polls. Outside Spring, one line:
 * <pre>{@code
 * new ChangeFeedMetrics(store).bindTo(meterRegistry);
 * }</pre>
 * Meters: {@value #LISTENING} (gauge, 1 while the feed hears notifications, else 0) and {@value #RECONNECTS}
 * (counter of reconnections; each one also invalidates the whole provider cache).
 */
public final class ChangeFeedMetrics implements MeterBinder {
    /** 1 while the feed hears notifications, else 0. */
    public static final String LISTENING = "provider.settings.change.feed.listening";
    /** Reconnections of the feed. */
    public static final String RECONNECTS = "provider.settings.change.feed.reconnects";

    private final PostgresCredentialStore store;
    private final Tags tags;

    /** Meters of {@code store}'s change feed. */
    public ChangeFeedMetrics(PostgresCredentialStore store) {
        this(store, Tags.empty());
    }

    /** Meters of {@code store}'s change feed with extra tags. */
    public ChangeFeedMetrics(PostgresCredentialStore store, Iterable<Tag> tags) {
        this.store = Objects.requireNonNull(store, "store");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(LISTENING, store, s -> s.changeFeedStatus().listening() ? 1 : 0).tags(tags)
                .description("1 while the change feed hears notifications").register(registry);
        FunctionCounter.builder(RECONNECTS, store, s -> s.changeFeedStatus().reconnects()).tags(tags)
                .description("reconnections of the change feed (each drops the whole provider cache)").register(registry);
    }

    @Override
    public String toString() {
        return "ChangeFeedMetrics[" + store + "]";
    }
}
