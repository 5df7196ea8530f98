package dev.providersettings.postgres.internal;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;

/**
 * Transactions run with {@code BEGIN} and {@code COMMIT}/{@code ROLLBACK} sent as plain SQL on a connection in
 * auto-commit mode, instead of JDBC's {@code setAutoCommit(false)}/{@code commit()}: pgjdbc executes its own
 * transaction commands as named prepared statements once the connection's prepare threshold allows it (the default),
 * and those are unsafe behind a transaction pooler (see {@link UnnamedStatements}). A plain {@link Statement} is always
 * sent unnamed.
 */
public final class Transactions {
    private final DSLContext dsl;
    private final Settings settings;

    public Transactions(DSLContext dsl) {
        this.dsl = dsl;
        this.settings = dsl.settings();
    }

    /** Runs {@code work} in one transaction on one pooled connection; commits if it returns, rolls back if it throws. */
    public <T> T run(Function<DSLContext, T> work) {
        return dsl.connectionResult(connection -> {
            boolean autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                // a pool handing out connections without auto-commit: pgjdbc would start its own transaction
                connection.setAutoCommit(true);
            }
            try {
                sql(connection, "BEGIN");
                T result;
                try {
                    result = work.apply(DSL.using(connection, SQLDialect.POSTGRES, settings));
                } catch (RuntimeException | Error e) {
                    rollback(connection, e);
                    throw e;
                }
                try {
                    sql(connection, "COMMIT");
                } catch (SQLException e) {
                    rollback(connection, e);
                    throw new DataAccessException("commit failed", e);
                }
                return result;
            } finally {
                if (!autoCommit) {
                    connection.setAutoCommit(false);
                }
            }
        });
    }

    private static void sql(Connection connection, String command) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(command);
        }
    }

    /** Ends a failed transaction; a connection too broken for that is discarded by the pool's validation. */
    private static void rollback(Connection connection, Throwable failure) {
        try {
            sql(connection, "ROLLBACK");
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
