package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.ChangeEvent;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
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
 * Mixed-case schema, table and column names ({@code schema("App")}, organizations table {@code "Orgs"}) are used
 * exactly as given: migrations, queries, row-level security, triggers and the change feed all agree on them.
 */
class MixedCaseNamesTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static String mixedCaseSchema() {
        return "App_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    @Test
    void aMixedCaseSchemaWithAMixedCaseOrganizationsTableWorksEndToEnd() throws InterruptedException {
        String schema = mixedCaseSchema();
        DSLContext sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.newPool(3))
                .schema(schema).organizationsTable("Orgs", "OrgId").migrate(true).createOrganizationsTable(true)
                .changeFeed(true).changeFeedReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).build()) {
            BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
            store.subscribe(events::add);
            // the names really are mixed-case in the catalog (not folded to lower case)
            assertThat(sql.fetchValue("SELECT count(*) FROM information_schema.columns WHERE table_schema = ?"
                    + " AND table_name = 'Orgs' AND column_name = 'OrgId'", schema)).isEqualTo(1L);
            assertThat(sql.fetchValue("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?",
                    schema.toLowerCase(java.util.Locale.ROOT))).isEqualTo(0L);

            OrganizationId org = OrganizationId.random();
            sql.execute("INSERT INTO \"" + schema + "\".\"Orgs\" (\"OrgId\") VALUES (?)", org.value());
            assertThat(store.listOrganizations()).containsExactly(org);
            store.save(batch(org, put("ACCESS_KEY", text("SCWAAAAAAAAAAAAAAAAA")), put("SECRET_KEY", secret("k1", "c"))));
            assertThat(store.load(org, SCALEWAY).settings()).containsOnlyKeys("ACCESS_KEY", "SECRET_KEY");
            assertThat(store.loadMany(SCALEWAY, List.of(org, OrganizationId.random())).get(org).settings())
                    .hasSize(2);
            assertThat(store.findSecretsNotEncryptedWith("k2", 10)).hasSize(1);
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));

            // a change made outside the library reaches the feed (the payload names the schema exactly)
            sql.execute("UPDATE \"" + schema + "\".provider_settings SET text_value = 'SCWBBBBBBBBBBBBBBBBB'"
                    + " WHERE key = 'ACCESS_KEY'");
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));

            // the organization's deletion cascades (the foreign key references the mixed-case table)
            sql.execute("DELETE FROM \"" + schema + "\".\"Orgs\" WHERE \"OrgId\" = ?", org.value());
            assertThat(store.load(org, SCALEWAY).organizationExists()).isFalse();
            assertThat(sql.fetchValue("SELECT count(*) FROM \"" + schema + "\".provider_settings")).isEqualTo(0L);
        } finally {
            sql.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }

    @Test
    void aMixedCaseSchemaWorksWithRowLevelSecurity() {
        String schema = mixedCaseSchema();
        DSLContext sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.newPool(2))
                .schema(schema).migrate(true).createOrganizationsTable(true).rowLevelSecurity(true).build()) {
            OrganizationId a = OrganizationId.random();
            OrganizationId b = OrganizationId.random();
            sql.execute("INSERT INTO \"" + schema + "\".organizations (id) VALUES (?), (?)", a.value(), b.value());
            store.saveAll(List.of(batch(a, put("A", text("a"))), batch(b, put("A", text("b")))));
            store.save(batch(a, put("B", text("a"))));
            assertThat(store.load(a, SCALEWAY).settings()).containsOnlyKeys("A", "B");
            assertThat(store.deleteAll(b, SCALEWAY, "admin")).isEqualTo(1);
            assertThat(sql.fetchValue("SELECT relforcerowsecurity FROM pg_class WHERE oid = cast(? as regclass)",
                    "\"" + schema + "\".provider_settings")).isEqualTo(true);
        } finally {
            sql.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }

    @Test
    void aMixedCaseOrganizationsTableInAnotherSchemaIsQuotedInThePlaceholders() {
        var placeholders = PostgresMigrations.builder().dataSource(db.dataSource()).schema("App")
                .organizationsTable("Host.Orgs", "Id").build().placeholders();
        assertThat(placeholders).containsEntry("organizations_table", "\"Host\".\"Orgs\"")
                .containsEntry("organizations_id_column", "\"Id\"");
        assertThat(PostgresMigrations.builder().dataSource(db.dataSource()).schema("App")
                .organizationsTable("Orgs", "id").build().placeholders())
                .containsEntry("organizations_table", "\"App\".\"Orgs\"");
    }
}
