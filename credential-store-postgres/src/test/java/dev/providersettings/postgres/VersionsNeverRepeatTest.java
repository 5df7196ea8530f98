package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.secret;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Versions come from a store-wide counter: a version never repeats for an (organization, provider, key), so a
 * check-and-set write holding a version read before a delete and re-create conflicts instead of putting an old value
 * back (the ABA gap a running rewrap fell into).
 */
class VersionsNeverRepeatTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static PostgresCredentialStore nodeA;
    private static PostgresCredentialStore nodeB;

    @BeforeAll
    static void open() {
        nodeA = db.storeBuilder().build();
        nodeB = PostgresCredentialStore.builder().dataSource(db.newPool(2)).schema(db.schema()).build();
    }

    @AfterAll
    static void close() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aVersionReadBeforeDeleteAllAndRecreateConflicts() {
        OrganizationId org = db.createOrganization();
        long old = nodeA.save(batch(org, put("SECRET_KEY", secret("k1", "old-revoked"), SettingWrite.ABSENT)))
                .get("SECRET_KEY");

        // another node deletes the organization's settings and stores a new key
        nodeB.deleteAll(org, SCALEWAY, "admin2");
        long recreated = nodeB.save(batch(org, put("SECRET_KEY", secret("k2", "new-key"), SettingWrite.ABSENT)))
                .get("SECRET_KEY");
        assertThat(recreated).as("a re-created key gets a version greater than any it had").isGreaterThan(old);

        // the rewrap (or any check-and-set writer) that read the old version must not put the old secret back
        assertThatThrownBy(() -> nodeA.save(batch(org, put("SECRET_KEY", secret("k2", "old-revoked-rewrapped"), old))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.expectedVersion()).isEqualTo(old);
                    assertThat(e.actualVersion()).isEqualTo(recreated);
                });
        assertThat(nodeA.load(org, SCALEWAY).settings().get("SECRET_KEY").value()).isEqualTo(secret("k2", "new-key"));
    }

    @Test
    void aVersionReadBeforeABatchDeleteAndRecreateConflictsInSaveAndSaveAll() {
        OrganizationId org = db.createOrganization();
        OrganizationId other = db.createOrganization();
        long old = nodeA.save(batch(org, put("A", text("a1")))).get("A");
        nodeB.save(batch(org, new SettingWrite("A", null, old)));
        long recreated = nodeB.save(batch(org, put("A", text("a2"), SettingWrite.ABSENT))).get("A");
        assertThat(recreated).isGreaterThan(old);

        assertThatThrownBy(() -> nodeA.save(batch(org, put("A", text("stale"), old))))
                .isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> nodeA.saveAll(List.of(batch(other, put("A", text("x"))),
                batch(org, put("A", text("stale"), old))))).isInstanceOf(VersionConflictException.class);
        assertThat(nodeA.load(org, SCALEWAY).settings().get("A").value()).isEqualTo(text("a2"));
        assertThat(nodeA.load(other, SCALEWAY).settings()).as("all or nothing").isEmpty();
    }

    @Test
    void anOrganizationDeletedAndRecreatedWithTheSameIdStartsAboveItsOldVersions() {
        OrganizationId org = db.createOrganization();
        long old = nodeA.save(batch(org, put("A", text("a1")))).get("A");
        for (int i = 0; i < 3; i++) {
            old = nodeA.save(batch(org, put("A", text("a" + i), old))).get("A");
        }
        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        sql.execute("DELETE FROM " + db.schema() + ".organizations WHERE id = ?", org.value());
        sql.execute("INSERT INTO " + db.schema() + ".organizations (id) VALUES (?)", org.value());
        long recreated = nodeB.save(batch(org, put("A", text("fresh"), SettingWrite.ABSENT))).get("A");
        assertThat(recreated).isGreaterThan(old);
        long stale = old;
        assertThatThrownBy(() -> nodeA.save(batch(org, put("A", text("stale"), stale))))
                .isInstanceOf(VersionConflictException.class);
    }

    @Test
    void everyWriteOfAKeyGetsAGreaterVersionAndTheVersionsOfOneTransactionAgree() {
        OrganizationId org = db.createOrganization();
        Map<String, Long> first = nodeA.save(batch(org, put("A", text("1")), put("B", text("1"))));
        assertThat(first.get("A")).isPositive().isEqualTo(first.get("B"));
        long previous = first.get("A");
        for (int i = 0; i < 5; i++) {
            long next = (i % 2 == 0 ? nodeA : nodeB).save(batch(org, put("A", text("v" + i), previous))).get("A");
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
        assertThat(nodeB.load(org, SCALEWAY).settings().get("A").version()).isEqualTo(previous);
        assertThat(nodeB.load(org, SCALEWAY).settings().get("B").version()).isEqualTo(first.get("B"));
    }

    @Test
    void theAuditTrailRecordsEachWriteWithItsOwnVersion() {
        OrganizationId org = db.createOrganization();
        long v1 = nodeA.save(batch(org, put("A", text("1")))).get("A");
        nodeA.deleteAll(org, SCALEWAY, "admin");
        long v2 = nodeA.save(new SettingsBatch(org, SCALEWAY, "admin", List.of(put("A", text("2"))))).get("A");
        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        var rows = sql.fetch("SELECT action, version FROM " + db.schema() + ".provider_settings_audit"
                + " WHERE organization_id = ? ORDER BY id", org.value());
        assertThat(rows.map(r -> r.get(0, String.class) + " " + r.get(1, Long.class)))
                .containsExactly("insert " + v1, "delete " + v1, "insert " + v2);
    }
}
