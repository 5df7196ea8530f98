package dev.providersettings.postgres;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.util.UUID;

/**
 * The host's organizations table as queries use it: aliased {@code o}, with its uuid key column.
 *
 * @param quotedName the table's name as SQL, for messages ({@code "App"."Orgs"})
 * @param table      the table, aliased {@code o}
 * @param id         its key column
 */
record HostOrganizations(String quotedName, Table<?> table, Field<UUID> id) {
    static HostOrganizations of(PostgresSchemaOptions options) {
        return new HostOrganizations(options.quotedOrganizationsTable(),
                DSL.table(DSL.name(options.organizationsTableParts())).as("o"),
                DSL.field(DSL.name("o", options.organizationsIdColumn()), SQLDataType.UUID));
    }
}
