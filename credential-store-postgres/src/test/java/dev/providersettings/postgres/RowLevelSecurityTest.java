package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.ArrayList;
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
 * Opt-in row-level security, proven with a LOGIN role that is subject to it (not a superuser, no BYPASSRLS, not the
 * tables' owner): the store works for the organization it sets; without the setting, or for another organization,
 * the role's own SQL reads, changes and inserts nothing.
 */
class RowLevelSecurityTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static RestrictedRole role;
    private static PostgresCredentialStore store;
    /** The role's own SQL (as a buggy query of the host would run it). */
    private static DSLContext asRole;
    /** The superuser: sees everything, the ground truth. */
    private static DSLContext asOwner;
    private static OrganizationId a;
    private static OrganizationId b;

    @BeforeAll
    static void setUp() {
        RestrictedRole.enableRowLevelSecurity(db);
        role = RestrictedRole.create(db, "ps_rls", 4);
        store = role.storeBuilder().build();
        asRole = DSL.using(role.pool(), SQLDialect.POSTGRES);
        asOwner = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        a = db.createOrganization();
        b = db.createOrganization();
        store.save(batch(a, put("ACCESS_KEY", text("access-a")), put("SECRET_KEY", secret("k1", "cipher-a"))));
        store.save(batch(b, put("ACCESS_KEY", text("access-b")), put("SECRET_KEY", secret("k1", "cipher-b"))));
    }

    @AfterAll
    static void tearDown() {
        store.close();
        role.close();
    }

    private String table(String name) {
        return db.schema() + "." + name;
    }

    private long ownerCount(String sqlTable, OrganizationId org) {
        return count(asOwner, "select count(*) from " + table(sqlTable) + " where organization_id = ?",
                org.value());
    }

    private static long count(DSLContext ctx, String sql, Object... binds) {
        return ((Number) ctx.fetchValue(sql, binds)).longValue();
    }

    @Test
    void theRoleIsReallySubjectToRowLevelSecurity() {
        assertThat(asRole.fetchValue("select session_user")).isEqualTo(role.name());
        var row = asOwner.fetchOne("select rolsuper, rolbypassrls from pg_roles where rolname = ?", role.name());
        assertThat(row.get(0, Boolean.class)).isFalse();
        assertThat(row.get(1, Boolean.class)).isFalse();
        for (String t : List.of("provider_settings", "provider_settings_audit")) {
            var flags = asOwner.fetchOne("select relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner)"
                    + " from pg_class where oid = cast(? as regclass)", table(t));
            assertThat(flags.get(0, Boolean.class)).as(t + " row security").isTrue();
            assertThat(flags.get(1, Boolean.class)).as(t + " forced").isTrue();
            assertThat(flags.get(2, String.class)).as(t + " owner").isNotEqualTo(role.name());
        }
    }

    @Test
    void rowLevelSecurityIsOptInPerSchema() {
        String schema = "rls_opt_in_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try {
            PostgresMigrations.Builder migrations = PostgresMigrations.builder().dataSource(db.dataSource())
                    .schema(schema).createOrganizationsTable(true);
            assertThat(migrations.build().migrate()).isEqualTo(7);
            assertThat(rowSecurity(schema)).containsExactly(false, false);
            // the policies exist from V5 on, inert until enabled
            assertThat(count(asOwner, "select count(*) from pg_policies where schemaname = ?", schema)).isEqualTo(2);

            assertThat(migrations.rowLevelSecurity(true).build().migrate()).isEqualTo(1);
            assertThat(rowSecurity(schema)).containsExactly(true, true);
            assertThat(migrations.build().migrate()).isZero();
            // a later run without the opt-in location neither fails validation nor turns it off
            assertThat(migrations.rowLevelSecurity(false).build().migrate()).isZero();
            assertThat(rowSecurity(schema)).containsExactly(true, true);
        } finally {
            asOwner.execute("drop schema if exists " + schema + " cascade");
        }
    }

    private List<Boolean> rowSecurity(String schema) {
        var r = asOwner.fetchOne("select bool_and(relrowsecurity), bool_and(relforcerowsecurity) from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = ?"
                + " and c.relname in ('provider_settings', 'provider_settings_audit')", schema);
        return List.of(r.get(0, Boolean.class), r.get(1, Boolean.class));
    }

    @Test
    void loadSaveAndDeleteWorkForTheOrganizationTheStoreSets() {
        OrganizationId org = db.createOrganization();
        Map<String, Long> versions = store.save(batch(org, put("ACCESS_KEY", text("v1")), put("PROJECT_ID", text("p"))));
        long first = versions.get("ACCESS_KEY");
        assertThat(versions).containsEntry("PROJECT_ID", first);
        long second = store.save(batch(org, put("ACCESS_KEY", text("v2"), first))).get("ACCESS_KEY");
        assertThat(second).isGreaterThan(first);

        StoredSettings loaded = store.load(org, SCALEWAY);
        assertThat(loaded.organizationExists()).isTrue();
        assertThat(loaded.settings()).containsOnlyKeys("ACCESS_KEY", "PROJECT_ID");
        assertThat(loaded.settings().get("ACCESS_KEY").value()).isEqualTo(text("v2"));
        assertThat(loaded.settings().get("ACCESS_KEY").version()).isEqualTo(second);
        assertThat(ownerCount("provider_settings_audit", org)).isEqualTo(3);

        assertThat(store.deleteAll(org, SCALEWAY, "test")).isEqualTo(2);
        assertThat(store.load(org, SCALEWAY).settings()).isEmpty();
        assertThat(ownerCount("provider_settings", org)).isZero();
        assertThat(ownerCount("provider_settings_audit", org)).isEqualTo(5);
        // unknown organizations are still told apart from empty ones
        assertThat(store.load(OrganizationId.random(), SCALEWAY).organizationExists()).isFalse();
    }

    @Test
    void withoutTheSettingTheRoleSeesNoRowAtAll() {
        assertThat(count(asOwner, "select count(*) from " + table("provider_settings"))).isPositive();
        assertThat(count(asOwner, "select count(*) from " + table("provider_settings_audit"))).isPositive();
        assertThat(count(asRole, "select count(*) from " + table("provider_settings"))).isZero();
        assertThat(count(asRole, "select count(*) from " + table("provider_settings_audit"))).isZero();
        assertThat(asRole.execute("update " + table("provider_settings") + " set text_value = 'x' where value_type = 'text'"))
                .isZero();
        assertThat(asRole.execute("delete from " + table("provider_settings"))).isZero();
        assertThat(ownerCount("provider_settings", a)).isEqualTo(2);
        assertThat(ownerCount("provider_settings", b)).isEqualTo(2);
    }

    @Test
    void withOrganizationASetTheRowsOfBCannotBeReadChangedDeletedOrCreated() {
        List<String> snapshotB = snapshot(b);
        asRole.transaction(configuration -> {
            DSLContext tx = DSL.using(configuration);
            tx.fetch("select set_config('provider_settings.organization_id', ?, true)", a.value().toString());
            // a query that forgot its organization filter sees only A's rows
            assertThat(tx.fetch("select organization_id from " + table("provider_settings")).getValues(0))
                    .hasSize(2).allSatisfy(id -> assertThat(id).isEqualTo(a.value()));
            assertThat(count(tx, "select count(*) from " + table("provider_settings") + " where organization_id = ?",
                    b.value())).isZero();
            assertThat(count(tx, "select count(*) from " + table("provider_settings_audit")
                    + " where organization_id = ?", b.value())).isZero();
            assertThat(tx.execute("update " + table("provider_settings") + " set text_value = 'stolen'"
                    + " where organization_id = ?", b.value())).isZero();
            assertThat(tx.execute("delete from " + table("provider_settings") + " where organization_id = ?", b.value()))
                    .isZero();
        });
        // WITH CHECK: no row of B can be created, and no row of A moved to B (each in its own transaction)
        assertRejectedByPolicy("insert into " + table("provider_settings")
                + " (organization_id, provider, key, value_type, text_value, version)"
                + " values (cast(? as uuid), 'scaleway', 'PLANTED', 'text', 'x', 1)", b);
        assertRejectedByPolicy("insert into " + table("provider_settings_audit")
                + " (actor, organization_id, provider, key, action, version)"
                + " values ('x', cast(? as uuid), 'scaleway', 'PLANTED', 'insert', 1)", b);
        assertRejectedByPolicy("update " + table("provider_settings") + " set organization_id = cast(? as uuid)"
                + " where key = 'ACCESS_KEY'", b);
        assertThat(snapshot(b)).isEqualTo(snapshotB);
        assertThat(ownerCount("provider_settings", a)).isEqualTo(2);
    }

    private void assertRejectedByPolicy(String statement, OrganizationId target) {
        assertThatThrownBy(() -> asRole.transaction(configuration -> {
            DSLContext tx = DSL.using(configuration);
            tx.fetch("select set_config('provider_settings.organization_id', ?, true)", a.value().toString());
            tx.execute(statement, target.value().toString());
        })).isInstanceOfSatisfying(DataAccessException.class, e ->
                // insufficient_privilege: "new row violates row-level security policy"
                assertThat(e.getCause(SQLException.class).getSQLState()).isEqualTo("42501"));
    }

    private List<String> snapshot(OrganizationId org) {
        List<String> rows = new ArrayList<>();
        asOwner.fetch("select key, text_value, encode(secret_ciphertext, 'hex'), version from "
                + table("provider_settings") + " where organization_id = ? order by key", org.value())
                .forEach(r -> rows.add(r.formatCSV(false)));
        asOwner.fetch("select key, action, version from " + table("provider_settings_audit")
                + " where organization_id = ? order by id", org.value()).forEach(r -> rows.add(r.formatCSV(false)));
        return rows;
    }

    @Test
    void theScopeIsTransactionLocalAndNeverLeftOnAPooledConnection() {
        try (var onePool = role.newPool(1);
             PostgresCredentialStore single = PostgresCredentialStore.builder().dataSource(onePool)
                     .schema(db.schema()).rowLevelSecurity(true).build()) {
            assertThat(single.load(a, SCALEWAY).settings()).hasSize(2);
            single.save(batch(a, put("ACCESS_KEY", text("access-a"))));
            single.saveAll(List.of(batch(a, put("ACCESS_KEY", text("access-a"))),
                    batch(b, put("ACCESS_KEY", text("access-b")))));
            // the same (only) connection afterwards: no organization, no maintenance, no rows
            DSLContext same = DSL.using(onePool, SQLDialect.POSTGRES);
            var settings = same.fetchOne("select coalesce(current_setting('provider_settings.organization_id', true), ''),"
                    + " coalesce(current_setting('provider_settings.maintenance', true), '')");
            assertThat(settings.get(0, String.class)).isEmpty();
            assertThat(settings.get(1, String.class)).isEmpty();
            assertThat(count(same, "select count(*) from " + table("provider_settings"))).isZero();
        }
    }

    @Test
    void storeOperationsCostOneMoreStatementPerWriteAndNoneForALoad() {
        OrganizationId org = db.createOrganization();
        CountingDataSource counting = new CountingDataSource(role.pool());
        try (PostgresCredentialStore counted = PostgresCredentialStore.builder().dataSource(counting)
                .schema(db.schema()).rowLevelSecurity(true).build()) {
            counted.save(batch(org, put("A", text("a")), put("B", text("b"))));
            // begin, scope, existence check, lock, version, insert, audit, commit (7 without row-level security)
            assertThat(counting.executions()).isEqualTo(8);
            counting.reset();
            assertThat(counted.load(org, SCALEWAY).settings()).hasSize(2);
            // one execution, one round trip: set_config and the select travel together
            assertThat(counting.executions()).isEqualTo(1);
        }
    }

    @Test
    void deletingAnOrganizationCascadesToItsSettingsWhateverTheScope() {
        OrganizationId doomed = db.createOrganization();
        store.save(batch(doomed, put("ACCESS_KEY", text("gone"))));
        role.asOwner("GRANT DELETE ON " + table("organizations") + " TO " + role.name());
        try {
            // the host deletes the organization as the restricted role, without any scope: the cascade is a
            // referential action, which row-level security does not filter
            assertThat(asRole.execute("delete from " + table("organizations") + " where id = ?", doomed.value()))
                    .isEqualTo(1);
            assertThat(ownerCount("provider_settings", doomed)).isZero();
            // the audit trail survives (no foreign key on purpose) and records the cascaded delete, written by the
            // trigger although the role has no scope set and no privilege to write audit rows for that organization
            assertThat(asOwner.fetch("select action, actor from " + table("provider_settings_audit")
                    + " where organization_id = ? order by id", doomed.value())
                    .map(r -> r.get(0, String.class) + " by " + r.get(1, String.class)))
                    .containsExactly("insert by test", "delete by database:" + role.name());
        } finally {
            role.asOwner("REVOKE DELETE ON " + table("organizations") + " FROM " + role.name());
        }
    }

    @Test
    void crossOrganizationMaintenanceWorks() {
        List<OrganizationId> orgs = db.createOrganizations(5);
        List<SettingsBatch> seed = new ArrayList<>();
        for (OrganizationId org : orgs) {
            seed.add(batch(org, put("ACCESS_KEY", text("seeded-" + org)), put("SECRET_KEY", secret("old", "c-" + org))));
        }
        store.saveAll(seed);
        Map<OrganizationId, StoredSettings> loaded = store.loadMany(SCALEWAY, orgs);
        long seeded = loaded.get(orgs.get(0)).settings().get("ACCESS_KEY").version();
        for (OrganizationId org : orgs) {
            assertThat(loaded.get(org).settings().get("ACCESS_KEY").value()).isEqualTo(text("seeded-" + org));
        }
        List<SecretRef> toRewrap = store.findSecretsNotEncryptedWith("k1", 100);
        assertThat(toRewrap).extracting(SecretRef::organization).containsExactlyInAnyOrderElementsOf(orgs);
        assertThat(store.listOrganizations()).containsAll(orgs).contains(a, b);
        // re-seed: updates across organizations, versions move on
        store.saveAll(seed);
        assertThat(store.load(orgs.get(0), SCALEWAY).settings().get("ACCESS_KEY").version()).isGreaterThan(seeded);
        for (OrganizationId org : orgs) {
            assertThat(ownerCount("provider_settings_audit", org)).isEqualTo(4);
        }
    }

    @Test
    void aStoreWithoutTheOptionFailsClosed() {
        // Misconfiguration (row-level security on the tables, not on the store): the role sees no settings at all;
        // nothing of another organization, and writes are refused by WITH CHECK.
        try (PostgresCredentialStore plain = PostgresCredentialStore.builder().dataSource(role.pool())
                .schema(db.schema()).build()) {
            StoredSettings loaded = plain.load(a, SCALEWAY);
            assertThat(loaded.organizationExists()).isTrue();
            assertThat(loaded.settings()).isEmpty();
            assertThatThrownBy(() -> plain.save(batch(a, put("PLANTED", text("x")))))
                    .isInstanceOf(dev.providersettings.exception.ProviderSettingsException.class);
        }
        assertThat(count(asOwner, "select count(*) from " + table("provider_settings") + " where key = 'PLANTED'"))
                .isZero();
    }

    @Test
    void theSuperuserBypassesRowLevelSecurityWithOrWithoutTheOption() {
        try (PostgresCredentialStore owner = db.storeBuilder().rowLevelSecurity(true).build();
             PostgresCredentialStore ownerPlain = db.storeBuilder().build()) {
            assertThat(owner.load(b, SCALEWAY).settings().get("ACCESS_KEY").value()).isEqualTo(text("access-b"));
            assertThat(ownerPlain.load(b, SCALEWAY).settings().get("ACCESS_KEY").value()).isEqualTo(text("access-b"));
        }
    }

    @Test
    void aResolverRoleWithTheRestrictivePolicyGetsNoMaintenanceAccess() {
        try (RestrictedRole resolver = RestrictedRole.create(db, "ps_resolver", 2)) {
            // the README's optional policy for a role that only resolves
            resolver.asOwner(
                    "CREATE POLICY provider_settings_resolver_one_organization ON " + table("provider_settings")
                            + " AS RESTRICTIVE TO " + resolver.name()
                            + " USING (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid)"
                            + " WITH CHECK (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid)",
                    "CREATE POLICY provider_settings_audit_resolver_one_organization ON " + table("provider_settings_audit")
                            + " AS RESTRICTIVE TO " + resolver.name()
                            + " USING (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid)"
                            + " WITH CHECK (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid)");
            try (PostgresCredentialStore resolving = resolver.storeBuilder().build()) {
                assertThat(resolving.load(a, SCALEWAY).settings().get("ACCESS_KEY").value()).isEqualTo(text("access-a"));
                // maintenance declared, but the restrictive policy still demands the organization
                assertThat(resolving.findSecretsNotEncryptedWith("some-other-key", 100)).isEmpty();
                assertThat(resolving.loadMany(SCALEWAY, List.of(a, b)).values())
                        .allSatisfy(s -> assertThat(s.settings()).isEmpty());
                DSLContext raw = DSL.using(resolver.pool(), SQLDialect.POSTGRES);
                long seen = raw.transactionResult(configuration -> {
                    DSLContext tx = DSL.using(configuration);
                    tx.fetch("select set_config('provider_settings.maintenance', 'on', true)");
                    return count(tx, "select count(*) from " + table("provider_settings"));
                });
                assertThat(seen).isZero();
            } finally {
                resolver.asOwner("DROP POLICY provider_settings_resolver_one_organization ON " + table("provider_settings"),
                        "DROP POLICY provider_settings_audit_resolver_one_organization ON " + table("provider_settings_audit"));
            }
        }
        // the full-access role still has maintenance
        assertThat(store.findSecretsNotEncryptedWith("some-other-key", 100)).isNotEmpty();
    }
}
