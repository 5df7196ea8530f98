package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.secret;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Seeding-size writes go out in a bounded number of statements, all or nothing. */
class SeedingBatchTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final int ORGANIZATIONS = 10_000;

    @Test
    void tenThousandOrganizationsTimesFourSettingsInFewStatements() {
        List<OrganizationId> orgs = db.createOrganizations(ORGANIZATIONS);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        try (PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(counting).schema(db.schema()).build()) {
            long t0 = System.nanoTime();
            store.saveAll(seed(orgs, "v1", SettingWrite.ABSENT));
            System.out.println("first seed took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            int firstSeed = counting.executions();
            System.out.println("first seed of " + ORGANIZATIONS + " x 4 settings: " + firstSeed + " statements");
            // 40,000 rows: a handful of statements (existence check, locks, multi-row inserts of rows and audit rows)
            assertThat(firstSeed).as("statements for the first seed").isLessThan(100);

            var sql = DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES);
            assertThat(sql.fetchCount(DSL.table(DSL.name(db.schema(), "provider_settings")))).isEqualTo(4 * ORGANIZATIONS);
            assertThat(sql.fetchCount(DSL.table(DSL.name(db.schema(), "provider_settings_audit")))).isEqualTo(4 * ORGANIZATIONS);

            long seeded = store.load(orgs.get(0), SCALEWAY).settings().get("PROJECT_ID").version();
            // seeding again updates every row, still in few statements (one JDBC batch for the updates)
            counting.reset();
            t0 = System.nanoTime();
            store.saveAll(seed(orgs, "v2", SettingWrite.ANY_VERSION));
            System.out.println("re-seed took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            System.out.println("re-seed: " + counting.executions() + " statements");
            assertThat(counting.executions()).as("statements for the re-seed").isLessThan(100);

            Map<OrganizationId, StoredSettings> sample = store.loadMany(SCALEWAY, List.of(orgs.get(0), orgs.get(ORGANIZATIONS - 1)));
            assertThat(sample.values()).allSatisfy(s -> {
                assertThat(s.settings()).hasSize(4);
                assertThat(s.settings().get("PROJECT_ID").version()).isGreaterThan(seeded);
                assertThat(s.settings().get("ACCESS_KEY").value()).isEqualTo(text("AK-v2"));
            });

            // loading all of them back is a few statements too
            counting.reset();
            assertThat(store.loadMany(SCALEWAY, orgs)).hasSize(ORGANIZATIONS)
                    .allSatisfy((org, settings) -> assertThat(settings.settings()).hasSize(4));
            assertThat(counting.executions()).isLessThanOrEqualTo(ORGANIZATIONS / 5000 + 1);

            // a single stale expectation in the bulk write rolls everything back
            List<SettingsBatch> stale = seed(orgs, "v3", SettingWrite.ANY_VERSION);
            OrganizationId last = orgs.get(ORGANIZATIONS - 1);
            stale.set(ORGANIZATIONS - 1, new SettingsBatch(last, SCALEWAY, "seed",
                    List.of(put("PROJECT_ID", text("p-v3"), seeded))));
            assertThatThrownBy(() -> store.saveAll(stale)).isInstanceOf(VersionConflictException.class);
            assertThat(store.load(orgs.get(0), SCALEWAY).settings().get("ACCESS_KEY").value()).isEqualTo(text("AK-v2"));
        }
    }

    private static List<SettingsBatch> seed(List<OrganizationId> orgs, String generation, long expected) {
        List<SettingsBatch> batches = new ArrayList<>(orgs.size());
        for (OrganizationId org : orgs) {
            batches.add(new SettingsBatch(org, SCALEWAY, "seed", List.of(
                    put("PROJECT_ID", text("p-" + generation), expected),
                    put("ORGANIZATION_ID", text(org.toString()), expected),
                    put("ACCESS_KEY", text("AK-" + generation), expected),
                    put("SECRET_KEY", secret("k1", "cipher-" + generation), expected))));
        }
        return batches;
    }
}
