package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.internal.ChangeFeed;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link CredentialStore} on Postgres: typed values and ciphertext in {@code provider_settings}, an audit trail in
 * {@code provider_settings_audit}, change events through {@code LISTEN/NOTIFY}.
 *
 * <ul>
 *   <li>{@link #load} is one statement (the organizations table left-joined with the settings), so "unknown
 *       organization" and "no credentials" are told apart without a second read.</li>
 *   <li>{@link #save} is one transaction: it locks the batch's rows ({@code SELECT ... FOR UPDATE}), checks the
 *       expected versions, writes rows and audit rows, or writes nothing and throws {@link VersionConflictException}.
 *       A concurrent first insert of the same key or a deadlock repeats the whole transaction.</li>
 *   <li>{@link #saveAll} does the same for many organizations with a bounded number of statements (multi-row
 *       inserts, one batched update, array parameters), for seeding thousands of organizations.</li>
 *   <li>Connection failures surface as {@link dev.providersettings.exception.CredentialStoreUnavailableException}; the
 *       next call after the database is back succeeds.</li>
 *   <li>Safe behind a transaction pooler (PgBouncer) whatever the pool's pgjdbc settings: the store's own statements
 *       never use named server-side prepared statements (it sets {@code prepareThreshold} 0 on a connection while it
 *       uses it, and runs {@code BEGIN}/{@code COMMIT} as plain SQL). A prepared-statement or protocol error seen
 *       anyway is a {@link ConfigurationException} naming the fix.</li>
 * </ul>
 *
 * <p><b>Row-level security</b> (opt-in, {@link PostgresSchemaOptions#rowLevelSecurity()}): every operation declares
 * in its own transaction which rows it may touch, one organization's or, for cross-organization maintenance (bulk
 * reads, seeding several organizations, the rewrap search), all; the policies created by the migrations then hide
 * every other row from a role without {@code BYPASSRLS}, even if a query forgot its organization filter.
 *
 * <p><b>Ownership.</b> A {@link DataSource} handed to {@link Builder#dataSource(DataSource)} belongs to the caller
 * and is never closed here; a pool the store builds itself ({@link Builder#jdbc(String, String, String)}) is closed
 * by {@link #close()}, as is the change feed's dedicated connection.
 *
 * <pre>{@code
 * PostgresCredentialStore store = PostgresCredentialStore.builder()
 *         .dataSource(pool)
 *         .schemaOptions(PostgresSchemaOptions.defaults().withSchema("provider_settings"))
 *         .migrate(true)
 *         .changeFeed(true)
 *         .build();
 * }</pre>
 */
public final class PostgresCredentialStore implements CredentialStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCredentialStore.class);

    private final PostgresSchemaOptions options;
    private final HikariDataSource ownedPool;
    private final SettingsReads reads;
    private final SettingsWrites writes;
    private final List<Consumer<ChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ChangeFeed changeFeed;
    private volatile boolean closed;

    private PostgresCredentialStore(Builder builder, DataSource dataSource, HikariDataSource ownedPool) {
        this.options = builder.options();
        this.ownedPool = ownedPool;
        ScopedTransactions db = new ScopedTransactions(dataSource, options);
        HostOrganizations organizations = HostOrganizations.of(options);
        this.reads = new SettingsReads(db, organizations);
        this.writes = new SettingsWrites(db, organizations, this::publish);
        if (builder.changeFeed) {
            ChangeFeed.ConnectionOpener opener = builder.feedDataSource != null
                    ? ChangeFeedConnections.from(builder.feedDataSource)
                    : ChangeFeedConnections.direct(builder.feedUrl, builder.feedUser, builder.feedPassword, dataSource);
            this.changeFeed = new ChangeFeed(opener, db::sendNotification, PostgresMigrations.CHANNEL,
                    options.schema(), this::publish, builder.reconnectInitialBackoff, builder.reconnectMaxBackoff,
                    builder.verifyInterval, builder.verifyTimeout);
            this.changeFeed.start(builder.changeFeedStartTimeout);
        } else {
            this.changeFeed = null;
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The schema options this store reads and writes with. */
    public PostgresSchemaOptions schemaOptions() {
        return options;
    }

    @Override
    public StoredSettings load(OrganizationId organization, ProviderCode provider) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        return loadMany(provider, List.of(organization)).get(organization);
    }

    @Override
    public Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizationIds) {
        checkOpen();
        return reads.loadMany(provider, organizationIds);
    }

    @Override
    public List<OrganizationId> listOrganizations() {
        checkOpen();
        return reads.listOrganizations();
    }

    @Override
    public List<SecretRef> findSecretsNotEncryptedWith(String keyId, int limit) {
        checkOpen();
        return reads.findSecretsNotEncryptedWith(keyId, limit);
    }

    @Override
    public Map<String, Long> save(SettingsBatch batch) {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        return writes.apply(List.of(batch)).get(0);
    }

    @Override
    public void saveAll(List<SettingsBatch> batches) {
        Objects.requireNonNull(batches, "batches");
        if (!batches.isEmpty()) {
            checkOpen();
            writes.apply(batches);
        }
    }

    @Override
    public int deleteAll(OrganizationId organization, ProviderCode provider, String actor) {
        checkOpen();
        return writes.deleteAll(organization, provider, actor);
    }

    @Override
    public Subscription subscribe(Consumer<ChangeEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Whether the change feed currently hears notifications: it holds a listening connection and its last probe (a
     * NOTIFY sent through the pool, at start and then periodically) came back on it. False while it reconnects, when
     * its connection hears nothing (e.g. a LISTEN through a transaction pooler), or when it was not enabled. Useful
     * for health checks; {@link #changeFeedStatus()} tells more.
     */
    public boolean isChangeFeedListening() {
        return changeFeed != null && changeFeed.isListening();
    }

    /** The change feed's state for health checks and metrics (see {@link ChangeFeedStatus}). */
    public ChangeFeedStatus changeFeedStatus() {
        if (changeFeed == null) {
            return new ChangeFeedStatus(false, false, 0, null);
        }
        return new ChangeFeedStatus(true, changeFeed.isListening(), changeFeed.reconnects(), changeFeed.lastVerifiedAt());
    }

    /**
     * Verifies the change feed now: sends a NOTIFY with a random payload through the pool and waits up to
     * {@code timeout} for it on the feed's connection. Blocks the caller for at most about {@code timeout} (plus the
     * pool's connection timeout if the pool is exhausted).
     *
     * @return whether the notification arrived in time; false when the feed is not enabled, not connected, or the
     *         probe could not be sent. A late probe also makes the feed re-check itself with its own timeout.
     */
    public boolean verifyChangeFeed(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new InvalidSettingException("timeout " + timeout + " is negative: pass a positive duration");
        }
        return changeFeed != null && !closed && changeFeed.verify(timeout);
    }

    private void publish(ChangeEvent event) {
        for (Consumer<ChangeEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a change listener failed on {}: {}", event, e.toString());
            }
        }
    }

    /** Stops the change feed and closes the pool the store built itself; never a pool it was handed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (changeFeed != null) {
            changeFeed.close();
        }
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ConfigurationException("the PostgresCredentialStore is closed: build a new one");
        }
    }

    @Override
    public String toString() {
        return "PostgresCredentialStore[schema=" + (options.schema() == null ? "<search_path>" : options.schema())
                + ", organizations=" + options.quotedOrganizationsTable() + ", changeFeed=" + (changeFeed != null)
                + ", rowLevelSecurity=" + options.rowLevelSecurity() + "]";
    }

    /** Builder of {@link PostgresCredentialStore}. */
    public static final class Builder extends SchemaOptionsBuilder<Builder> {
        private DataSource dataSource;
        private String jdbcUrl;
        private String user;
        private String password;
        private boolean migrate;
        private boolean changeFeed;
        private String feedUrl;
        private String feedUser;
        private String feedPassword;
        private DataSource feedDataSource;
        private Duration reconnectInitialBackoff = Duration.ofMillis(100);
        private Duration reconnectMaxBackoff = Duration.ofSeconds(5);
        private Duration changeFeedStartTimeout = Duration.ofSeconds(5);
        private Duration verifyInterval = Duration.ofSeconds(30);
        private Duration verifyTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** The pool to use; it stays the caller's: the store never closes it. */
        public Builder dataSource(DataSource value) {
            this.dataSource = value;
            return this;
        }

        /** Builds a HikariCP pool ({@link PostgresDataSources#hikari}) that the store owns and closes. */
        public Builder jdbc(String url, String user, String password) {
            this.jdbcUrl = url;
            this.user = user;
            this.password = password;
            return this;
        }

        /** Whether {@link #build()} first applies pending migrations with the same schema options (default false). */
        public Builder migrate(boolean value) {
            this.migrate = value;
            return this;
        }

        /**
         * Enables the change feed on a dedicated connection opened with the pool's own URL, credentials and driver
         * properties ({@link HikariDataSource#getDataSourceProperties()}: {@code sslmode}, {@code options}, ...); the
         * pool must be a {@link HikariDataSource}, or the store was given {@link #jdbc}. If the pool goes through a
         * transaction pooler (PgBouncer), use {@link #changeFeed(String, String, String)} with a direct URL instead:
         * a LISTEN through a transaction pooler hears nothing.
         */
        public Builder changeFeed(boolean value) {
            this.changeFeed = value;
            return this;
        }

        /** Enables the change feed on dedicated connections opened with {@link java.sql.DriverManager}. */
        public Builder changeFeed(String url, String user, String password) {
            this.changeFeed = true;
            this.feedUrl = url;
            this.feedUser = user;
            this.feedPassword = password;
            return this;
        }

        /** Enables the change feed on connections from this (non-pooling) DataSource. */
        public Builder changeFeed(DataSource unpooled) {
            this.changeFeed = true;
            this.feedDataSource = unpooled;
            return this;
        }

        /** How fast the change feed reconnects: first delay, doubled up to the maximum (defaults 100 ms, 5 s). */
        public Builder changeFeedReconnect(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new ConfigurationException("change feed reconnect delays " + initial + ", " + max
                        + " are invalid: use a positive initial delay and a maximum at least as long");
            }
            this.reconnectInitialBackoff = initial;
            this.reconnectMaxBackoff = max;
            return this;
        }

        /**
         * How long {@link #build()} waits for the change feed to hear its first probe (default 5 s). If it takes
         * longer, {@code build()} returns anyway, logs a warning, and the feed emits an "everything changed" event
         * once it hears.
         */
        public Builder changeFeedStartTimeout(Duration value) {
            if (value == null || value.isNegative()) {
                throw new ConfigurationException("change feed start timeout " + value + " is invalid: use zero or a"
                        + " positive duration");
            }
            this.changeFeedStartTimeout = value;
            return this;
        }

        /**
         * How often the change feed proves that it hears notifications (a NOTIFY sent through the pool must come
         * back on the feed's connection), and how long it waits for one (defaults 30 s, 5 s). A probe that does not
         * arrive marks the feed as not listening, logs one warning, and makes it reconnect.
         */
        public Builder changeFeedVerification(Duration interval, Duration timeout) {
            if (interval == null || timeout == null || interval.isNegative() || interval.isZero()
                    || timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("change feed verification " + interval + ", " + timeout
                        + " is invalid: use a positive interval and a positive timeout");
            }
            this.verifyInterval = interval;
            this.verifyTimeout = timeout;
            return this;
        }

        /**
         * Builds the store: validates the configuration, optionally migrates, and starts the change feed (waiting
         * briefly for its first LISTEN).
         */
        public PostgresCredentialStore build() {
            if ((dataSource == null) == (jdbcUrl == null)) {
                throw new ConfigurationException("PostgresCredentialStore needs exactly one of dataSource(...) or"
                        + " jdbc(url, user, password)");
            }
            HikariDataSource owned = dataSource == null ? PostgresDataSources.hikari(jdbcUrl, user, password) : null;
            DataSource ds = owned != null ? owned : dataSource;
            try {
                if (migrate) {
                    PostgresMigrations.builder().dataSource(ds).schemaOptions(options()).build().migrate();
                }
                return new PostgresCredentialStore(this, ds, owned);
            } catch (RuntimeException e) {
                if (owned != null) {
                    owned.close();
                }
                throw e;
            }
        }
    }
}
