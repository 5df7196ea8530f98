package dev.providersettings.postgres;

import dev.providersettings.postgres.internal.Transactions;
import dev.providersettings.postgres.internal.UnnamedStatements;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.SQLDataType;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * How the store talks to the database: every statement unnamed on a pooled connection ({@link UnnamedStatements}),
 * transactions begun and ended as plain SQL ({@link Transactions}), both safe behind a transaction pooler; and, with
 * row-level security, every transaction and every read declaring its {@link Scope} first. Queries are rendered for
 * the configured schema (the jOOQ classes are generated from schema {@code public}).
 */
final class ScopedTransactions {
    /**
     * Declares the transaction's rows for the row-level security policies ({@code V5__row_level_security_policies}).
     * Both variables are set every time, transaction-local ({@code is_local = true}), so nothing carries over to the
     * next user of a pooled connection.
     */
    private static final String SET_SCOPE = "select set_config('" + PostgresMigrations.ORGANIZATION_SETTING
            + "', {0}, true), set_config('" + PostgresMigrations.MAINTENANCE_SETTING + "', {1}, true)";
    private static final String SET_SCOPE_SQL = "select set_config('" + PostgresMigrations.ORGANIZATION_SETTING
            + "', ?, true), set_config('" + PostgresMigrations.MAINTENANCE_SETTING + "', ?, true)";
    /**
     * Custom plans for the rest of the transaction, for statements with array parameters ({@code = any(?)}) over
     * many organizations. Once pgjdbc prepares a statement server-side (from its fifth execution on a connection),
     * Postgres may switch to a generic plan costed on the table's statistics at that time; when they say "empty" (a
     * first seeding, or {@code TRUNCATE} + {@code ANALYZE}) while the table holds thousands of rows, the generic plan
     * scans the whole table for every organization. Planning each execution costs little for these statements.
     */
    private static final String CUSTOM_PLAN = "set_config('plan_cache_mode', 'force_custom_plan', true)";
    private static final String CUSTOM_PLAN_SQL = "select " + CUSTOM_PLAN;
    private static final String SET_SCOPE_CUSTOM_PLAN_SQL = SET_SCOPE_SQL + ", " + CUSTOM_PLAN;
    /**
     * Marks a transaction whose deletes the store audits itself (with the caller's actor), so that the trigger
     * auditing deletes made outside the store ({@code V7__truncate_notification_and_outside_deletes_audit}) does not
     * write them twice. Transaction-local, like the scope.
     */
    static final Field<String> LIBRARY_AUDIT = DSL.field("set_config('"
            + PostgresMigrations.LIBRARY_AUDIT_SETTING + "', 'on', true)", SQLDataType.CLOB);

    private final DSLContext dsl;
    private final Transactions transactions;
    private final boolean rowLevelSecurity;

    ScopedTransactions(DataSource dataSource, PostgresSchemaOptions options) {
        this.rowLevelSecurity = options.rowLevelSecurity();
        String schema = options.schema();
        Settings settings = new Settings()
                .withExecuteLogging(false) // bind values (ciphertext) stay out of logs
                .withRenderSchema(schema != null);
        if (schema != null) {
            settings = settings.withRenderMapping(new RenderMapping()
                    .withSchemata(new MappedSchema().withInput("public").withOutput(schema)));
        }
        Configuration configuration = new DefaultConfiguration()
                .set(new UnnamedStatements(dataSource))
                .set(SQLDialect.POSTGRES)
                .set(settings);
        this.dsl = DSL.using(configuration);
        this.transactions = new Transactions(dsl);
    }

    /** Queries outside a transaction of the store's own (no scope: only where row-level security does not apply). */
    DSLContext dsl() {
        return dsl;
    }

    boolean rowLevelSecurity() {
        return rowLevelSecurity;
    }

    /**
     * Runs {@code work} in one transaction on one pooled connection after declaring its scope and, with
     * {@code customPlans} (statements binding arrays over many organizations), custom plans ({@link #CUSTOM_PLAN});
     * one statement for both, none when there is nothing to declare. Commits if {@code work} returns, rolls back if
     * it throws.
     */
    <T> T inTransaction(Scope scope, boolean customPlans, Function<DSLContext, T> work) {
        return transactions.run(tx -> {
            if (rowLevelSecurity) {
                tx.fetch(customPlans ? SET_SCOPE + ", " + CUSTOM_PLAN : SET_SCOPE,
                        DSL.val(scope.organization()), DSL.val(scope.maintenance()));
            } else if (customPlans) {
                tx.fetch(CUSTOM_PLAN_SQL);
            }
            return work.apply(tx);
        });
    }

    /**
     * What a read of one organization ({@code bulk} false) or of many must run before its select in the same
     * execution (see {@link #fetch}): the scope's two parameters with row-level security, custom plans for a bulk
     * read; null when nothing.
     */
    String readPrefix(boolean bulk) {
        return rowLevelSecurity ? (bulk ? SET_SCOPE_CUSTOM_PLAN_SQL : SET_SCOPE_SQL) : (bulk ? CUSTOM_PLAN_SQL : null);
    }

    /**
     * Runs a read. With row-level security the scope is set in the same round trip and the same (implicit)
     * transaction: two statements in one JDBC execution ({@code select set_config(...); select ...}), which pgjdbc
     * sends before a single Sync, so Postgres runs them in order inside one transaction and the transaction-local
     * setting is gone afterwards. (A single statement cannot do it reliably: Postgres does not promise to evaluate a
     * {@code set_config} in one part of a query before the policy's {@code current_setting} in another.) The select
     * is rendered by jOOQ but bound and read with plain JDBC and its typed fields, which costs less client CPU than
     * jOOQ's plain-SQL multi-result path ({@code fetchMany}).
     */
    List<? extends Record> fetch(Scope scope, Select<? extends Record> query) {
        if (!rowLevelSecurity) {
            return query.fetch();
        }
        List<Object> binds = new ArrayList<>();
        binds.add(scope.organization());
        binds.add(scope.maintenance());
        binds.addAll(query.getBindValues());
        Field<?>[] fields = query.getSelect().toArray(Field<?>[]::new);
        return execute(SET_SCOPE_SQL + "; " + dsl.render(query), binds.toArray(), true,
                rows -> DSL.using(SQLDialect.POSTGRES, dsl.settings()).fetch(rows, fields));
    }

    /** Reads a result set. */
    @FunctionalInterface
    interface RowsReader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /**
     * Runs {@code sql} with plain JDBC, in one execution, and reads its last result with {@code reader}. With
     * {@code prefixed}, {@code sql} is {@code <prefix>; <select>} and the prefix's result is skipped (see
     * {@link #fetch(Scope, Select)} for why both run in one transaction). Arrays are bound as Postgres arrays.
     */
    <T> T execute(String sql, Object[] binds, boolean prefixed, RowsReader<T> reader) {
        return dsl.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int index = 1;
                for (Object bind : binds) {
                    if (bind instanceof UUID[] uuids) {
                        statement.setArray(index++, connection.createArrayOf("uuid", uuids));
                    } else if (bind instanceof String[] strings) {
                        statement.setArray(index++, connection.createArrayOf("text", strings));
                    } else {
                        statement.setObject(index++, bind);
                    }
                }
                statement.execute();
                if (prefixed) {
                    statement.getResultSet().close();
                    if (!statement.getMoreResults()) {
                        throw new IllegalStateException("the prefixed read returned no second result set");
                    }
                }
                try (ResultSet rows = statement.getResultSet()) {
                    return reader.read(rows);
                }
            }
        });
    }

    /** Sends {@code NOTIFY} through the pool (another session than the change feed's, like a real write). */
    void sendNotification(String channel, String payload) {
        dsl.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select pg_notify(?, ?)")) {
                statement.setString(1, channel);
                statement.setString(2, payload);
                statement.execute();
            }
            return null;
        });
    }
}
