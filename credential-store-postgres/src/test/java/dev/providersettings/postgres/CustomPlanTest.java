package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.secret;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generic-plan trap of bulk statements with array parameters: after {@code TRUNCATE} + {@code ANALYZE} the
 * statistics say "empty", and a statement that pgjdbc prepares server-side (from its fifth execution on a connection,
 * by default) may get a generic plan costed on them, which then stays while the table grows. The store's statements are
 * never prepared server-side (it switches pgjdbc's prepare threshold to 0 while it uses a connection, for transaction
 * poolers), so each is planned for its own parameters; it also asks for custom plans in its bulk transactions and bulk
 * reads. This test checks on the connection itself ({@code pg_prepared_statements}) that none of its statements stayed
 * prepared, and that the same statement text, prepared by pgjdbc's defaults, does switch to a generic plan.
 */
class CustomPlanTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final int ORGANIZATIONS = 3000;
    private static final int PER_CALL = 100;

    @Test
    void bulkStatementsWithArrayParametersAreNeverRunWithAGenericPlan() throws SQLException {
        List<OrganizationId> orgs = db.createOrganizations(ORGANIZATIONS);
        String settings = db.schema() + ".provider_settings";
        HikariDataSource pool = db.newPool(1); // one connection: a server-side prepared statement would be reused
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("alter table " + settings + " set (autovacuum_enabled = false)"); // statistics stay "empty"
            s.execute("truncate " + settings + " cascade");
            s.execute("analyze " + settings);
        }
        String lockSql;
        CountingDataSource recorded = new CountingDataSource(pool);
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(recorded).schema(db.schema()).build()) {
            for (int i = 0; i < ORGANIZATIONS; i += PER_CALL) {
                List<OrganizationId> chunk = orgs.subList(i, i + PER_CALL);
                store.saveAll(seed(chunk));
                assertThat(store.loadMany(SCALEWAY, chunk).values())
                        .allSatisfy(loaded -> assertThat(loaded.settings()).hasSize(4));
            }
            lockSql = recorded.statements().stream().filter(sql -> sql.contains("for update")).findFirst().orElseThrow();
        }
        try (Connection c = pool.getConnection()) {
            // the transaction-local setting did not outlive its transactions
            assertThat(single(c, "show plan_cache_mode")).isEqualTo("auto");
            // 30 calls of each statement on one connection, and not one of them prepared server-side
            assertThat(plans(c, "%provider_settings%")).as("the store's statements in pg_prepared_statements").isEmpty();
            assertThat(plans(c, "%organizations%")).isEmpty();

            // Control: the same lock query, run by pgjdbc's defaults without the request, switches to a generic plan.
            UUID[] ids = orgs.subList(0, PER_CALL).stream().map(OrganizationId::value).toArray(UUID[]::new);
            c.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(5); // pgjdbc's default (the pool sets 0)
            c.setAutoCommit(false);
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement p = c.prepareStatement(lockSql)) {
                    p.setArray(1, c.createArrayOf("uuid", ids));
                    p.setString(2, SCALEWAY.value());
                    p.setArray(3, c.createArrayOf("varchar", new String[]{"PROJECT_ID", "ORGANIZATION_ID", "ACCESS_KEY", "SECRET_KEY"}));
                    try (ResultSet r = p.executeQuery()) {
                        int rows = 0;
                        while (r.next()) {
                            rows++;
                        }
                        assertThat(rows).isEqualTo(4 * PER_CALL);
                    }
                }
            }
            c.rollback();
            c.setAutoCommit(true);
            assertThat(plans(c, "%for update%").get(0).generic())
                    .as("generic plans of the lock query without custom plans requested").isPositive();
        }
    }

    private record Plans(String statement, long generic, long custom) {
    }

    private static List<Plans> plans(Connection c, String pattern) throws SQLException {
        List<Plans> result = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("select statement, generic_plans, custom_plans"
                + " from pg_prepared_statements where statement ilike ? and statement not ilike '%pg_prepared_statements%'")) {
            p.setString(1, pattern);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    result.add(new Plans(r.getString(1), r.getLong(2), r.getLong(3)));
                }
            }
        }
        return result;
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static List<SettingsBatch> seed(List<OrganizationId> orgs) {
        List<SettingsBatch> batches = new ArrayList<>();
        for (OrganizationId org : orgs) {
            batches.add(new SettingsBatch(org, SCALEWAY, "seed", List.of(
                    put("PROJECT_ID", text("p"), SettingWrite.ABSENT),
                    put("ORGANIZATION_ID", text(org.toString()), SettingWrite.ABSENT),
                    put("ACCESS_KEY", text("AK"), SettingWrite.ABSENT),
                    put("SECRET_KEY", secret("k1", "cipher"), SettingWrite.ABSENT))));
        }
        return batches;
    }
}
