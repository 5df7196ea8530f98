package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredValue;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/** Eight writers on the same keys: check-and-set loses no update and never duplicates a row. */
class ConcurrentWritersTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final int WRITERS = 8;
    private static final int INCREMENTS = 12;
    private static PostgresCredentialStore store;
    private static ExecutorService pool;

    @BeforeAll
    static void open() {
        store = db.storeBuilder().build();
        pool = Executors.newFixedThreadPool(WRITERS);
    }

    @AfterAll
    static void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        store.close();
    }

    @Test
    void readModifyWriteWithCheckAndSetLosesNoUpdate() throws Exception {
        OrganizationId org = db.createOrganization();
        AtomicInteger conflicts = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            futures.add(pool.submit((Callable<Void>) () -> {
                start.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < INCREMENTS; i++) {
                    while (true) {
                        StoredSetting current = store.load(org, SCALEWAY).settings().get("COUNTER");
                        long value = current == null ? 0 : ((StoredValue.Integer) current.value()).value();
                        long expected = current == null ? SettingWrite.ABSENT : current.version();
                        try {
                            // both keys in one batch: they must always move together
                            store.save(batch(org, put("COUNTER", new StoredValue.Integer(value + 1), expected),
                                    put("SHADOW", text(Long.toString(value + 1)))));
                            break;
                        } catch (VersionConflictException e) {
                            conflicts.incrementAndGet();
                            // what a real client does: read again after a short random pause
                            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 4));
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(90, TimeUnit.SECONDS);
        }

        var settings = store.load(org, SCALEWAY).settings();
        long total = (long) WRITERS * INCREMENTS;
        assertThat(settings.get("COUNTER").value()).isEqualTo(new StoredValue.Integer(total));
        // one audited write per increment, each with a greater version than the one before; the last one is stored
        assertThat(auditedVersions(org, "COUNTER")).hasSize((int) total).isSorted().doesNotHaveDuplicates()
                .last().isEqualTo(settings.get("COUNTER").version());
        assertThat(settings.get("SHADOW").value()).isEqualTo(text(Long.toString(total)));
        assertThat(rows(org, "COUNTER")).isEqualTo(1);
        assertThat(conflicts.get()).as("the writers did race").isPositive();
        System.out.println(WRITERS + " writers x " + INCREMENTS + " increments: " + conflicts.get() + " version conflicts retried");
    }

    @Test
    void simultaneousFirstInsertsOfOneKeyMakeOneRow() throws Exception {
        OrganizationId org = db.createOrganization();
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            futures.add(pool.submit((Callable<Void>) () -> {
                start.await(30, TimeUnit.SECONDS);
                // ABSENT: exactly one may create the key; the others get a conflict, never a duplicate row
                try {
                    store.save(batch(org, put("ONLY_ONCE", text("writer-" + writer), SettingWrite.ABSENT)));
                    created.incrementAndGet();
                } catch (VersionConflictException e) {
                    refused.incrementAndGet();
                }
                // ANY_VERSION: everyone succeeds, one after the other
                store.save(batch(org, put("LAST_WINS", text("writer-" + writer))));
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(created.get()).isEqualTo(1);
        assertThat(refused.get()).isEqualTo(WRITERS - 1);
        assertThat(rows(org, "ONLY_ONCE")).isEqualTo(1);
        assertThat(rows(org, "LAST_WINS")).isEqualTo(1);
        assertThat(auditedVersions(org, "LAST_WINS")).hasSize(WRITERS).isSorted().doesNotHaveDuplicates()
                .last().isEqualTo(store.load(org, SCALEWAY).settings().get("LAST_WINS").version());
    }

    /** The versions the audit trail recorded for the key, in the order they were written. */
    private static List<Long> auditedVersions(OrganizationId org, String key) {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES).fetch("SELECT version FROM " + db.schema()
                + ".provider_settings_audit WHERE organization_id = ? AND key = ? ORDER BY id", org.value(), key)
                .getValues(0, Long.class);
    }

    private static int rows(OrganizationId org, String key) {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES).fetchCount(
                DSL.table(DSL.name(db.schema(), "provider_settings")),
                DSL.field("organization_id").eq(org.value()).and(DSL.field("key").eq(key)));
    }
}
