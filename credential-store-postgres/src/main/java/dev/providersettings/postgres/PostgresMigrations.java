package dev.providersettings.postgres;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.postgres.internal.Identifiers;
import dev.providersettings.postgres.internal.SqlErrors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The credential store's schema migrations (Flyway, shipped in this jar under {@value #LOCATION}).
 *
 * <p>They keep their own history table ({@value #HISTORY_TABLE}), so they coexist with the host's own Flyway
 * migrations in the same database and schema. Hosts that run Flyway themselves can instead add {@value #LOCATION}
 * to a separate Flyway instance with the placeholders listed in {@link #placeholders()}.
 *
 * <pre>{@code
 * PostgresMigrations.builder().dataSource(pool).organizationsTable("tenants", "tenant_id").build().migrate();
 * }</pre>
 */
public final class PostgresMigrations {
    /** Where the migration scripts live on the classpath. */
    public static final String LOCATION = "classpath:db/provider-settings/migration";
    /** The library's own Flyway history table. */
    public static final String HISTORY_TABLE = "provider_settings_schema_history";
    /**
     * The opt-in location that enables row-level security on the settings and audit tables (a repeatable migration
     * applied after those of {@value #LOCATION}, which create the policies). See {@link Builder#rowLevelSecurity}.
     */
    public static final String ROW_LEVEL_SECURITY_LOCATION = "classpath:db/provider-settings/row-level-security";
    /** The transaction-local setting naming the organization whose rows row-level security lets through. */
    public static final String ORGANIZATION_SETTING = "provider_settings.organization_id";
    /** The transaction-local setting that, when {@code on}, lets a maintenance operation through to every row. */
    public static final String MAINTENANCE_SETTING = "provider_settings.maintenance";
    /**
     * The transaction-local setting with which the store marks a transaction whose deletes it audits itself; the
     * trigger that audits deletes made outside the store (an organization deleted, cascading) skips them.
     */
    public static final String LIBRARY_AUDIT_SETTING = "provider_settings.library_audit";
    /** The NOTIFY channel the triggers publish changes on. */
    public static final String CHANNEL = "provider_settings_changed";

    private final DataSource dataSource;
    private final String schema;
    private final List<String> organizationsTable;
    private final String organizationsIdColumn;
    private final boolean createOrganizationsTable;
    private final boolean rowLevelSecurity;

    private PostgresMigrations(Builder builder) {
        this.dataSource = Objects.requireNonNull(builder.dataSource, "dataSource");
        this.schema = builder.schema;
        this.organizationsIdColumn = builder.organizationsIdColumn;
        this.createOrganizationsTable = builder.createOrganizationsTable;
        this.rowLevelSecurity = builder.rowLevelSecurity;
        this.organizationsTable = qualify(schema, builder.organizationsTable);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Qualifies an unqualified organizations table with the library's schema, so that migrations and queries
     * agree on it whatever the connection's search path is.
     */
    static List<String> qualify(String schema, String table) {
        List<String> parts = Identifiers.checkQualified("organizations table", table);
        return parts.size() == 1 && schema != null ? List.of(schema, parts.get(0)) : parts;
    }

    /**
     * The Flyway placeholders the scripts use, with this configuration's values. Identifiers are double-quoted
     * ({@code "App"."Orgs"}, {@code "id"}), so names are used exactly as configured, case included.
     */
    public Map<String, String> placeholders() {
        return Map.of(
                "organizations_table", Identifiers.quote(organizationsTable),
                "organizations_id_column", Identifiers.quote(organizationsIdColumn),
                "create_organizations_table", Boolean.toString(createOrganizationsTable));
    }

    /**
     * Applies pending migrations (creating the schema if one is configured and missing).
     *
     * @return how many migrations were applied
     * @throws dev.providersettings.exception.CredentialStoreUnavailableException if the database cannot be reached
     * @throws ConfigurationException if a migration fails (e.g. the organizations table does not exist)
     */
    public int migrate() {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations(rowLevelSecurity ? new String[]{LOCATION, ROW_LEVEL_SECURITY_LOCATION} : new String[]{LOCATION})
                // A run without the row-level security location after one with it must not fail validation: the
                // repeatable migration that enabled it is then simply not resolved (disabling is a manual step).
                .ignoreMigrationPatterns("*:future", "repeatable:missing")
                .table(HISTORY_TABLE)
                // The host's tables already live in the schema; our own history table decides what is pending.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(placeholders());
        if (schema != null) {
            configuration = configuration.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        try {
            MigrateResult result = configuration.load().migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            if (SqlErrors.isUnavailable(e)) {
                throw SqlErrors.translate("migration", e);
            }
            throw new ConfigurationException("the provider-settings migrations failed: " + e.getMessage()
                    + "; check that the organizations table " + Identifiers.quote(organizationsTable) + "(" + organizationsIdColumn
                    + ") exists with a uuid key, or enable createOrganizationsTable(true)", e);
        }
    }

    /** Builder of {@link PostgresMigrations}. */
    public static final class Builder {
        private DataSource dataSource;
        private String schema;
        private String organizationsTable = "organizations";
        private String organizationsIdColumn = "id";
        private boolean createOrganizationsTable;
        private boolean rowLevelSecurity;

        private Builder() {
        }

        /** The database to migrate (required). */
        public Builder dataSource(DataSource value) {
            this.dataSource = value;
            return this;
        }

        /**
         * The schema of the library's tables (created if missing); default: the connection's current schema. The name
         * is used exactly as given, case included ({@code App} is the schema {@code "App"}).
         */
        public Builder schema(String value) {
            this.schema = value == null ? null : Identifiers.check("schema", value);
            return this;
        }

        /**
         * The host's organizations table and its uuid key column (default {@code organizations(id)}). An unqualified
         * name lives in {@link #schema(String)} when one is set; qualify it ({@code public.organizations}) otherwise.
         */
        public Builder organizationsTable(String table, String idColumn) {
            Identifiers.checkQualified("organizations table", table);
            this.organizationsTable = table;
            this.organizationsIdColumn = Identifiers.check("organizations id column", idColumn);
            return this;
        }

        /** Whether to create a minimal organizations table when it does not exist (hosts without one; default false). */
        public Builder createOrganizationsTable(boolean value) {
            this.createOrganizationsTable = value;
            return this;
        }

        /**
         * Whether to also apply {@value PostgresMigrations#ROW_LEVEL_SECURITY_LOCATION}: enables (and forces) row-level security on
         * {@code provider_settings} and {@code provider_settings_audit}, so a role without {@code BYPASSRLS} sees
         * only the rows of the organization its transaction set. Every store on this schema must then be built with
         * {@link PostgresCredentialStore.Builder#rowLevelSecurity(boolean) rowLevelSecurity(true)}. Default false.
         * Turning it off again is manual ({@code ALTER TABLE ... NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL
         * SECURITY}); see the module README.
         */
        public Builder rowLevelSecurity(boolean value) {
            this.rowLevelSecurity = value;
            return this;
        }

        /** The migrations. */
        public PostgresMigrations build() {
            if (dataSource == null) {
                throw new ConfigurationException("PostgresMigrations needs a DataSource: call dataSource(...)");
            }
            return new PostgresMigrations(this);
        }
    }
}
