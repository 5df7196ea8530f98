package dev.providersettings.postgres;

import dev.providersettings.postgres.internal.Identifiers;

import java.util.List;

/**
 * Where the store's tables live and how they are protected: the options that {@link PostgresMigrations} and
 * {@link PostgresCredentialStore} must agree on. Build one value and hand the same value to both builders
 * ({@link PostgresMigrations.Builder#schemaOptions(PostgresSchemaOptions)},
 * {@link PostgresCredentialStore.Builder#schemaOptions(PostgresSchemaOptions)}), so that the store reads exactly
 * the tables the migrations created.
 *
 * <p><b>Names</b> are taken exactly as written, case included, and always double-quoted in SQL: {@code App} is the
 * schema {@code "App"}, not {@code app}. Only letters, digits and {@code _} are accepted (starting with a letter or
 * {@code _}, at most 63 characters), so nothing needs escaping and nothing can be injected. A name written with its
 * own double quotes ({@code "App"}) is rejected with a message saying to drop them. Every invalid value throws
 * {@link dev.providersettings.exception.ConfigurationException} naming the option and the fix.
 *
 * <pre>{@code
 * PostgresSchemaOptions layout = PostgresSchemaOptions.defaults()
 *         .withSchema("provider_settings")
 *         .withOrganizationsTable("public.tenants", "tenant_id")
 *         .withRowLevelSecurity(true);
 * PostgresMigrations.builder().dataSource(pool).schemaOptions(layout).build().migrate();
 * PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(pool).schemaOptions(layout).build();
 * }</pre>
 *
 * @param schema                   the schema of the library's tables, created by the migrations if missing; null (the
 *                                 default) means the connection's current schema (its {@code search_path})
 * @param organizationsTable       the host's organizations table, {@code table} or {@code schema.table} (default
 *                                 {@code organizations}); an unqualified name lives in {@code schema} when one is
 *                                 set, else on the connection's search path
 * @param organizationsIdColumn    the organizations table's uuid key column that {@code provider_settings}
 *                                 references (default {@code id})
 * @param createOrganizationsTable whether the migrations create a minimal organizations table when there is none,
 *                                 for hosts without one (default false)
 * @param rowLevelSecurity         row-level security (default false): the migrations enable and force it on
 *                                 {@code provider_settings} and {@code provider_settings_audit} (the repeatable
 *                                 migration under {@value PostgresMigrations#ROW_LEVEL_SECURITY_LOCATION}), and the
 *                                 store declares in each transaction the organization it works on
 *                                 ({@value PostgresMigrations#ORGANIZATION_SETTING}) or, for cross-organization
 *                                 maintenance (bulk reads, {@code saveAll} over several organizations, the rewrap
 *                                 search), {@value PostgresMigrations#MAINTENANCE_SETTING} {@code = on}; a role
 *                                 without {@code BYPASSRLS} then sees and writes no other rows. Every store on a
 *                                 schema migrated with it must have it too. Turning it off again is manual
 *                                 ({@code ALTER TABLE ... NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY}).
 *                                 Cost: a {@code load} stays one round trip; a write transaction gains one
 *                                 statement.
 */
public record PostgresSchemaOptions(String schema, String organizationsTable, String organizationsIdColumn,
                                    boolean createOrganizationsTable, boolean rowLevelSecurity) {
    private static final PostgresSchemaOptions DEFAULTS =
            new PostgresSchemaOptions(null, "organizations", "id", false, false);

    /** Validates every name (see the class description); throws {@code ConfigurationException} on a bad one. */
    public PostgresSchemaOptions {
        if (schema != null) {
            Identifiers.check("schema", schema);
        }
        Identifiers.checkQualified("organizations table", organizationsTable);
        Identifiers.check("organizations id column", organizationsIdColumn);
    }

    /** The defaults: the search path's schema, {@code organizations(id)}, nothing created, no row-level security. */
    public static PostgresSchemaOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another {@link #schema() schema} (null: the connection's search path). */
    public PostgresSchemaOptions withSchema(String value) {
        return new PostgresSchemaOptions(value, organizationsTable, organizationsIdColumn, createOrganizationsTable,
                rowLevelSecurity);
    }

    /** A copy with another {@link #organizationsTable() organizations table} and its {@link #organizationsIdColumn() key column}. */
    public PostgresSchemaOptions withOrganizationsTable(String table, String idColumn) {
        return new PostgresSchemaOptions(schema, table, idColumn, createOrganizationsTable, rowLevelSecurity);
    }

    /** A copy with {@link #createOrganizationsTable()} set. */
    public PostgresSchemaOptions withCreateOrganizationsTable(boolean value) {
        return new PostgresSchemaOptions(schema, organizationsTable, organizationsIdColumn, value, rowLevelSecurity);
    }

    /** A copy with {@link #rowLevelSecurity()} set. */
    public PostgresSchemaOptions withRowLevelSecurity(boolean value) {
        return new PostgresSchemaOptions(schema, organizationsTable, organizationsIdColumn, createOrganizationsTable,
                value);
    }

    /**
     * The organizations table's name parts, an unqualified name qualified with {@link #schema()} when one is set, so
     * that migrations and queries agree on it whatever the connection's search path is.
     */
    List<String> organizationsTableParts() {
        List<String> parts = Identifiers.checkQualified("organizations table", organizationsTable);
        return parts.size() == 1 && schema != null ? List.of(schema, parts.get(0)) : parts;
    }

    /** {@link #organizationsTableParts()} as SQL: each part double-quoted ({@code "App"."Orgs"}). */
    String quotedOrganizationsTable() {
        return Identifiers.quote(organizationsTableParts());
    }
}
