package dev.providersettings.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** One cached client and its timing, the value of a {@link Segment}'s Caffeine cache. */
final class Entry {
    private static final AtomicIntegerFieldUpdater<Entry> REFRESHING =
            AtomicIntegerFieldUpdater.newUpdater(Entry.class, "refreshing");

    final Object client;
    /** False for a client loaded across an invalidation: kept only so that it is closed later, never served. */
    final boolean servable;
    volatile int refreshing;
    volatile long nextRefreshAt;
    /** Set when expiry hands the entry to the stale cache, which then owns (and closes) the client. */
    volatile boolean retained;
    volatile long staleRetryAt;
    volatile boolean staleRetryAtSet;

    /** The global epoch the entry was published under: "everything" removes only older entries. */
    final long epoch;

    Entry(Object client, boolean servable, long refreshAt, long epoch) {
        this.client = client;
        this.servable = servable;
        this.nextRefreshAt = refreshAt;
        this.epoch = epoch;
    }

    /** Claims the entry's background refresh; false if one is already running. */
    boolean startRefresh() {
        return REFRESHING.compareAndSet(this, 0, 1);
    }

    void endRefresh() {
        refreshing = 0;
    }
}
