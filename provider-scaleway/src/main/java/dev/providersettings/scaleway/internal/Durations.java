package dev.providersettings.scaleway.internal;

import java.time.Duration;

/** Duration arithmetic that saturates instead of overflowing: a huge timeout or delay means "practically forever". */
public final class Durations {
    private Durations() {
    }

    /** {@code duration} in nanoseconds, {@link Long#MAX_VALUE} (about 292 years) when larger; 0 when negative. */
    public static long saturatedNanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        if (duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        return duration.toNanos();
    }
}
