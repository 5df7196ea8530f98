package dev.providersettings.postgres;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Living inside a host's schema: the host's own Flyway history and its own organizations table. */
class HostCoexistenceTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @Test
    void libraryAndHostMigrationsShareASchemaAndTheHostsTenantTable(@TempDir Path hostMigrations) throws IOException {
        String schema = "host_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Files.writeString(hostMigrations.resolve("V1__tenants.sql"),
                "CREATE TABLE tenants (tenant_id uuid PRIMARY KEY, name text NOT NULL);");
        Flyway host = Flyway.configure().dataSource(db.dataSource()).schemas(schema)
                .locations("filesystem:" + hostMigrations).load();
        host.migrate();

        PostgresMigrations library = PostgresMigrations.builder().dataSource(db.dataSource()).schema(schema)
                .organizationsTable("tenants", "tenant_id").build();
        assertThat(library.migrate()).isEqualTo(7);
        assertThat(library.migrate()).isZero();

        // the host keeps migrating with its own history, unaware of ours
        Files.writeString(hostMigrations.resolve("V2__tenant_plan.sql"), "ALTER TABLE tenants ADD COLUMN plan text;");
        assertThat(host.migrate().migrationsExecuted).isEqualTo(1);
        host.validate();

        DSLContext sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        assertThat(sql.resultQuery("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE success AND type = 'SQL'")
                .fetchOne(0, Integer.class)).isEqualTo(2);
        assertThat(sql.resultQuery("SELECT to_regclass(?)::text", schema + ".organizations").fetchOne(0, String.class))
                .as("no minimal organizations table was created").isNull();

        OrganizationId tenant = OrganizationId.random();
        sql.execute("INSERT INTO " + schema + ".tenants (tenant_id, name) VALUES (?, 'acme')", tenant.value());
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.dataSource())
                .schema(schema).organizationsTable("tenants", "tenant_id").build()) {
            assertThat(store.load(tenant, SCALEWAY).organizationExists()).isTrue();
            store.save(batch(tenant, put("A", text("a"))));
            assertThat(store.listOrganizations()).containsExactly(tenant);

            sql.execute("DELETE FROM " + schema + ".tenants WHERE tenant_id = ?", tenant.value());
            assertThat(store.load(tenant, SCALEWAY).organizationExists()).isFalse();
            assertThat(store.load(tenant, SCALEWAY).settings()).isEmpty();
        } finally {
            sql.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void aMissingOrganizationsTableIsExplained() {
        String schema = "bare_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        assertThatThrownBy(() -> PostgresMigrations.builder().dataSource(db.dataSource()).schema(schema).build().migrate())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("\"" + schema + "\".\"organizations\"(id)")
                .hasMessageContaining("createOrganizationsTable(true)");
        DSL.using(db.dataSource(), SQLDialect.POSTGRES).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void aStoreOnAnUnmigratedSchemaSaysToRunTheMigrations() {
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.dataSource())
                .schema("never_migrated").build()) {
            assertThatThrownBy(() -> store.load(OrganizationId.random(), SCALEWAY))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("run the migrations");
        }
    }
}
