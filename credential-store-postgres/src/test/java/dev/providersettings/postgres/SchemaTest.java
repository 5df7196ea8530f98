package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.internal.jooq.tables.records.ProviderSettingsRecord;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS;
import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS_AUDIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The migrated schema, its constraints, and its agreement with the generated jOOQ classes. */
class SchemaTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private DSLContext sql;

    @BeforeEach
    void setUp() {
        sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES, new Settings().withRenderMapping(new RenderMapping()
                .withSchemata(new MappedSchema().withInput("public").withOutput(db.schema()))));
    }

    @Test
    void generatedClassesMatchTheMigratedSchema() {
        for (Table<?> table : new Table<?>[]{PROVIDER_SETTINGS, PROVIDER_SETTINGS_AUDIT}) {
            Map<String, String> migrated = new LinkedHashMap<>();
            sql.resultQuery("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", db.schema(), table.getName())
                    .fetch()
                    .forEach(r -> migrated.put(r.get(0, String.class), r.get(1, String.class) + "/" + r.get(2, String.class)));
            Map<String, String> generated = new LinkedHashMap<>();
            for (Field<?> field : table.fields()) {
                generated.put(field.getName(), postgresType(field) + "/" + (field.getDataType().nullable() ? "YES" : "NO"));
            }
            assertThat(generated).as(table.getName()).containsExactlyEntriesOf(migrated);
        }
    }

    private static String postgresType(Field<?> field) {
        String name = field.getDataType().getTypeName(org.jooq.impl.DefaultConfiguration.class.cast(
                new org.jooq.impl.DefaultConfiguration().set(SQLDialect.POSTGRES)));
        switch (name) {
            case "timestamp with time zone":
                return "timestamp with time zone";
            case "int8":
                return "bigint";
            case "bool":
                return "boolean";
            default:
                return name;
        }
    }

    @Test
    void everyValueColumnRoundTripsThroughTheGeneratedClasses() {
        OrganizationId org = db.createOrganization();
        ProviderSettingsRecord record = sql.newRecord(PROVIDER_SETTINGS);
        record.setOrganizationId(org.value());
        record.setProvider("scaleway");
        record.setKey("CONFIG");
        record.setValueType("json");
        record.setJsonValue(JSONB.valueOf("{\"zone\": \"fr-par-1\"}"));
        record.setVersion(1L);
        record.store();

        ProviderSettingsRecord read = sql.selectFrom(PROVIDER_SETTINGS).where(PROVIDER_SETTINGS.KEY.eq("CONFIG")).fetchOne();
        assertThat(read.getId()).isPositive();
        assertThat(read.getJsonValue().data()).isEqualTo("{\"zone\": \"fr-par-1\"}");
        assertThat(read.getCreatedAt()).isNotNull();
        assertThat(read.getUpdatedAt()).isNotNull();
    }

    @Test
    void duplicateProviderKeyOrganizationIsRejected() {
        OrganizationId org = db.createOrganization();
        insertText(org.value(), "scaleway", "SCALEWAY_PROJECT_ID", "p");
        assertThatThrownBy(() -> insertText(org.value(), "scaleway", "SCALEWAY_PROJECT_ID", "q"))
                .isInstanceOf(IntegrityConstraintViolationException.class)
                .hasMessageContaining("provider_settings_provider_key_organization_unique");
        // the same key for another organization or another provider is fine
        insertText(db.createOrganization().value(), "scaleway", "SCALEWAY_PROJECT_ID", "p");
        insertText(org.value(), "other", "SCALEWAY_PROJECT_ID", "p");
    }

    @Test
    void unknownOrganizationIsRejected() {
        assertThatThrownBy(() -> insertText(UUID.randomUUID(), "scaleway", "KEY", "v"))
                .isInstanceOf(IntegrityConstraintViolationException.class)
                .hasMessageContaining("foreign key");
    }

    @Test
    void deletingAnOrganizationDeletesItsSettings() {
        OrganizationId doomed = db.createOrganization();
        OrganizationId kept = db.createOrganization();
        insertText(doomed.value(), "scaleway", "A", "1");
        insertText(doomed.value(), "other", "B", "2");
        insertText(kept.value(), "scaleway", "A", "3");

        sql.execute("DELETE FROM " + db.schema() + ".organizations WHERE id = ?", doomed.value());

        assertThat(sql.fetchCount(PROVIDER_SETTINGS, PROVIDER_SETTINGS.ORGANIZATION_ID.eq(doomed.value()))).isZero();
        assertThat(sql.fetchCount(PROVIDER_SETTINGS, PROVIDER_SETTINGS.ORGANIZATION_ID.eq(kept.value()))).isEqualTo(1);
    }

    @Test
    void checkConstraintsKeepExactlyTheValueOfTheType() {
        UUID org = db.createOrganization().value();
        // a text setting with an integer too
        assertThatThrownBy(() -> sql.insertInto(PROVIDER_SETTINGS)
                .set(PROVIDER_SETTINGS.ORGANIZATION_ID, org).set(PROVIDER_SETTINGS.PROVIDER, "scaleway")
                .set(PROVIDER_SETTINGS.KEY, "A").set(PROVIDER_SETTINGS.VALUE_TYPE, "text")
                .set(PROVIDER_SETTINGS.TEXT_VALUE, "x").set(PROVIDER_SETTINGS.INT_VALUE, 1L)
                .set(PROVIDER_SETTINGS.VERSION, 1L).execute())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("provider_settings_value_matches_type");
        // an integer setting holding text
        assertThatThrownBy(() -> sql.insertInto(PROVIDER_SETTINGS)
                .set(PROVIDER_SETTINGS.ORGANIZATION_ID, org).set(PROVIDER_SETTINGS.PROVIDER, "scaleway")
                .set(PROVIDER_SETTINGS.KEY, "A").set(PROVIDER_SETTINGS.VALUE_TYPE, "integer")
                .set(PROVIDER_SETTINGS.TEXT_VALUE, "x").set(PROVIDER_SETTINGS.VERSION, 1L).execute())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("provider_settings_value_matches_type");
        // a secret without its key id
        assertThatThrownBy(() -> sql.insertInto(PROVIDER_SETTINGS)
                .set(PROVIDER_SETTINGS.ORGANIZATION_ID, org).set(PROVIDER_SETTINGS.PROVIDER, "scaleway")
                .set(PROVIDER_SETTINGS.KEY, "A").set(PROVIDER_SETTINGS.VALUE_TYPE, "secret")
                .set(PROVIDER_SETTINGS.SECRET_CIPHERTEXT, new byte[]{1, 2}).set(PROVIDER_SETTINGS.VERSION, 1L).execute())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("provider_settings_value_matches_type");
        // malformed provider and key, unknown type, version 0
        assertThatThrownBy(() -> insertText(org, "Scaleway!", "A", "x"))
                .hasMessageContaining("provider_settings_provider_format");
        assertThatThrownBy(() -> insertText(org, "scaleway", "lower", "x"))
                .hasMessageContaining("provider_settings_key_format");
        assertThatThrownBy(() -> sql.insertInto(PROVIDER_SETTINGS)
                .set(PROVIDER_SETTINGS.ORGANIZATION_ID, org).set(PROVIDER_SETTINGS.PROVIDER, "scaleway")
                .set(PROVIDER_SETTINGS.KEY, "A").set(PROVIDER_SETTINGS.VALUE_TYPE, "float")
                .set(PROVIDER_SETTINGS.TEXT_VALUE, "1.5").set(PROVIDER_SETTINGS.VERSION, 1L).execute())
                .hasMessageContaining("provider_settings_value_type_known");
        assertThatThrownBy(() -> sql.insertInto(PROVIDER_SETTINGS)
                .set(PROVIDER_SETTINGS.ORGANIZATION_ID, org).set(PROVIDER_SETTINGS.PROVIDER, "scaleway")
                .set(PROVIDER_SETTINGS.KEY, "A").set(PROVIDER_SETTINGS.VALUE_TYPE, "text")
                .set(PROVIDER_SETTINGS.TEXT_VALUE, "x").set(PROVIDER_SETTINGS.VERSION, 0L).execute())
                .hasMessageContaining("provider_settings_version_positive");
        assertThat(sql.fetchCount(PROVIDER_SETTINGS, PROVIDER_SETTINGS.ORGANIZATION_ID.eq(org))).isZero();
    }

    @Test
    void indexesOfThePlanExist() {
        var indexes = sql.resultQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = 'provider_settings'",
                db.schema()).fetch(0, String.class);
        assertThat(indexes).anyMatch(d -> d.contains("UNIQUE") && d.contains("(provider, key, organization_id)"));
        assertThat(indexes).anyMatch(d -> d.endsWith("(organization_id)"));
        assertThat(indexes).anyMatch(d -> d.endsWith("(provider, organization_id)"));
        assertThat(Arrays.asList(PROVIDER_SETTINGS.getIndexes().toArray())).isNotEmpty();
    }

    @Test
    void migrationsAreRecordedInTheLibrarysOwnHistoryTable() {
        var versions = sql.resultQuery("SELECT version FROM " + db.schema() + "." + PostgresMigrations.HISTORY_TABLE
                + " WHERE success ORDER BY installed_rank").fetch(0, String.class);
        assertThat(versions).contains("1", "2", "3", "4");
        // a second run applies nothing
        assertThat(PostgresMigrations.builder().dataSource(db.dataSource()).schema(db.schema())
                .createOrganizationsTable(true).build().migrate()).isZero();
    }

    private void insertText(UUID org, String provider, String key, String value) {
        sql.insertInto(PROVIDER_SETTINGS)
                .set(PROVIDER_SETTINGS.ORGANIZATION_ID, org).set(PROVIDER_SETTINGS.PROVIDER, provider)
                .set(PROVIDER_SETTINGS.KEY, key).set(PROVIDER_SETTINGS.VALUE_TYPE, "text")
                .set(PROVIDER_SETTINGS.TEXT_VALUE, value).set(PROVIDER_SETTINGS.VERSION, 1L).execute();
    }
}
