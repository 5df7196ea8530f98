package dev.providersettings.postgres.internal;

import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Hands out the pool's connections with pgjdbc's server-side prepared statements switched off for as long as the store
 * uses them ({@code prepareThreshold} 0: every statement is parsed into the unnamed statement of its own round trip),
 * and restores the connection's own threshold when it goes back to the pool.
 *
 * <p>Why: behind a pooler in transaction mode (PgBouncer before 1.21, or without {@code max_prepared_statements})
 * consecutive transactions of one client connection run on different server connections. A named statement
 * ({@code S_2}) prepared on one is missing on the next ({@code 26000}), or another client's statement of the same name
 * runs instead, with other SQL: a lookup of an existing organization then answered "does not exist". Unnamed
 * statements carry their SQL in every round trip and cannot be confused. The transaction commands must be unnamed too,
 * which is why the store also runs {@code BEGIN}/{@code COMMIT} itself ({@link Transactions}): pgjdbc's own
 * {@code commit()} reuses a named {@code COMMIT} the connection may have prepared for the host.
 */
public final class UnnamedStatements implements ConnectionProvider {
    private final DataSource dataSource;
    private final Map<Connection, Integer> previousThresholds = Collections.synchronizedMap(new IdentityHashMap<>());

    public UnnamedStatements(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection acquire() {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new DataAccessException("could not get a connection from the pool", e);
        }
        try {
            PGConnection pg = pgConnection(connection);
            if (pg != null && pg.getPrepareThreshold() != 0) {
                previousThresholds.put(connection, pg.getPrepareThreshold());
                pg.setPrepareThreshold(0);
            }
            endLeftoverTransaction(connection);
            return connection;
        } catch (SQLException | RuntimeException e) {
            close(connection, e);
            throw new DataAccessException("could not switch off server-side prepared statements", asSql(e));
        }
    }

    @Override
    public void release(Connection connection) {
        try {
            Integer previous = previousThresholds.remove(connection);
            if (previous != null && !connection.isClosed()) {
                pgConnection(connection).setPrepareThreshold(previous);
            }
        } catch (SQLException e) {
            // the pool validates the connection before its next use; closing it below is all that is left to do
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing returns it to the pool; a failure here leaves nothing for the store to clean up
            }
        }
    }

    /**
     * A connection may come back from the pool inside a transaction, typically a failed one ({@code 25P02}): when the
     * host's own {@code ROLLBACK}, sent by pgjdbc as a named statement, failed behind a transaction pooler. The store
     * ends it (an unnamed {@code ROLLBACK}; pgjdbc knows the state from the server's last ReadyForQuery, so an idle
     * connection costs no round trip) instead of failing on it.
     */
    private static void endLeftoverTransaction(Connection connection) throws SQLException {
        if (connection.isWrapperFor(BaseConnection.class)
                && connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK");
            }
        }
    }

    /** The pgjdbc connection under the pool's proxy, or null for another driver (nothing to switch off then). */
    private static PGConnection pgConnection(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class) ? connection.unwrap(PGConnection.class) : null;
    }

    private static void close(Connection connection, Exception cause) {
        try {
            connection.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static SQLException asSql(Exception e) {
        return e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
    }
}
