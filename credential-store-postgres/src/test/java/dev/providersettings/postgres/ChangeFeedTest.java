package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.internal.ChangeFeed;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.ChangeEvent;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.providersettings.postgres.Fixtures.OTHER;
import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/** NOTIFY-based change feed between two stores on separate pools ("two nodes"). */
class ChangeFeedTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    /** A generous bound against hangs, not a speed requirement. */
    private static final long WAIT_SECONDS = 20;

    private PostgresCredentialStore nodeA;
    private PostgresCredentialStore nodeB;
    private final BlockingQueue<ChangeEvent> eventsOfB = new LinkedBlockingQueue<>();

    @BeforeEach
    void open() {
        nodeA = db.storeBuilder().build();
        HikariDataSource poolB = db.newPool(2);
        nodeB = PostgresCredentialStore.builder().dataSource(poolB).schema(db.schema())
                .changeFeed(true)
                .changeFeedReconnect(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        nodeB.subscribe(eventsOfB::add);
        assertThat(nodeB.isChangeFeedListening()).isTrue();
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aWriteOnOneNodeReachesTheOther() throws InterruptedException {
        OrganizationId org = db.createOrganization();
        nodeA.save(batch(org, put("A", text("1")), put("B", text("2"))));
        assertThat(next()).isEqualTo(new ChangeEvent(org, SCALEWAY));

        nodeA.deleteAll(org, SCALEWAY, "admin");
        assertThat(next()).isEqualTo(new ChangeEvent(org, SCALEWAY));
        assertThat(eventsOfB.poll(300, TimeUnit.MILLISECONDS)).as("one event per transaction and pair").isNull();
    }

    @Test
    void changesMadeOutsideTheLibraryAndOrganizationDeletionsAreReported() throws InterruptedException {
        OrganizationId org = db.createOrganization();
        nodeA.save(new dev.providersettings.spi.SettingsBatch(org, OTHER, "t", java.util.List.of(put("A", text("1")))));
        assertThat(next()).isEqualTo(new ChangeEvent(org, OTHER));

        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        sql.execute("UPDATE " + db.schema() + ".provider_settings SET text_value = 'x' WHERE organization_id = ?", org.value());
        assertThat(next()).isEqualTo(new ChangeEvent(org, OTHER));

        sql.execute("DELETE FROM " + db.schema() + ".organizations WHERE id = ?", org.value());
        assertThat(next()).isEqualTo(new ChangeEvent(org, OTHER));
    }

    @Test
    void aBulkWriteOfManyOrganizationsSendsOneEverythingEvent() throws InterruptedException {
        java.util.List<dev.providersettings.spi.SettingsBatch> batches = new java.util.ArrayList<>();
        for (OrganizationId org : db.createOrganizations(1001)) {
            batches.add(batch(org, put("A", text("seeded"))));
        }
        nodeA.saveAll(batches);
        // the trigger collapses more than 1,000 (organization, provider) pairs into one "everything" per statement
        assertThat(next()).isEqualTo(ChangeEvent.everything());
        assertThat(eventsOfB.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void theListenerSurvivesATerminatedBackend() throws InterruptedException {
        OrganizationId org = db.createOrganization();
        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        int terminated = sql.resultQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()",
                "provider-settings-change-feed").fetch().size();
        assertThat(terminated).isPositive();

        // notifications may have been missed while reconnecting: "everything" tells caches to drop all entries
        assertThat(next()).isEqualTo(ChangeEvent.everything());
        nodeA.save(batch(org, put("A", text("after"))));
        assertThat(next()).isEqualTo(new ChangeEvent(org, SCALEWAY));
        assertThat(nodeB.isChangeFeedListening()).isTrue();
    }

    @Test
    void closeStopsTheListener() throws InterruptedException {
        nodeB.close();
        assertThat(nodeB.isChangeFeedListening()).isFalse();
        nodeA.save(batch(db.createOrganization(), put("A", text("1"))));
        assertThat(eventsOfB.poll(500, TimeUnit.MILLISECONDS)).isNull();
        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        assertThat(sql.resultQuery("SELECT 1 FROM pg_stat_activity WHERE application_name = ?",
                "provider-settings-change-feed").fetch()).isEmpty();
    }

    @Test
    void payloadsAreParsedAndFilteredBySchema() {
        OrganizationId org = OrganizationId.random();
        assertThat(ChangeFeed.parse("v1:" + org + ":scaleway:s1", "s1")).contains(new ChangeEvent(org, SCALEWAY));
        assertThat(ChangeFeed.parse("v1:" + org + ":scaleway:s2", "s1")).isEmpty();
        assertThat(ChangeFeed.parse("v1:" + org + ":scaleway:s2", null)).contains(new ChangeEvent(org, SCALEWAY));
        assertThat(ChangeFeed.parse("v1:*:*:s1", "s1")).contains(ChangeEvent.everything());
        // an unknown format drops everything rather than miss an invalidation
        assertThat(ChangeFeed.parse("v9:garbage", "s1")).contains(ChangeEvent.everything());
        assertThat(ChangeFeed.parse("v1:not-a-uuid:scaleway:s1", "s1")).contains(ChangeEvent.everything());
        assertThat(ChangeFeed.parse(null, "s1")).isEqualTo(Optional.of(ChangeEvent.everything()));
    }

    private ChangeEvent next() throws InterruptedException {
        ChangeEvent event = eventsOfB.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(event).as("an event within " + WAIT_SECONDS + " s").isNotNull();
        return event;
    }
}
