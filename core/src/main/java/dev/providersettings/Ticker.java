package dev.providersettings;

/**
 * A nanosecond time source for the provider manager's cache (TTL, refresh, stale-if-error). Only differences between
 * two readings are meaningful, as with {@link System#nanoTime()}. Tests pass a fake they move by hand:
 * <pre>{@code
 * AtomicLong nanos = new AtomicLong();
 * ProviderManager.builder()...ticker(nanos::get)...build();
 * }</pre>
 */
@FunctionalInterface
public interface Ticker {

    /** The current reading in nanoseconds. */
    long read();

    /** The system's monotonic clock, {@link System#nanoTime()}. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}

/** The one system ticker, so that the manager can tell it apart from a fake and schedule expiry on real time. */
enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }
}
