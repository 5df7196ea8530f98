package dev.providersettings.postgres;

import java.util.Objects;

/**
 * The schema options of {@link PostgresMigrations.Builder} and {@link PostgresCredentialStore.Builder}, declared once
 * for both: one {@link PostgresSchemaOptions} value, and a shortcut per option that changes that option of the value.
 *
 * @param <B> the builder
 */
abstract class SchemaOptionsBuilder<B extends SchemaOptionsBuilder<B>> {
    private PostgresSchemaOptions options = PostgresSchemaOptions.defaults();

    SchemaOptionsBuilder() {
    }

    /**
     * Where the library's tables are and how they are protected (default {@link PostgresSchemaOptions#defaults()});
     * give the migrations and the store the same value. Replaces every schema option set before; the shortcuts
     * change one option.
     */
    public B schemaOptions(PostgresSchemaOptions value) {
        this.options = Objects.requireNonNull(value, "schemaOptions");
        return self();
    }

    /** Shortcut for {@link PostgresSchemaOptions#withSchema(String)}. */
    public B schema(String value) {
        return schemaOptions(options.withSchema(value));
    }

    /** Shortcut for {@link PostgresSchemaOptions#withOrganizationsTable(String, String)}. */
    public B organizationsTable(String table, String idColumn) {
        return schemaOptions(options.withOrganizationsTable(table, idColumn));
    }

    /** Shortcut for {@link PostgresSchemaOptions#withCreateOrganizationsTable(boolean)}. */
    public B createOrganizationsTable(boolean value) {
        return schemaOptions(options.withCreateOrganizationsTable(value));
    }

    /** Shortcut for {@link PostgresSchemaOptions#withRowLevelSecurity(boolean)}. */
    public B rowLevelSecurity(boolean value) {
        return schemaOptions(options.withRowLevelSecurity(value));
    }

    /** The schema options set so far. */
    PostgresSchemaOptions options() {
        return options;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
