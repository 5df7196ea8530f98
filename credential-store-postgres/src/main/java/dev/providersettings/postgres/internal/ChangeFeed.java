package dev.providersettings.postgres.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ChangeEvent;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Listens to the NOTIFY channel on its own dedicated connection (never a pooled one: LISTEN state belongs to a
 * session and a pool would hand that session to others) and turns notifications into {@link ChangeEvent}s.
 *
 * <p>A LISTEN that succeeded proves nothing: through a transaction pooler (PgBouncer) the LISTEN lands on a server
 * connection that is then handed to other clients, and no notification ever comes back. So the feed counts as
 * listening only once a <em>probe</em> came back: a NOTIFY with a random payload on a probe channel, sent through the
 * store's pool the way real writes are, received on the feed's connection. It probes after every (re)connect and
 * then every {@code verifyInterval}; a probe that does not arrive within {@code verifyTimeout} marks the feed deaf (one
 * warning per episode), and the feed reconnects with backoff.
 *
 * <p>Whenever the feed starts hearing again after a time in which changes may have been missed — a reconnect, a deaf
 * period, or a first connection that took longer than {@link #start}'s wait — it emits
 * {@link ChangeEvent#everything()}.
 */
public final class ChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int POLL_MILLIS = 250;
    /** A silent connection is checked this often, so a half-open TCP connection is noticed. */
    private static final long HEALTH_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** After a probe could not be sent (pool exhausted, database restarting), the next attempt waits this long. */
    private static final long PROBE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final int START_WAITING = 0;
    private static final int START_HEARD = 1;
    private static final int START_GAVE_UP = 2;

    /** Opens a new dedicated connection. */
    @FunctionalInterface
    public interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    /** Sends {@code NOTIFY channel, payload} through the store's pool (another session than the feed's). */
    @FunctionalInterface
    public interface ProbeSender {
        void send(String channel, String payload) throws Exception;
    }

    private final ConnectionOpener opener;
    private final ProbeSender probes;
    private final String channel;
    private final String probeChannel;
    private final String schemaFilter;
    private final Consumer<ChangeEvent> sink;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final long verifyIntervalNanos;
    private final long verifyTimeoutNanos;
    private final CountDownLatch firstHeard = new CountDownLatch(1);
    private final AtomicInteger startState = new AtomicInteger(START_WAITING);
    private final Map<String, CompletableFuture<Void>> pendingProbes = new ConcurrentHashMap<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile boolean hearing;
    private volatile boolean verifyNow;
    private volatile Instant lastVerifiedAt;

    /**
     * @param schemaFilter only notifications of tables in this schema are delivered; null accepts every schema
     */
    public ChangeFeed(ConnectionOpener opener, ProbeSender probes, String channel, String schemaFilter,
                      Consumer<ChangeEvent> sink, Duration initialBackoff, Duration maxBackoff,
                      Duration verifyInterval, Duration verifyTimeout) {
        this.opener = opener;
        this.probes = probes;
        this.channel = Identifiers.check("channel", channel);
        this.probeChannel = Identifiers.check("probe channel", channel + "_probe");
        this.schemaFilter = schemaFilter;
        this.sink = sink;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.verifyIntervalNanos = verifyInterval.toNanos();
        this.verifyTimeoutNanos = verifyTimeout.toNanos();
        this.thread = new Thread(this::run, "provider-settings-change-feed");
        this.thread.setDaemon(true);
    }

    /**
     * Starts listening; waits up to {@code wait} until the feed hears its first probe, so that no early change is
     * missed. If it does not, it keeps trying and emits "everything" once it hears.
     */
    public void start(Duration wait) {
        thread.start();
        try {
            if (!firstHeard.await(wait.toMillis(), TimeUnit.MILLISECONDS)
                    && startState.compareAndSet(START_WAITING, START_GAVE_UP)) {
                LOG.warn("change feed is not listening yet after {} ms (database unreachable, or the feed's connection"
                        + " goes through a transaction pooler?); it keeps trying and will signal 'everything changed'"
                        + " once it hears notifications", wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            startState.compareAndSet(START_WAITING, START_GAVE_UP);
        }
    }

    /** Whether the feed holds a listening connection on which its last probe came back. */
    public boolean isListening() {
        return connected && hearing;
    }

    /** How many times the feed connected again after losing its connection or finding it deaf. */
    public long reconnects() {
        return reconnects.get();
    }

    /** When a probe last came back on the feed's connection; null if none ever did. */
    public Instant lastVerifiedAt() {
        return lastVerifiedAt;
    }

    /**
     * Sends a probe now, through the pool, and waits up to {@code timeout} for it on the feed's connection.
     *
     * @return whether it arrived in time (false too when the feed is not connected or the probe could not be sent)
     */
    public boolean verify(Duration timeout) {
        if (closed || !connected) {
            return false;
        }
        String nonce = UUID.randomUUID().toString();
        CompletableFuture<Void> arrived = new CompletableFuture<>();
        pendingProbes.put(nonce, arrived);
        try {
            probes.send(probeChannel, nonce);
            arrived.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (TimeoutException e) {
            // Let the feed's own probe decide, with its own timeout, whether it is deaf.
            verifyNow = true;
            return false;
        } catch (Exception e) {
            LOG.debug("change feed probe could not be sent: {}", e.toString());
            return false;
        } finally {
            pendingProbes.remove(nonce);
        }
    }

    private void run() {
        long backoffMillis = initialBackoff.toMillis();
        boolean missedSomething = false;
        boolean everConnected = false;
        boolean deafWarned = false;
        while (!closed) {
            try (Connection connection = opener.open()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel + "; LISTEN " + probeChannel);
                }
                if (everConnected) {
                    reconnects.incrementAndGet();
                }
                everConnected = true;
                connected = true;
                Listening listening = new Listening(connection, missedSomething, deafWarned);
                try {
                    listening.run();
                } finally {
                    missedSomething = listening.missedSomething;
                    deafWarned = listening.deafWarned;
                    if (listening.heardOnce) {
                        backoffMillis = initialBackoff.toMillis();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.warn("change feed connection failed (SQLState {}): {}; reconnecting in {} ms",
                        SqlErrors.sqlState(e), e.getClass().getSimpleName(), backoffMillis);
            } finally {
                connected = false;
                hearing = false;
            }
            if (closed) {
                break;
            }
            missedSomething = true;
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
        }
    }

    /** One connection's life: poll notifications, probe, health-check; returns when the connection is deaf. */
    private final class Listening {
        private final Connection connection;
        private boolean missedSomething;
        private boolean deafWarned;
        private boolean heardOnce;
        private String ownProbe;
        private long probeDeadline;
        private long nextProbe = System.nanoTime();

        Listening(Connection connection, boolean missedSomething, boolean deafWarned) {
            this.connection = connection;
            this.missedSomething = missedSomething;
            this.deafWarned = deafWarned;
        }

        void run() throws SQLException {
            PGConnection pg = connection.unwrap(PGConnection.class);
            long lastTraffic = System.nanoTime();
            while (!closed) {
                long now = System.nanoTime();
                if (ownProbe == null && (now - nextProbe >= 0 || verifyNow)) {
                    verifyNow = false;
                    sendOwnProbe();
                }
                PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                now = System.nanoTime();
                if (notifications != null && notifications.length > 0) {
                    lastTraffic = now;
                    for (PGNotification notification : notifications) {
                        if (probeChannel.equals(notification.getName())) {
                            probeArrived(notification.getParameter());
                        } else {
                            parse(notification.getParameter(), schemaFilter).ifPresent(ChangeFeed.this::deliver);
                        }
                    }
                } else if (now - lastTraffic > HEALTH_CHECK_NANOS) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SELECT 1");
                    }
                    lastTraffic = now;
                }
                if (ownProbe != null && now - probeDeadline > 0) {
                    deaf();
                    return;
                }
            }
        }

        private void sendOwnProbe() {
            String nonce = UUID.randomUUID().toString();
            try {
                probes.send(probeChannel, nonce);
                ownProbe = nonce;
                probeDeadline = System.nanoTime() + verifyTimeoutNanos;
            } catch (Exception e) {
                // Inconclusive (pool exhausted, database restarting): the feed is not deaf for that; try again soon.
                LOG.debug("change feed probe could not be sent: {}", e.toString());
                nextProbe = System.nanoTime() + Math.min(PROBE_RETRY_NANOS, verifyIntervalNanos);
            }
        }

        private void probeArrived(String payload) {
            CompletableFuture<Void> waiting = payload == null ? null : pendingProbes.get(payload);
            if (waiting != null) {
                waiting.complete(null);
                lastVerifiedAt = Instant.now();
            }
            if (payload == null || !payload.equals(ownProbe)) {
                return; // another node's probe, or a caller's (handled above)
            }
            ownProbe = null;
            nextProbe = System.nanoTime() + verifyIntervalNanos;
            lastVerifiedAt = Instant.now();
            boolean wasHearing = hearing;
            hearing = true;
            heardOnce = true;
            if (deafWarned) {
                LOG.info("change feed hears notifications again");
                deafWarned = false;
            }
            boolean startGaveUp = !startState.compareAndSet(START_WAITING, START_HEARD)
                    && startState.get() == START_GAVE_UP;
            firstHeard.countDown();
            if (!wasHearing && (missedSomething || startGaveUp)) {
                LOG.info("change feed listening; signalling that everything may have changed meanwhile");
                deliver(ChangeEvent.everything());
            }
            missedSomething = false;
            startState.set(START_HEARD);
        }

        private void deaf() {
            hearing = false;
            missedSomething = true;
            if (!deafWarned) {
                deafWarned = true;
                LOG.warn("change feed hears nothing: a NOTIFY sent through the store's pool did not arrive on the feed's"
                        + " connection within {} ms. Changes made on other nodes reach this node's cache only when"
                        + " entries expire. If the feed's connection goes through a transaction pooler (PgBouncer),"
                        + " give the feed a direct URL: changeFeed(url, user, password). Reconnecting.",
                        TimeUnit.NANOSECONDS.toMillis(verifyTimeoutNanos));
            } else {
                LOG.debug("change feed still hears nothing; reconnecting");
            }
        }
    }

    private void deliver(ChangeEvent event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("a change listener failed on {}: {}", event, e.toString());
        }
    }

    /**
     * Parses a payload {@code v1:<organization>:<provider>:<schema>} ({@code v1:*:*:<schema>} for "everything").
     * Unknown formats count as "everything": dropping caches is always safe, missing an invalidation is not.
     */
    public static Optional<ChangeEvent> parse(String payload, String schemaFilter) {
        if (payload == null) {
            return Optional.of(ChangeEvent.everything());
        }
        String[] parts = payload.split(":", 4);
        if (parts.length != 4 || !parts[0].equals("v1")) {
            return Optional.of(ChangeEvent.everything());
        }
        if (schemaFilter != null && !schemaFilter.equals(parts[3])) {
            return Optional.empty();
        }
        if (parts[1].equals("*")) {
            return Optional.of(ChangeEvent.everything());
        }
        try {
            return Optional.of(new ChangeEvent(OrganizationId.of(UUID.fromString(parts[1])),
                    parts[2].equals("*") ? null : ProviderCode.of(parts[2])));
        } catch (RuntimeException e) {
            return Optional.of(ChangeEvent.everything());
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // Only close() interrupts this thread we own, to cut a backoff short; the loop then sees `closed`.
        }
    }

    /** Stops the listener and closes its connection. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
