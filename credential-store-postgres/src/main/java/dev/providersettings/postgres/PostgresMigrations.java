package dev.providersettings.postgres;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.postgres.internal.Identifiers;
import dev.providersettings.postgres.internal.SqlErrors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
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
     * applied after those of {@value #LOCATION}, which create the policies). See
     * {@link PostgresSchemaOptions#rowLevelSecurity()}.
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
    private final PostgresSchemaOptions options;

    private PostgresMigrations(Builder builder) {
        this.dataSource = Objects.requireNonNull(builder.dataSource, "dataSource");
        this.options = builder.options();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The schema options these migrations apply. */
    public PostgresSchemaOptions schemaOptions() {
        return options;
    }

    /**
     * The Flyway placeholders the scripts use, with this configuration's values. Identifiers are double-quoted
     * ({@code "App"."Orgs"}, {@code "id"}), so names are used exactly as configured, case included.
     */
    public Map<String, String> placeholders() {
        return Map.of(
                "organizations_table", options.quotedOrganizationsTable(),
                "organizations_id_column", Identifiers.quote(options.organizationsIdColumn()),
                "create_organizations_table", Boolean.toString(options.createOrganizationsTable()));
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
                .locations(options.rowLevelSecurity() ? new String[]{LOCATION, ROW_LEVEL_SECURITY_LOCATION} : new String[]{LOCATION})
                // A run without the row-level security location after one with it must not fail validation: the
                // repeatable migration that enabled it is then simply not resolved (disabling is a manual step).
                .ignoreMigrationPatterns("*:future", "repeatable:missing")
                .table(HISTORY_TABLE)
                // The host's tables already live in the schema; our own history table decides what is pending.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(placeholders());
        if (options.schema() != null) {
            configuration = configuration.schemas(options.schema()).defaultSchema(options.schema()).createSchemas(true);
        }
        try {
            MigrateResult result = configuration.load().migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            if (SqlErrors.isUnavailable(e)) {
                throw SqlErrors.translate("migration", e);
            }
            throw new ConfigurationException("the provider-settings migrations failed: " + e.getMessage()
                    + "; check that the organizations table " + options.quotedOrganizationsTable() + "(" + options.organizationsIdColumn()
                    + ") exists with a uuid key, or enable createOrganizationsTable(true)", e);
        }
    }

    /** Builder of {@link PostgresMigrations}. */
    public static final class Builder extends SchemaOptionsBuilder<Builder> {
        private DataSource dataSource;

        private Builder() {
        }

        /** The database to migrate (required). */
        public Builder dataSource(DataSource value) {
            this.dataSource = value;
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
