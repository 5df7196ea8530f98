package dev.providersettings.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes clients that left the cache {@code closeDelay} after they left it, so that a caller that got one just
 * before (or from a load whose entry the size policy rejected at once) can finish its unit of work with it. Removed
 * clients wait in removal order, which is also the order of their close times (one delay for all); at most
 * {@code maximumSize} of them wait at once, beyond that the oldest are closed early.
 */
final class DelayedCloser {
    private final ClientCache.Loader loader;
    private final long closeDelayNanos;
    // Created only when there is a delay.
    private final ScheduledThreadPoolExecutor closer;
    private final ConcurrentLinkedQueue<Retired> retiring = new ConcurrentLinkedQueue<>();
    private final AtomicInteger retiringCount = new AtomicInteger();
    /** The most removed clients kept open at once; beyond it the oldest are closed early. */
    private final int retiringCap;
    private volatile boolean closesAtOnce;

    /** A removed client waiting for its close delay. */
    private record Retired(Object client, OrganizationId organization, ProviderCode code, long closeAt) {
    }

    DelayedCloser(ClientCache.Loader loader, Duration closeDelay, long maximumSize) {
        this.loader = loader;
        this.closeDelayNanos = closeDelay.toNanos();
        if (closeDelayNanos > 0) {
            this.closer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "provider-settings-closer");
                thread.setDaemon(true);
                return thread;
            });
            long period = Math.max(10_000_000L, Math.min(250_000_000L, closeDelayNanos / 4));
            closer.scheduleWithFixedDelay(() -> closeRetired(false), period, period, TimeUnit.NANOSECONDS);
        } else {
            this.closer = null;
        }
        // With a size bound, removed-but-open clients never outnumber the cached ones.
        this.retiringCap = maximumSize > 0 ? (int) Math.min(Integer.MAX_VALUE, maximumSize) : Integer.MAX_VALUE;
    }

    /** Closes {@code client}, if it is {@link AutoCloseable}, once the close delay has passed (at once without one). */
    void retire(Object client, OrganizationId organization, ProviderCode code) {
        if (!(client instanceof AutoCloseable)) {
            return;
        }
        if (closer == null || closesAtOnce) {
            loader.close(client, organization, code);
            return;
        }
        retiring.add(new Retired(client, organization, code, System.nanoTime() + closeDelayNanos));
        if (retiringCount.incrementAndGet() > retiringCap) {
            closeRetired(false);
        }
    }

    /** From now on, clients are closed when they are retired (the cache is closing). */
    void closeAtOnceFromNowOn() {
        closesAtOnce = true;
    }

    /** Stops the closer thread and closes every waiting client now. */
    void shutdown() {
        closesAtOnce = true;
        if (closer != null) {
            closer.shutdownNow();
            closeRetired(true);
        }
    }

    /**
     * Closes the removed clients whose delay has passed, and the oldest beyond the cap; all of them when
     * {@code all}. Serialised, so that each is closed once and in order.
     */
    private synchronized void closeRetired(boolean all) {
        try {
            long now = System.nanoTime();
            Retired head;
            while ((head = retiring.peek()) != null
                    && (all || now - head.closeAt() >= 0 || retiringCount.get() > retiringCap)) {
                retiring.poll();
                retiringCount.decrementAndGet();
                loader.close(head.client(), head.organization(), head.code());
            }
        } catch (RuntimeException | Error e) {
            // The closer thread must survive a failing close (Loader.close logs and does not throw, but be sure).
            CacheContext.LOG.warn("closing removed clients failed: {}", e.getClass().getName());
        }
    }
}
