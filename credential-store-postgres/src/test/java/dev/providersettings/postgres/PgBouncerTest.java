package dev.providersettings.postgres;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.internal.ChangeFeed;
import dev.providersettings.postgres.internal.SqlErrors;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.StoredSetting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store through a real PgBouncer in transaction pooling mode, with pools on pgjdbc's defaults (named server-side
 * prepared statements from a statement's fifth use) shared with host code that uses prepared statements too: the store
 * never answers wrongly and never fails, and a change feed whose LISTEN goes through the pooler says it hears nothing.
 * Skipped, with the reason printed, where there is no {@code pgbouncer} binary.
 */
class PgBouncerTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static PgBouncer bouncer;
    private static final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void startPgBouncer() {
        db.start();
        // two server connections for many clients: consecutive transactions of a client hop between them
        bouncer = PgBouncer.startOrSkip(db.jdbcUrl(), db.user(), db.password(), 2);
    }

    @AfterAll
    static void stop() {
        pools.forEach(HikariDataSource::close);
        if (bouncer != null) {
            bouncer.close();
        }
    }

    /** A host's pool through PgBouncer with pgjdbc's defaults (nothing about prepared statements configured). */
    private static HikariDataSource defaultPool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(bouncer.jdbcUrl("postgres"));
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(20_000);
        config.setPoolName("pgbouncer-defaults-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Test
    void withPgjdbcDefaultsBehindATransactionPoolerTheStoreNeverAnswersWrongly() throws Exception {
        List<OrganizationId> orgs = db.createOrganizations(24);
        try (PostgresCredentialStore direct = db.storeBuilder().build()) {
            for (OrganizationId org : orgs) {
                direct.save(batch(org, put("ACCESS_KEY", text("key-of-" + org))));
            }
        }
        HikariDataSource shared = defaultPool(4);
        HikariDataSource otherService = defaultPool(4);
        List<String> wrong = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<SQLException> hostErrors = new CopyOnWriteArrayList<>();
        AtomicInteger operations = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(shared)
                .schema(db.schema()).build()) {
            List<Future<?>> host = new ArrayList<>();
            // the host's own code on the same pool, and another service on the same PgBouncer: prepared statements
            // and transactions with pgjdbc's defaults, which leave named statements on the server connections
            for (HikariDataSource pool : List.of(shared, otherService, otherService)) {
                host.add(threads.submit(() -> hostTraffic(pool, orgs, stop, hostErrors)));
            }
            List<Future<?>> library = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<OrganizationId> writes = orgs.subList(t * 6, t * 6 + 6); // disjoint: no real conflicts
                library.add(threads.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 150; i++) {
                        try {
                            OrganizationId org = orgs.get(random.nextInt(orgs.size()));
                            var loaded = store.load(org, SCALEWAY);
                            StoredSetting key = loaded.settings().get("ACCESS_KEY");
                            if (!loaded.organizationExists() || key == null
                                    || !((dev.providersettings.spi.StoredValue.Text) key.value()).value()
                                    .startsWith("key-of-" + org)) {
                                wrong.add("load of " + org + ": " + loaded);
                            }
                            Map<OrganizationId, ?> many = store.loadMany(SCALEWAY, orgs.subList(0, 3));
                            if (many.size() != 3) {
                                wrong.add("loadMany: " + many.keySet());
                            }
                            if (i % 5 == 0) {
                                OrganizationId own = writes.get(random.nextInt(writes.size()));
                                long version = store.load(own, SCALEWAY).settings().get("ACCESS_KEY").version();
                                store.save(batch(own, put("ACCESS_KEY", text("key-of-" + own + "-" + i), version)));
                            }
                            operations.incrementAndGet();
                        } catch (VersionConflictException e) {
                            wrong.add("conflict on a key only this thread writes: " + e.getMessage());
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : library) {
                f.get(5, TimeUnit.MINUTES);
            }
            stop.set(true);
            for (Future<?> f : host) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
        System.out.println("[PgBouncer] library operations: " + operations.get() + ", wrong answers: " + wrong.size()
                + ", failures: " + failures.size() + "; the host's own statements failed " + hostErrors.size()
                + " times (" + hostErrors.stream().map(SQLException::getSQLState).distinct().toList() + ")");
        assertThat(wrong).as("wrong answers").isEmpty();
        assertThat(failures).as("library failures").isEmpty();
        assertThat(operations.get()).isEqualTo(4 * 150);
        // the setting really was hostile: the host's own named statements collided (otherwise this proves nothing)
        assertThat(hostErrors).as("errors of the host's own prepared statements behind PgBouncer").isNotEmpty();
        // and such an error, when the store meets one, is a configuration error naming the fix
        SQLException real = hostErrors.stream().filter(SqlErrors::isPoolerMisconfiguration).findFirst().orElseThrow();
        assertThat(SqlErrors.translate("load of provider scaleway", real))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("prepareThreshold=0");
    }

    /** What a host does with pgjdbc's defaults: the same prepared statements over and over, some in transactions. */
    private static Void hostTraffic(HikariDataSource pool, List<OrganizationId> orgs, AtomicBoolean stop,
                                    List<SQLException> errors) {
        String[] queries = {
                "select count(*) from " + db.schema() + ".organizations where id = ?",
                "select name from " + db.schema() + ".organizations where id = ?",
                "select ?::uuid is not null",
        };
        int i = 0;
        while (!stop.get()) {
            try (Connection c = pool.getConnection()) {
                boolean transaction = i % 3 == 0;
                c.setAutoCommit(!transaction);
                try (PreparedStatement ps = c.prepareStatement(queries[i % queries.length])) {
                    ps.setObject(1, orgs.get(i % orgs.size()).value());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                if (transaction) {
                    c.commit();
                }
            } catch (SQLException e) {
                if (errors.size() < 1000) {
                    errors.add(e);
                }
            }
            i++;
        }
        return null;
    }

    @Test
    void aChangeFeedWhoseListenGoesThroughThePoolerSaysItHearsNothing() throws Exception {
        Logger feedLog = (Logger) LoggerFactory.getLogger(ChangeFeed.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        feedLog.addAppender(log);
        HikariDataSource pool = PostgresDataSources.builder().jdbcUrl(bouncer.jdbcUrl("postgres")).user(db.user())
                .password(db.password()).maximumPoolSize(2).minimumIdle(0).poolName("pgbouncer-feed").build();
        pools.add(pool);
        try (PostgresCredentialStore deaf = PostgresCredentialStore.builder().dataSource(pool).schema(db.schema())
                .changeFeed(true).changeFeedStartTimeout(Duration.ofSeconds(2))
                .changeFeedVerification(Duration.ofMillis(500), Duration.ofMillis(500))
                .changeFeedReconnect(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
            assertThat(deaf.isChangeFeedListening()).isFalse();
            assertThat(deaf.verifyChangeFeed(Duration.ofSeconds(1))).isFalse();
            Thread.sleep(3000); // several more probes and reconnects
            ChangeFeedStatus status = deaf.changeFeedStatus();
            assertThat(status.enabled()).isTrue();
            assertThat(status.listening()).isFalse();
            assertThat(status.lastVerifiedAt()).isNull();
            assertThat(status.reconnects()).isPositive();
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN
                            && e.getFormattedMessage().contains("hears nothing"))
                    .as("one clear warning, not one per probe").hasSize(1)
                    .first().satisfies(e -> assertThat(e.getFormattedMessage()).contains("direct URL"));
        } finally {
            feedLog.detachAppender(log);
        }

        // the documented setup: the pool through PgBouncer, the feed on a direct connection
        OrganizationId org = db.createOrganization();
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        try (PostgresCredentialStore node = PostgresCredentialStore.builder().dataSource(pool).schema(db.schema())
                .changeFeed(db.jdbcUrl(), db.user(), db.password()).build();
             PostgresCredentialStore writer = PostgresCredentialStore.builder().dataSource(defaultPool(2))
                     .schema(db.schema()).build()) {
            node.subscribe(events::add);
            assertThat(node.isChangeFeedListening()).isTrue();
            assertThat(node.verifyChangeFeed(Duration.ofSeconds(10))).isTrue();
            assertThat(node.changeFeedStatus().lastVerifiedAt()).isNotNull();
            writer.save(batch(org, put("A", text("through the pooler"))));
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));
        }
    }

    @Test
    void poolsBuiltByTheLibraryUseNoNamedStatements() throws Exception {
        HikariDataSource pool = PostgresDataSources.hikari(bouncer.jdbcUrl("postgres"), db.user(), db.password());
        pools.add(pool);
        try (Connection c = pool.getConnection()) {
            assertThat(c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold()).isZero();
        }
        // a prepareThreshold in the URL wins (a host that connects directly may want server-side statements)
        HikariDataSource explicit = PostgresDataSources.hikari(bouncer.jdbcUrl("postgres") + "?prepareThreshold=3",
                db.user(), db.password());
        pools.add(explicit);
        try (Connection c = explicit.getConnection()) {
            assertThat(c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold()).isEqualTo(3);
        }
    }
}
