package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.secret;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one options value both builders take: its validation, its equality, and both builders agreeing on it. */
class PostgresSchemaOptionsTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @Test
    void theDefaultsAreTheSearchPathAndOrganizationsIdWithNothingOptIn() {
        PostgresSchemaOptions defaults = PostgresSchemaOptions.defaults();
        assertThat(defaults.schema()).isNull();
        assertThat(defaults.organizationsTable()).isEqualTo("organizations");
        assertThat(defaults.organizationsIdColumn()).isEqualTo("id");
        assertThat(defaults.createOrganizationsTable()).isFalse();
        assertThat(defaults.rowLevelSecurity()).isFalse();
        assertThat(defaults.quotedOrganizationsTable()).isEqualTo("\"organizations\"");
    }

    @Test
    void namesAreKeptExactlyAsWrittenCaseIncluded() {
        PostgresSchemaOptions options = PostgresSchemaOptions.defaults().withSchema("App")
                .withOrganizationsTable("Tenants", "TenantId");
        assertThat(options.schema()).isEqualTo("App");
        assertThat(options.quotedOrganizationsTable()).isEqualTo("\"App\".\"Tenants\"");
        assertThat(options.withOrganizationsTable("Host.Orgs", "Id").quotedOrganizationsTable())
                .isEqualTo("\"Host\".\"Orgs\"");
        // without a schema an unqualified table stays on the search path
        assertThat(PostgresSchemaOptions.defaults().withOrganizationsTable("Orgs", "id").organizationsTableParts())
                .containsExactly("Orgs");
    }

    @Test
    void badNamesAreTypedErrorsThatSayHowToFixThem() {
        PostgresSchemaOptions defaults = PostgresSchemaOptions.defaults();
        assertThatThrownBy(() -> defaults.withSchema("\"App\""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("schema \"App\" is written with double quotes")
                .hasMessageContaining("pass the name without them (App)");
        assertThatThrownBy(() -> defaults.withOrganizationsTable("\"Host\".\"Orgs\"", "id"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("without them (Host)");
        assertThatThrownBy(() -> defaults.withSchema("my schema"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'my schema' is not a plain SQL identifier")
                .hasMessageContaining("use letters, digits and '_'");
        assertThatThrownBy(() -> defaults.withSchema(""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("schema '' is not a plain SQL identifier");
        assertThatThrownBy(() -> defaults.withSchema("s".repeat(64)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at most 63 characters");
        assertThatThrownBy(() -> defaults.withOrganizationsTable("orgs; drop table x", "id"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("organizations table");
        assertThatThrownBy(() -> defaults.withOrganizationsTable("a.b.c", "id"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("use 'table' or 'schema.table'");
        assertThatThrownBy(() -> defaults.withOrganizationsTable(null, "id"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("pass a table name");
        assertThatThrownBy(() -> defaults.withOrganizationsTable("orgs", null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("organizations id column 'null'");
        assertThatThrownBy(() -> new PostgresSchemaOptions("1abc", "organizations", "id", false, false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("schema '1abc'");
        // the builders' shortcuts validate the same way
        assertThatThrownBy(() -> PostgresMigrations.builder().schema("\"App\""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("double quotes");
        assertThatThrownBy(() -> PostgresCredentialStore.builder().organizationsTable("orgs", "id-1"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'id-1'");
    }

    @Test
    void optionsAreValuesAndTheShortcutsBuildTheSameValue() {
        PostgresSchemaOptions a = PostgresSchemaOptions.defaults().withSchema("App")
                .withOrganizationsTable("Tenants", "TenantId").withCreateOrganizationsTable(true).withRowLevelSecurity(true);
        PostgresSchemaOptions b = new PostgresSchemaOptions("App", "Tenants", "TenantId", true, true);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(a.withSchema("app")).isNotEqualTo(a.withRowLevelSecurity(false));
        assertThat(PostgresSchemaOptions.defaults().withSchema("App")).isNotSameAs(PostgresSchemaOptions.defaults());

        PostgresMigrations migrations = PostgresMigrations.builder().dataSource(db.dataSource()).schema("App")
                .organizationsTable("Tenants", "TenantId").createOrganizationsTable(true).rowLevelSecurity(true).build();
        assertThat(migrations.schemaOptions()).isEqualTo(a);
        assertThat(PostgresMigrations.builder().dataSource(db.dataSource()).schemaOptions(a).build().placeholders())
                .isEqualTo(migrations.placeholders());
        // a whole options value replaces what shortcuts set before it; a shortcut after it changes one option
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.dataSource())
                .schema("ignored").schemaOptions(a).rowLevelSecurity(false).build()) {
            assertThat(store.schemaOptions()).isEqualTo(a.withRowLevelSecurity(false));
            assertThat(store.toString()).contains("organizations=\"App\".\"Tenants\"").contains("rowLevelSecurity=false");
        }
    }

    @Test
    void aStoreBuiltWithTheOptionsReadsWhatTheMigrationsBuiltWithThemCreated() {
        String schema = "Lib_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        PostgresSchemaOptions layout = PostgresSchemaOptions.defaults().withSchema(schema)
                .withOrganizationsTable("Tenants", "TenantId").withCreateOrganizationsTable(true)
                .withRowLevelSecurity(true);
        DSLContext sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        try {
            assertThat(PostgresMigrations.builder().dataSource(db.dataSource()).schemaOptions(layout).build().migrate())
                    .isPositive();
            OrganizationId org = OrganizationId.random();
            sql.execute("INSERT INTO \"" + schema + "\".\"Tenants\" (\"TenantId\") VALUES (?)", org.value());
            try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(db.newPool(2))
                    .schemaOptions(layout).build()) {
                assertThat(store.listOrganizations()).containsExactly(org);
                store.save(batch(org, put("ACCESS_KEY", text("SCWAAAAAAAAAAAAAAAAA")), put("SECRET_KEY", secret("k1", "c"))));
                assertThat(store.load(org, SCALEWAY).settings()).containsOnlyKeys("ACCESS_KEY", "SECRET_KEY");
                assertThat(store.loadMany(SCALEWAY, List.of(org, OrganizationId.random())).get(org).settings()).hasSize(2);
                assertThat(store.findSecretsNotEncryptedWith("k2", 10)).hasSize(1);
                assertThat(store.deleteAll(org, SCALEWAY, "admin")).isEqualTo(2);
            }
            // the rows went to the mixed-case schema, row-level security is on there
            assertThat(sql.fetchValue("SELECT count(*) FROM \"" + schema + "\".provider_settings_audit")).isEqualTo(4L);
            assertThat(sql.fetchValue("SELECT relforcerowsecurity FROM pg_class WHERE oid = cast(? as regclass)",
                    "\"" + schema + "\".provider_settings")).isEqualTo(true);
            // a store built with other options does not find these tables, and says what to check
            try (PostgresCredentialStore lowerCase = PostgresCredentialStore.builder().dataSource(db.dataSource())
                    .schemaOptions(layout.withSchema(schema.toLowerCase(java.util.Locale.ROOT))).build()) {
                assertThatThrownBy(() -> lowerCase.load(org, SCALEWAY))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining("check the configured schema");
            }
        } finally {
            sql.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }
}
