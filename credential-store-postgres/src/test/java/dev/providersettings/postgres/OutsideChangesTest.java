package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.secret;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes made to the tables outside the store reach caches and the audit trail: {@code TRUNCATE} sends "everything",
 * and deletes that do not come through the store (an organization deleted, cascading; a hand-written DELETE) write
 * audit rows, while the store's own deletes are audited exactly once, with the caller's actor.
 */
class OutsideChangesTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private com.zaxxer.hikari.HikariDataSource pool;
    private PostgresCredentialStore store;
    private final BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
    private final DSLContext sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);

    @BeforeEach
    void open() {
        pool = db.newPool(1);
        store = PostgresCredentialStore.builder().dataSource(pool).schema(db.schema()).changeFeed(true)
                .changeFeedReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        store.subscribe(events::add);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> audit(OrganizationId org) {
        return sql.fetch("SELECT action, key, actor FROM " + db.schema() + ".provider_settings_audit"
                        + " WHERE organization_id = ? ORDER BY id", org.value())
                .map(r -> r.get(0, String.class) + " " + r.get(1, String.class) + " by " + r.get(2, String.class));
    }

    @Test
    void truncatingTheSettingsTableTellsEveryCacheThatEverythingChanged() throws InterruptedException {
        OrganizationId org = db.createOrganization();
        store.save(batch(org, put("A", text("1"))));
        // the local event and the feed's echo of the write; then quiet
        assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));
        assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();

        sql.execute("TRUNCATE " + db.schema() + ".provider_settings");
        assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(ChangeEvent.everything());
        assertThat(store.load(org, SCALEWAY).settings()).isEmpty();
    }

    @Test
    void deletingAnOrganizationAuditsEveryCascadedSetting() {
        OrganizationId org = db.createOrganization();
        store.save(batch(org, put("ACCESS_KEY", text("a")), put("SECRET_KEY", secret("k1", "c"))));
        store.save(new SettingsBatch(org, Fixtures.OTHER, "test", List.of(put("TOKEN", text("t")))));

        sql.execute("DELETE FROM " + db.schema() + ".organizations WHERE id = ?", org.value());
        String actor = "database:" + db.user();
        // ordered by (provider, key): "other" before "scaleway"
        assertThat(audit(org)).containsExactly("insert ACCESS_KEY by test", "insert SECRET_KEY by test",
                "insert TOKEN by test", "delete TOKEN by " + actor, "delete ACCESS_KEY by " + actor,
                "delete SECRET_KEY by " + actor);
        // the deleted versions are the ones that were stored
        assertThat(sql.fetchValue("SELECT count(*) FROM " + db.schema() + ".provider_settings_audit a"
                + " WHERE organization_id = ? AND action = 'delete' AND version = (SELECT version FROM "
                + db.schema() + ".provider_settings_audit b WHERE b.organization_id = a.organization_id"
                + " AND b.key = a.key AND b.action = 'insert')", org.value())).isEqualTo(3L);
    }

    @Test
    void aHandWrittenDeleteIsAudited() {
        OrganizationId org = db.createOrganization();
        store.save(batch(org, put("A", text("1")), put("B", text("2"))));
        sql.execute("DELETE FROM " + db.schema() + ".provider_settings WHERE organization_id = ? AND key = 'B'",
                org.value());
        assertThat(audit(org)).containsExactly("insert A by test", "insert B by test",
                "delete B by database:" + db.user());
    }

    @Test
    void theStoresOwnDeletesAreAuditedOnceWithTheCallersActor() {
        OrganizationId org = db.createOrganization();
        store.save(batch(org, put("A", text("1")), put("B", text("2")), put("C", text("3"))));
        store.save(new SettingsBatch(org, SCALEWAY, "alice", List.of(new SettingWrite("C", null, SettingWrite.ANY_VERSION))));
        assertThat(store.deleteAll(org, SCALEWAY, "bob")).isEqualTo(2);
        assertThat(audit(org)).containsExactly("insert A by test", "insert B by test", "insert C by test",
                "delete C by alice", "delete A by bob", "delete B by bob");

        // the marker is transaction-local: a later hand-written delete on the store's (one) pooled connection is audited
        store.save(batch(org, put("D", text("4"))));
        DSL.using(pool, SQLDialect.POSTGRES).execute("DELETE FROM " + db.schema() + ".provider_settings WHERE organization_id = ?", org.value());
        assertThat(audit(org)).endsWith("insert D by test", "delete D by database:" + db.user());
    }
}
