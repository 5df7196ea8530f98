package dev.providersettings.postgres;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.internal.ChangeFeed;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.ChangeEvent;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change feed proves that it hears (a NOTIFY sent through the pool must come back on its connection), reports the
 * truth, connects like the pool does, and signals "everything" when it starts hearing late.
 */
class ChangeFeedVerificationTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @Test
    void aHealthyFeedVerifiesAtStartAndOnDemand() {
        Instant before = Instant.now();
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.newPool(2))
                .schema(db.schema()).changeFeed(true).build();
             PostgresCredentialStore without = db.storeBuilder().build()) {
            ChangeFeedStatus status = store.changeFeedStatus();
            assertThat(status.enabled()).isTrue();
            assertThat(status.listening()).isTrue();
            assertThat(status.reconnects()).isZero();
            assertThat(status.lastVerifiedAt()).isNotNull().isAfterOrEqualTo(before.minusSeconds(1));
            Instant first = status.lastVerifiedAt();
            assertThat(store.verifyChangeFeed(Duration.ofSeconds(10))).isTrue();
            assertThat(store.changeFeedStatus().lastVerifiedAt()).isAfterOrEqualTo(first);

            assertThat(without.changeFeedStatus()).isEqualTo(new ChangeFeedStatus(false, false, 0, null));
            assertThat(without.verifyChangeFeed(Duration.ofSeconds(1))).isFalse();
            assertThat(without.isChangeFeedListening()).isFalse();
        }
    }

    @Test
    void aFeedThatHearsNothingSaysSoOnceAndKeepsTrying() throws Exception {
        // the feed's connection goes to another database of the same server: its LISTEN succeeds, but the
        // notifications of writes (and of probes) sent through the pool never reach it, as through PgBouncer
        String other = "ps_feed_elsewhere_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        sql.execute("CREATE DATABASE " + other);
        Logger feedLog = (Logger) LoggerFactory.getLogger(ChangeFeed.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        feedLog.addAppender(log);
        PGSimpleDataSource elsewhere = new PGSimpleDataSource();
        elsewhere.setUrl(RestrictedRole.urlWithoutUser(db.jdbcUrl()).replaceFirst("/postgres(\\?|$)", "/" + other + "$1"));
        elsewhere.setUser(db.user());
        elsewhere.setPassword(db.password());
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.newPool(2))
                .schema(db.schema()).changeFeed(elsewhere).changeFeedStartTimeout(Duration.ofSeconds(1))
                .changeFeedVerification(Duration.ofMillis(300), Duration.ofMillis(300))
                .changeFeedReconnect(Duration.ofMillis(50), Duration.ofMillis(100)).build()) {
            assertThat(store.isChangeFeedListening()).as("LISTEN succeeded, but nothing comes back").isFalse();
            assertThat(store.verifyChangeFeed(Duration.ofMillis(500))).isFalse();
            Thread.sleep(2000);
            ChangeFeedStatus status = store.changeFeedStatus();
            assertThat(status.listening()).isFalse();
            assertThat(status.lastVerifiedAt()).isNull();
            assertThat(status.reconnects()).as("it keeps trying").isPositive();
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN
                            && e.getFormattedMessage().contains("hears nothing"))
                    .as("one warning for the episode, not one per probe").hasSize(1);
        } finally {
            feedLog.detachAppender(log);
            sql.execute("DROP DATABASE IF EXISTS " + other + " WITH (FORCE)");
        }
    }

    @Test
    void aFirstConnectionSlowerThanTheStartWaitIsFollowedByEverything() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setUrl(RestrictedRole.urlWithoutUser(db.jdbcUrl()));
        direct.setUser(db.user());
        direct.setPassword(db.password());
        DataSource slowFirst = new ForwardingDataSource(direct) {
            @Override
            public Connection getConnection() throws java.sql.SQLException {
                if (opened.getAndIncrement() == 0) {
                    try {
                        Thread.sleep(1500); // a slow network or a database still starting
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.getConnection();
            }
        };
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        long t0 = System.nanoTime();
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.newPool(2))
                .schema(db.schema()).changeFeed(slowFirst).changeFeedStartTimeout(Duration.ofMillis(200)).build()) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("build did not wait").isLessThan(1400);
            store.subscribe(events::add);
            assertThat(store.isChangeFeedListening()).isFalse();
            // a change made before the feed listens would be missed: "everything" tells caches to drop all
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(ChangeEvent.everything());
            assertThat(store.isChangeFeedListening()).isTrue();
            OrganizationId org = db.createOrganization();
            try (PostgresCredentialStore other = db.storeBuilder().build()) {
                other.save(batch(org, put("A", text("1"))));
            }
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));
            assertThat(events.poll(300, TimeUnit.MILLISECONDS)).as("one 'everything', not more").isNull();
        }
    }

    @Test
    void theFeedConnectsWithThePoolsDriverProperties() {
        // user and password only as driver properties of the pool (as sslmode, sslcert or options would be): the
        // feed must use them, not just the pool's URL
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(RestrictedRole.urlWithoutUser(db.jdbcUrl()));
        config.addDataSourceProperty("user", db.user());
        config.addDataSourceProperty("password", db.password());
        config.addDataSourceProperty("options", "-c statement_timeout=60000");
        config.setMaximumPoolSize(2);
        config.setPoolName("properties-only");
        try (HikariDataSource pool = new HikariDataSource(config);
             PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(pool).schema(db.schema())
                     .changeFeed(true).changeFeedStartTimeout(Duration.ofSeconds(10)).build()) {
            assertThat(store.isChangeFeedListening()).isTrue();
            var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
            assertThat(sql.fetchValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
                    + " AND usename = ?", "provider-settings-change-feed", db.user())).isNotEqualTo(0L);
        }
    }
}
