package dev.providersettings.spring;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.abbreviate;
import static dev.providersettings.spring.PropertyChecks.IDENTIFIER;
import static dev.providersettings.spring.PropertyChecks.QUALIFIED;

/** The Postgres credential store built on the application's DataSource. */
public class StoreProperties {
    /** Whether the library's Flyway migrations run on start-up (own history table provider_settings_schema_history). */
    private boolean migrate = true;
    /** The schema of the library's tables; default: the connection's search path. */
    private String schema;
    /** The host's organizations table (optionally schema-qualified) that provider_settings references. */
    private String organizationsTable = "organizations";
    /** The uuid key column of the organizations table. */
    private String organizationsIdColumn = "id";
    /** With migrate: create a minimal organizations table if the host has none. */
    private boolean createOrganizationsTable;
    /** Opt-in Postgres row-level security: every statement declares the organization whose rows it may touch. */
    private boolean rowLevelSecurity;

    public boolean isMigrate() {
        return migrate;
    }

    public void setMigrate(boolean migrate) {
        this.migrate = migrate;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public String getOrganizationsTable() {
        return organizationsTable;
    }

    public void setOrganizationsTable(String organizationsTable) {
        this.organizationsTable = organizationsTable;
    }

    public String getOrganizationsIdColumn() {
        return organizationsIdColumn;
    }

    public void setOrganizationsIdColumn(String organizationsIdColumn) {
        this.organizationsIdColumn = organizationsIdColumn;
    }

    public boolean isCreateOrganizationsTable() {
        return createOrganizationsTable;
    }

    public void setCreateOrganizationsTable(boolean createOrganizationsTable) {
        this.createOrganizationsTable = createOrganizationsTable;
    }

    public boolean isRowLevelSecurity() {
        return rowLevelSecurity;
    }

    public void setRowLevelSecurity(boolean rowLevelSecurity) {
        this.rowLevelSecurity = rowLevelSecurity;
    }

    void validate() {
        if (schema != null && !IDENTIFIER.matcher(schema).matches()) {
            throw invalid("store.schema", "'" + abbreviate(schema) + "' is not a plain SQL identifier",
                    "use letters, digits and '_' (at most 63), e.g. provider_settings, or remove it to use the search path");
        }
        if (organizationsTable == null || !QUALIFIED.matcher(organizationsTable).matches()) {
            throw invalid("store.organizations-table", "'" + abbreviate(organizationsTable)
                    + "' is not a table name", "use a name such as organizations or public.organizations");
        }
        if (organizationsIdColumn == null || !IDENTIFIER.matcher(organizationsIdColumn).matches()) {
            throw invalid("store.organizations-id-column", "'" + abbreviate(organizationsIdColumn)
                    + "' is not a column name", "use the uuid key column of the organizations table, e.g. id");
        }
        if (createOrganizationsTable && !migrate) {
            throw invalid("store.create-organizations-table", "is true while provider-settings.store.migrate is false",
                    "enable provider-settings.store.migrate, or create the organizations table yourself");
        }
    }
}
