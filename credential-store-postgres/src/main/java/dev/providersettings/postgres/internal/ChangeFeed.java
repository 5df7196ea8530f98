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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Listens to the NOTIFY channel on its own dedicated connection (never a pooled one: LISTEN state belongs to a
 * session and a pool would hand that session to others) and turns notifications into {@link ChangeEvent}s.
 *
 * <p>When the connection is lost it reconnects with exponential backoff, and after reconnecting emits
 * {@link ChangeEvent#everything()}, because notifications sent while it was away are lost.
 */
public final class ChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int POLL_MILLIS = 250;
    /** A silent connection is checked this often, so a half-open TCP connection is noticed. */
    private static final long HEALTH_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Opens a new dedicated connection. */
    @FunctionalInterface
    public interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    private final ConnectionOpener opener;
    private final String channel;
    private final String schemaFilter;
    private final Consumer<ChangeEvent> sink;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection current;

    /**
     * @param schemaFilter only notifications of tables in this schema are delivered; null accepts every schema
     */
    public ChangeFeed(ConnectionOpener opener, String channel, String schemaFilter, Consumer<ChangeEvent> sink,
                      Duration initialBackoff, Duration maxBackoff) {
        this.opener = opener;
        this.channel = Identifiers.check("channel", channel);
        this.schemaFilter = schemaFilter;
        this.sink = sink;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.thread = new Thread(this::run, "provider-settings-change-feed");
        this.thread.setDaemon(true);
    }

    /** Starts listening; waits up to {@code wait} for the first LISTEN so that no early change is missed. */
    public void start(Duration wait) {
        thread.start();
        try {
            if (!firstListen.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("change feed is not listening yet after {} ms (database unreachable?); it keeps retrying and"
                        + " will signal 'everything changed' once connected", wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the listener currently holds a listening connection. */
    public boolean isListening() {
        return current != null;
    }

    private void run() {
        long backoffMillis = initialBackoff.toMillis();
        boolean missedSomething = false;
        while (!closed) {
            try (Connection connection = opener.open()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                current = connection;
                firstListen.countDown();
                if (missedSomething) {
                    LOG.info("change feed reconnected; signalling that everything may have changed");
                    deliver(ChangeEvent.everything());
                    missedSomething = false;
                }
                backoffMillis = initialBackoff.toMillis();
                listen(connection);
            } catch (SQLException | RuntimeException e) {
                current = null;
                if (closed) {
                    break;
                }
                missedSomething = true;
                LOG.warn("change feed connection failed (SQLState {}): {}; reconnecting in {} ms",
                        SqlErrors.sqlState(e), e.getClass().getSimpleName(), backoffMillis);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
            } finally {
                current = null;
            }
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long lastTraffic = System.nanoTime();
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                lastTraffic = System.nanoTime();
                for (PGNotification notification : notifications) {
                    parse(notification.getParameter(), schemaFilter).ifPresent(this::deliver);
                }
            } else if (System.nanoTime() - lastTraffic > HEALTH_CHECK_NANOS) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
                lastTraffic = System.nanoTime();
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
