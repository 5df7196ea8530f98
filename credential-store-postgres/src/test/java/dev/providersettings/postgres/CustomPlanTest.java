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
 * statistics say "empty", and a statement executed often enough on one pooled connection (pgjdbc prepares it
 * server-side from the fifth execution) may get a generic plan costed on them, which then stays while the table grows.
 * The store asks for custom plans in its bulk transactions and bulk reads; this test checks, on the connection
 * itself ({@code pg_prepared_statements}), that its array-parameter statements were never run with a generic plan,
 * while the same statement text without that request does switch to one.
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
        HikariDataSource pool = db.newPool(1); // one connection: every execution reuses its prepared statements
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("alter table " + settings + " set (autovacuum_enabled = false)"); // statistics stay "empty"
            s.execute("truncate " + settings + " cascade");
            s.execute("analyze " + settings);
        }
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(pool).schema(db.schema()).build()) {
            for (int i = 0; i < ORGANIZATIONS; i += PER_CALL) {
                List<OrganizationId> chunk = orgs.subList(i, i + PER_CALL);
                store.saveAll(seed(chunk));
                assertThat(store.loadMany(SCALEWAY, chunk).values())
                        .allSatisfy(loaded -> assertThat(loaded.settings()).hasSize(4));
            }
        }
        int calls = ORGANIZATIONS / PER_CALL;
        try (Connection c = pool.getConnection()) {
            // the transaction-local setting did not outlive its transactions
            assertThat(single(c, "show plan_cache_mode")).isEqualTo("auto");

            List<Plans> lock = plans(c, "%for update%");
            List<Plans> load = plans(c, "%left outer join%any%");
            List<Plans> exists = plans(c, "%\"organizations\"%any%").stream()
                    .filter(p -> !p.statement().contains(" join ")).toList();
            assertThat(lock).as("lock query").hasSize(1);
            assertThat(load).as("bulk load").hasSize(1);
            assertThat(exists).as("existence check").hasSize(1);
            for (Plans p : List.of(lock.get(0), load.get(0), exists.get(0))) {
                // pgjdbc prepares server-side from the fifth execution on (prepareThreshold 5)
                assertThat(p.custom()).as(p.statement()).isGreaterThanOrEqualTo(calls - 4);
                assertThat(p.generic()).as(p.statement()).isZero();
            }

            // Control: the same lock query without the request switches to a generic plan on this connection.
            String lockSql = lock.get(0).statement().replaceAll("\\$\\d+", "?");
            UUID[] ids = orgs.subList(0, PER_CALL).stream().map(OrganizationId::value).toArray(UUID[]::new);
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
