package dev.providersettings.postgres.internal;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.ProviderSettingsException;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Turns database failures into the library's exceptions. One place decides what "unavailable" means, so every
 * operation (and the change feed) classifies errors the same way.
 */
public final class SqlErrors {
    /** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");
    /**
     * invalid_sql_statement_name ({@code prepared statement "S_2" does not exist}), duplicate_prepared_statement,
     * protocol_violation ({@code bind message supplies 2 parameters, but prepared statement "S_1" requires 1}): what a
     * transaction pooler does to named prepared statements. Not an outage: retrying does not help, configuration does.
     */
    private static final Set<String> POOLER_STATES = Set.of("26000", "42P05", "08P01");
    /** unique_violation, deadlock_detected, serialization_failure: the transaction may be repeated. */
    private static final Set<String> RETRYABLE_STATES = Set.of("23505", "40P01", "40001");

    private SqlErrors() {
    }

    /** The SQLState of the first {@link SQLException} in the cause chain that has one, or null. */
    public static String sqlState(Throwable error) {
        SQLException sql = firstSqlException(error, true);
        return sql == null ? null : sql.getSQLState();
    }

    /** The first {@link SQLException} in the cause chain (with an SQLState if {@code withState}), or null. */
    private static SQLException firstSqlException(Throwable error, boolean withState) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (!withState || sql.getSQLState() != null)) {
                return sql;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * Whether the failure is a prepared-statement or protocol error, the signature of a transaction pooler (PgBouncer)
     * in front of a pool whose pgjdbc connections use server-side prepared statements.
     */
    public static boolean isPoolerMisconfiguration(Throwable error) {
        String state = sqlState(error);
        return state != null && POOLER_STATES.contains(state);
    }

    /** Whether the failure means the database cannot be reached (down, restarting, pool exhausted, network). */
    public static boolean isUnavailable(Throwable error) {
        if (isPoolerMisconfiguration(error)) {
            return false;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof SocketException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Whether repeating the whole transaction may succeed (a concurrent insert of the same key, a deadlock). */
    public static boolean isRetryableConflict(Throwable error) {
        // Set.of(...).contains(null) throws: a failure without SQLState (HikariCP's pool timeout) is no conflict.
        String state = sqlState(error);
        return state != null && RETRYABLE_STATES.contains(state);
    }

    /** Whether a foreign key was violated (an unknown organization). */
    public static boolean isForeignKeyViolation(Throwable error) {
        return "23503".equals(sqlState(error));
    }

    /**
     * Translates a failure of {@code operation}. Library exceptions pass through; the message never quotes the
     * database's own message, which may contain row data.
     */
    public static RuntimeException translate(String operation, Throwable failure) {
        if (failure instanceof ProviderSettingsException pse) {
            return pse;
        }
        // The driver's exception is the useful cause; jOOQ's wrapper around it adds nothing for callers.
        SQLException sql = firstSqlException(failure, false);
        Throwable error = sql != null ? sql : failure;
        if (isPoolerMisconfiguration(error)) {
            return new ConfigurationException("the Postgres credential store got a prepared-statement or protocol error"
                    + " during " + operation + " (SQLState " + sqlState(error) + "): a connection pooler in transaction"
                    + " mode (e.g. PgBouncer) sits between the pool and Postgres while the pool's connections use named"
                    + " server-side prepared statements; add prepareThreshold=0 to the pool's JDBC URL (or enable"
                    + " max_prepared_statements in PgBouncer 1.21+), and give the change feed a direct URL"
                    + " (see 'Connection poolers' in the credential-store-postgres README); retrying does not help", error);
        }
        if (isUnavailable(error)) {
            return new CredentialStoreUnavailableException("the Postgres credential store is unavailable during "
                    + operation + " (SQLState " + sqlState(error) + "): check that the database is up and reachable;"
                    + " the call may be retried and the store recovers by itself when the database is back", error);
        }
        String state = sqlState(error);
        if ("42P01".equals(state) || "3F000".equals(state) || "42703".equals(state)) {
            return new ConfigurationException("the provider-settings tables are missing or outdated during " + operation
                    + " (SQLState " + state + "): run the migrations (PostgresCredentialStore.builder().migrate(true) or"
                    + " PostgresMigrations) and check the configured schema", error);
        }
        return new ProviderSettingsException("the Postgres credential store failed during " + operation
                + " (SQLState " + state + "); see the cause", error);
    }
}
