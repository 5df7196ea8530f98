package dev.providersettings.spring;

import dev.providersettings.postgres.PostgresSchemaOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code provider-settings.store.*} properties become the one options value the migrations and the store share. */
class SchemaOptionsFromPropertiesTest {

    @Test
    void defaultPropertiesAreTheDefaultOptions() {
        assertThat(ProviderSettingsAutoConfiguration.schemaOptions(new StoreProperties()))
                .isEqualTo(PostgresSchemaOptions.defaults());
    }

    @Test
    void everySchemaPropertyReachesTheOptions() {
        StoreProperties store = new StoreProperties();
        store.setSchema("App");
        store.setOrganizationsTable("Host.Tenants");
        store.setOrganizationsIdColumn("TenantId");
        store.setCreateOrganizationsTable(true);
        store.setRowLevelSecurity(true);
        assertThat(ProviderSettingsAutoConfiguration.schemaOptions(store)).isEqualTo(PostgresSchemaOptions.defaults()
                .withSchema("App").withOrganizationsTable("Host.Tenants", "TenantId")
                .withCreateOrganizationsTable(true).withRowLevelSecurity(true));
    }
}
