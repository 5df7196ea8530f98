package dev.providersettings.examples.orchestrator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Minimal JDBC plumbing: run work on a connection, or in one transaction (all or nothing). */
final class Sql {

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Sql() {
    }

    /** Runs {@code work} on a connection in auto-commit mode. */
    static <T> T withConnection(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new HostDatabaseException("host database error: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new HostDatabaseException("host database error: " + e.getMessage(), e);
        }
    }

    /** The host database failed (not the credential store: that one throws the library's exceptions). */
    static final class HostDatabaseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HostDatabaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
