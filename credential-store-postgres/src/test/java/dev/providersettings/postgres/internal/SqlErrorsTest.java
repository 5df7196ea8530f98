package dev.providersettings.postgres.internal;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** One place classifies database failures; these are its rules. */
class SqlErrorsTest {

    private static RuntimeException wrapped(SQLException e) {
        return new DataAccessException("jOOQ wrapper", e);
    }

    @Test
    void connectionFailuresAreUnavailable() {
        for (String state : new String[]{"08001", "08006", "08003", "57P01", "57P02", "57P03", "53300"}) {
            RuntimeException translated = SqlErrors.translate("load", wrapped(new SQLException("boom", state)));
            assertThat(translated).as(state).isInstanceOf(CredentialStoreUnavailableException.class);
            assertThat(translated.getCause()).as("the driver's exception is the cause").isInstanceOf(SQLException.class);
            assertThat(((ProviderSettingsException) translated).isRetryable()).isTrue();
        }
        // HikariCP's "connection is not available, request timed out" and a refused socket
        assertThat(SqlErrors.translate("load", new SQLTransientConnectionException("pool timeout")))
                .isInstanceOf(CredentialStoreUnavailableException.class);
        assertThat(SqlErrors.translate("load", new RuntimeException(new ConnectException("refused"))))
                .isInstanceOf(CredentialStoreUnavailableException.class);
    }

    @Test
    void racesAreRetryableAndForeignKeysAreRecognized() {
        assertThat(SqlErrors.isRetryableConflict(wrapped(new SQLException("dup", "23505")))).isTrue();
        assertThat(SqlErrors.isRetryableConflict(wrapped(new SQLException("deadlock", "40P01")))).isTrue();
        assertThat(SqlErrors.isRetryableConflict(wrapped(new SQLException("serialization", "40001")))).isTrue();
        assertThat(SqlErrors.isRetryableConflict(wrapped(new SQLException("check", "23514")))).isFalse();
        assertThat(SqlErrors.isForeignKeyViolation(wrapped(new SQLException("fk", "23503")))).isTrue();
        assertThat(SqlErrors.isUnavailable(wrapped(new SQLException("dup", "23505")))).isFalse();
    }

    @Test
    void missingTablesAskForMigrationsAndOtherFailuresKeepTheirState() {
        assertThat(SqlErrors.translate("load", wrapped(new SQLException("relation does not exist", "42P01"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("run the migrations");
        RuntimeException other = SqlErrors.translate("save", wrapped(new SQLException(
                "Failing row contains (secret-looking-row-data)", "23514")));
        assertThat(other).isExactlyInstanceOf(ProviderSettingsException.class)
                .hasMessageContaining("23514")
                .hasMessageNotContaining("secret-looking-row-data");
    }

    @Test
    void preparedStatementAndProtocolErrorsAreAPoolerMisconfigurationNotAnOutage() {
        String[][] cases = {
                {"26000", "ERROR: prepared statement \"S_2\" does not exist"},
                {"42P05", "ERROR: prepared statement \"S_1\" already exists"},
                {"08P01", "ERROR: bind message supplies 2 parameters, but prepared statement \"S_1\" requires 1"},
        };
        for (String[] c : cases) {
            SQLException driver = new SQLException(c[1], c[0]);
            assertThat(SqlErrors.isUnavailable(wrapped(driver))).as(c[0]).isFalse();
            RuntimeException translated = SqlErrors.translate("load of provider scaleway", wrapped(driver));
            assertThat(translated).as(c[0]).isExactlyInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("SQLState " + c[0]).hasMessageContaining("prepareThreshold=0")
                    .hasMessageContaining("PgBouncer").hasMessageContaining("direct URL")
                    .hasMessageNotContaining("S_1").hasMessageNotContaining("S_2");
            assertThat(((ProviderSettingsException) translated).isRetryable()).isFalse();
            assertThat(translated.getCause()).isSameAs(driver);
        }
    }

    @Test
    void libraryExceptionsPassThrough() {
        VersionConflictException conflict = new VersionConflictException(OrganizationId.random(), ProviderCode.of("scaleway"),
                "A", 1, 2);
        assertThat(SqlErrors.translate("save", conflict)).isSameAs(conflict);
    }
}
