package dev.providersettings.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.providersettings.Ticker;
import dev.providersettings.exception.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/** What every provider's {@link Segment} of one {@link ClientCache} shares: options, epochs, counters, threads. */
final class CacheContext {
    // The manager's logger, so that hosts configure one logger for everything the manager does.
    static final Logger LOG = LoggerFactory.getLogger("dev.providersettings.ProviderManager");
    /** How often a load that raced with invalidations is repeated before it is returned without being cached. */
    static final int MAX_LOAD_ATTEMPTS = 3;

    final ClientCache.Loader loader;
    final Ticker ticker;
    /** Whether {@link #ticker} is the system clock, so that Caffeine can schedule expiry on real time. */
    final boolean systemTime;
    final long maximumSize;
    final long ttlNanos;
    final long refreshNanos;
    final long staleNanos;
    final Epochs epochs = new Epochs();
    final CacheCounters counters = new CacheCounters();
    final DelayedCloser closer;
    /** Runs background refreshes and "everything" reload batches. */
    final ExecutorService background;
    /**
     * Held while an "everything" invalidation bumps the global epoch and registers its reload flights, so that a
     * batch whose load that invalidation raced can wait for the newer flight of its key instead of loading it again.
     */
    final ReentrantLock everythingPlanning = new ReentrantLock();
    volatile boolean closed;

    CacheContext(ClientCache.Options options, boolean systemTime, ClientCache.Loader loader) {
        this.loader = loader;
        this.ticker = options.ticker();
        this.systemTime = systemTime;
        this.maximumSize = options.maximumSize();
        this.ttlNanos = options.ttl().toNanos();
        this.refreshNanos = options.refreshAfter().toNanos();
        this.staleNanos = options.staleIfError().toNanos();
        this.closer = new DelayedCloser(loader, options.closeDelay(), maximumSize);
        AtomicLong threads = new AtomicLong();
        this.background = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "provider-settings-reload-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A Caffeine builder on the cache's ticker, bounded by {@code maximumSize}, expiring entries
     * {@code expireAfterNanos} after their write.
     */
    Caffeine<Object, Object> caffeine(long expireAfterNanos) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .ticker(ticker::read)
                // Maintenance and removal listeners run on the calling thread: a loader, an invalidator, or one
                // sampled hit when Caffeine's read buffer is full. Removed clients are handed to the closer, so that
                // this costs no close() on the calling thread unless the closer's cap is exceeded.
                .executor(Runnable::run)
                .expireAfterWrite(Duration.ofNanos(expireAfterNanos));
        if (systemTime) {
            builder.scheduler(Scheduler.systemScheduler());
        }
        if (maximumSize > 0) {
            builder.maximumSize(maximumSize);
        }
        return builder;
    }

    /** Returns once no "everything" invalidation is registering its reload flights. */
    void awaitEverythingPlanned() {
        everythingPlanning.lock();
        everythingPlanning.unlock();
    }

    void checkOpen() {
        if (closed) {
            throw new ConfigurationException("manager is closed: build a new ProviderManager "
                    + "(close() released its clients, subscription and factories)");
        }
    }
}
