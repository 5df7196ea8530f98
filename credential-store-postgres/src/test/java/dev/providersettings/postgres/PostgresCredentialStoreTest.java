package dev.providersettings.postgres;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.providersettings.postgres.Fixtures.OTHER;
import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.secret;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** load, save with check-and-set, delete, audit, listing and rewrap search against a real Postgres. */
class PostgresCredentialStoreTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static PostgresCredentialStore store;
    private static DSLContext sql;

    @BeforeAll
    static void open() {
        store = db.storeBuilder().build();
        sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void loadTellsUnknownOrganizationFromNoSettings() {
        OrganizationId unknown = OrganizationId.random();
        StoredSettings none = store.load(unknown, SCALEWAY);
        assertThat(none.organizationExists()).isFalse();
        assertThat(none.settings()).isEmpty();

        OrganizationId empty = db.createOrganization();
        StoredSettings emptySettings = store.load(empty, SCALEWAY);
        assertThat(emptySettings.organizationExists()).isTrue();
        assertThat(emptySettings.settings()).isEmpty();
    }

    @Test
    void loadIsOneStatementAndSaveAHandful() {
        OrganizationId org = db.createOrganization();
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        try (PostgresCredentialStore counted = PostgresCredentialStore.builder().dataSource(counting).schema(db.schema()).build()) {
            long first = counted.save(batch(org, put("A", text("a")), put("B", text("b")))).get("A");
            int firstSave = counting.executions();
            // begin, existence check, lock, version, insert, audit, commit (BEGIN and COMMIT are plain SQL: see
            // UnnamedStatements for why the store does not use JDBC's commit())
            assertThat(firstSave).isEqualTo(7);
            counting.reset();
            counted.save(batch(org, put("A", text("a2"), first), new SettingWrite("B", null, first), put("C", text("c"))));
            // begin, existence check, lock, version, insert, update, delete, audit, commit
            assertThat(counting.executions()).isEqualTo(9);
            counting.reset();
            assertThat(counted.load(org, SCALEWAY).settings()).containsOnlyKeys("A", "C");
            assertThat(counting.executions()).isEqualTo(1);
            counting.reset();
            assertThat(counted.load(OrganizationId.random(), SCALEWAY).organizationExists()).isFalse();
            assertThat(counting.executions()).isEqualTo(1);
        }
    }

    @Test
    void savesAndLoadsEveryValueType() {
        OrganizationId org = db.createOrganization();
        Map<String, Long> versions = store.save(batch(org,
                put("PROJECT_ID", text("11111111-2222-3333-4444-555555555555")),
                put("MAX_SERVERS", new StoredValue.Integer(42)),
                put("ENABLED", new StoredValue.Bool(true)),
                put("OPTIONS", new StoredValue.Json("{\"zone\":\"fr-par-1\"}")),
                put("SECRET_KEY", secret("k1", "ciphertext-bytes"))));
        long version = versions.get("SECRET_KEY");
        assertThat(versions).containsOnlyKeys("PROJECT_ID", "MAX_SERVERS", "ENABLED", "OPTIONS", "SECRET_KEY")
                .allSatisfy((k, v) -> assertThat(v).as("one version per transaction").isEqualTo(version));

        StoredSettings loaded = store.load(org, SCALEWAY);
        assertThat(loaded.organizationExists()).isTrue();
        assertThat(loaded.settings().get("PROJECT_ID").value()).isEqualTo(text("11111111-2222-3333-4444-555555555555"));
        assertThat(loaded.settings().get("MAX_SERVERS").value()).isEqualTo(new StoredValue.Integer(42));
        assertThat(loaded.settings().get("ENABLED").value()).isEqualTo(new StoredValue.Bool(true));
        assertThat(((StoredValue.Json) loaded.settings().get("OPTIONS").value()).value()).contains("fr-par-1");
        assertThat(loaded.settings().get("SECRET_KEY").value()).isEqualTo(secret("k1", "ciphertext-bytes"));
        assertThat(loaded.settings().get("SECRET_KEY").version()).isEqualTo(version);
        assertThat(loaded.settings().get("SECRET_KEY").updatedAt()).isNotNull();

        // another provider of the same organization sees nothing
        assertThat(store.load(org, OTHER).settings()).isEmpty();
    }

    @Test
    void versionsGrowAndStaleWritesConflictWithoutWritingAnything() {
        OrganizationId org = db.createOrganization();
        long v1 = store.save(batch(org, put("A", text("a1"), SettingWrite.ABSENT), put("B", text("b1"), SettingWrite.ABSENT)))
                .get("A");
        long v2 = store.save(batch(org, put("A", text("a2"), v1))).get("A");
        assertThat(v2).isGreaterThan(v1);

        // B's expectation is right, A's is stale: nothing of the batch is written
        assertThatThrownBy(() -> store.save(batch(org, put("B", text("value-of-b2"), v1), put("A", text("value-of-a3"), v1))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("A");
                    assertThat(e.expectedVersion()).isEqualTo(v1);
                    assertThat(e.actualVersion()).isEqualTo(v2);
                    assertThat(e.getMessage()).doesNotContain("value-of-a3").doesNotContain("value-of-b2");
                });
        StoredSettings after = store.load(org, SCALEWAY);
        assertThat(after.settings().get("A").value()).isEqualTo(text("a2"));
        assertThat(after.settings().get("B").value()).isEqualTo(text("b1"));
        assertThat(after.settings().get("B").version()).isEqualTo(v1);

        // ABSENT on an existing key conflicts; an expected version on a missing key conflicts
        assertThatThrownBy(() -> store.save(batch(org, put("A", text("x"), SettingWrite.ABSENT))))
                .isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> store.save(batch(org, put("C", text("x"), v2))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> assertThat(e.actualVersion()).isZero());
        assertThat(store.load(org, SCALEWAY).settings()).doesNotContainKey("C");
    }

    @Test
    void awkwardValuesSurviveTheBulkArrays() {
        OrganizationId org = db.createOrganization();
        String awkward = "a \"quoted\", {braced} \\back\\slash, comma; 'single' \u00e9\u4e2d\n NULL";
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        var values = List.of(put("AWKWARD", text(awkward)), put("NULL_WORD", text("NULL")), put("EMPTY", text("")),
                put("JSON", new StoredValue.Json("{\"a\": [1, \"x,}\"], \"b\": null}")),
                put("NEGATIVE", new StoredValue.Integer(Long.MIN_VALUE)), put("FALSE", new StoredValue.Bool(false)),
                put("BINARY", new StoredValue.Encrypted(new dev.providersettings.spi.EncryptedSecret("k1", binary))));
        long previous = 0;
        for (int round = 1; round <= 2; round++) { // insert, then update
            long written = store.save(new SettingsBatch(org, SCALEWAY, "t", values)).get("AWKWARD");
            var loaded = store.load(org, SCALEWAY).settings();
            assertThat(loaded.get("AWKWARD").value()).isEqualTo(text(awkward));
            assertThat(loaded.get("NULL_WORD").value()).isEqualTo(text("NULL"));
            assertThat(loaded.get("EMPTY").value()).isEqualTo(text(""));
            assertThat(((StoredValue.Json) loaded.get("JSON").value()).value()).contains("x,}").contains("\"b\": null");
            assertThat(loaded.get("NEGATIVE").value()).isEqualTo(new StoredValue.Integer(Long.MIN_VALUE));
            assertThat(loaded.get("FALSE").value()).isEqualTo(new StoredValue.Bool(false));
            assertThat(((StoredValue.Encrypted) loaded.get("BINARY").value()).secret().ciphertext()).isEqualTo(binary);
            assertThat(loaded.get("AWKWARD").version()).isEqualTo(written).isGreaterThan(previous);
            previous = written;
        }
    }

    @Test
    void valuesNeverReachLogsEvenAtDebugLevel() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        ch.qos.logback.classic.Logger jooq = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.jooq");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        var rootLevel = root.getLevel();
        var jooqLevel = jooq.getLevel();
        root.addAppender(appender);
        root.setLevel(ch.qos.logback.classic.Level.TRACE);
        jooq.setLevel(ch.qos.logback.classic.Level.TRACE);
        try {
            OrganizationId org = db.createOrganization();
            store.save(batch(org, put("PROJECT", text("PLAINTEXT-MARKER")), put("SECRET", secret("k1", "CIPHER-MARKER"))));
            store.load(org, SCALEWAY);
            assertThatThrownBy(() -> store.save(batch(org, put("PROJECT", text("PLAINTEXT-MARKER-2"), 999_999_999L))))
                    .isInstanceOf(VersionConflictException.class);
            store.saveAll(List.of(batch(org, put("PROJECT", text("PLAINTEXT-MARKER-3")))));
            jooq.debug("capture works");
        } finally {
            root.detachAppender(appender);
            root.setLevel(rootLevel);
            jooq.setLevel(jooqLevel);
        }
        // the capture is live: jOOQ's loggers were at TRACE (they log every query with its binds unless the store
        // turns execute logging off)
        assertThat(appender.list).anyMatch(e -> e.getFormattedMessage().equals("capture works"));
        String hexMarker = java.util.HexFormat.of().formatHex("CIPHER-MARKER".getBytes(StandardCharsets.UTF_8));
        assertThat(appender.list).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain("PLAINTEXT-MARKER").doesNotContain("CIPHER-MARKER").doesNotContainIgnoringCase(hexMarker));
        assertThat(store.toString()).doesNotContain("password");
    }

    @Test
    void aKeyMayChangeItsType() {
        OrganizationId org = db.createOrganization();
        long text = store.save(batch(org, put("VALUE", text("10")))).get("VALUE");
        assertThat(store.save(batch(org, put("VALUE", new StoredValue.Integer(10), text))).get("VALUE")).isGreaterThan(text);
        assertThat(store.load(org, SCALEWAY).settings().get("VALUE").value()).isEqualTo(new StoredValue.Integer(10));
    }

    @Test
    void deletesWithAndWithoutCheckAndSet() {
        OrganizationId org = db.createOrganization();
        long written = store.save(batch(org, put("A", text("a")), put("B", text("b")))).get("A");
        assertThatThrownBy(() -> store.save(batch(org, new SettingWrite("A", null, written + 1))))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store.save(batch(org, new SettingWrite("A", null, written), new SettingWrite("MISSING", null, SettingWrite.ANY_VERSION))))
                .containsEntry("A", 0L).containsEntry("MISSING", 0L);
        assertThat(store.load(org, SCALEWAY).settings()).containsOnlyKeys("B");

        assertThat(store.deleteAll(org, SCALEWAY, "admin")).isEqualTo(1);
        assertThat(store.load(org, SCALEWAY).settings()).isEmpty();
        assertThat(store.deleteAll(org, SCALEWAY, "admin")).isZero();
    }

    @Test
    void unknownOrganizationIsATypedErrorAndWritesNothing() {
        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> store.save(batch(unknown, put("A", text("a")))))
                .isInstanceOfSatisfying(MissingOrganizationException.class, e -> {
                    assertThat(e.organization()).isEqualTo(unknown);
                    assertThat(e.getMessage()).contains(unknown.toString()).contains("create the organization");
                });
        // also when the batch only deletes
        assertThatThrownBy(() -> store.save(batch(unknown, new SettingWrite("A", null, SettingWrite.ANY_VERSION))))
                .isInstanceOf(MissingOrganizationException.class);
        // in a bulk save, nothing of the other organizations is written either
        OrganizationId known = db.createOrganization();
        assertThatThrownBy(() -> store.saveAll(List.of(batch(known, put("A", text("a"))), batch(unknown, put("A", text("a"))))))
                .isInstanceOf(MissingOrganizationException.class);
        assertThat(store.load(known, SCALEWAY).settings()).isEmpty();
    }

    @Test
    void malformedBatchesAreRejectedBeforeTouchingTheDatabase() {
        OrganizationId org = db.createOrganization();
        assertThatThrownBy(() -> store.save(batch(org, put("A", text("a")), put("A", text("b")))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> store.save(batch(org, put("lower-case", text("a")))))
                .isInstanceOf(dev.providersettings.exception.InvalidIdentifierException.class);
        assertThatThrownBy(() -> store.save(batch(org, put("A", text("a"), -7))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("expected version");
        assertThatThrownBy(() -> store.saveAll(List.of(batch(org, put("A", text("a"))), batch(org, put("B", text("b"))))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("merge them");
        assertThat(store.load(org, SCALEWAY).settings()).isEmpty();
    }

    @Test
    void auditRowsRecordWhoChangedWhatButNeverAValue() {
        OrganizationId org = db.createOrganization();
        long v1 = store.save(new SettingsBatch(org, SCALEWAY, "alice", List.of(put("SECRET_KEY", secret("k1", "TOP-SECRET-CIPHER")),
                put("PROJECT", text("visible-project-value"))))).get("SECRET_KEY");
        long v2 = store.save(new SettingsBatch(org, SCALEWAY, "bob", List.of(put("SECRET_KEY", secret("k1", "OTHER-CIPHER"), v1))))
                .get("SECRET_KEY");
        store.save(new SettingsBatch(org, SCALEWAY, "carol", List.of(new SettingWrite("PROJECT", null, v1))));
        store.deleteAll(org, SCALEWAY, "dave");

        var rows = sql.resultQuery("SELECT actor, key, action, version, at, a.* FROM " + db.schema()
                + ".provider_settings_audit a WHERE organization_id = ? ORDER BY id", org.value()).fetch();
        List<String> summary = new ArrayList<>();
        rows.forEach(r -> summary.add(r.get("actor") + " " + r.get("action") + " " + r.get("key") + " v" + r.get("version")));
        assertThat(summary).containsExactly(
                "alice insert SECRET_KEY v" + v1, "alice insert PROJECT v" + v1,
                "bob update SECRET_KEY v" + v2,
                "carol delete PROJECT v" + v1,
                "dave delete SECRET_KEY v" + v2);
        String everything = rows.formatCSV();
        assertThat(everything).doesNotContain("TOP-SECRET-CIPHER").doesNotContain("OTHER-CIPHER")
                .doesNotContain("visible-project-value");
        assertThat(rows.get(0).get("at")).isNotNull();
    }

    @Test
    void loadManyReadsManyOrganizationsAtOnce() {
        List<OrganizationId> orgs = db.createOrganizations(3);
        store.save(batch(orgs.get(0), put("A", text("0"))));
        store.save(batch(orgs.get(2), put("A", text("2")), put("B", text("2b"))));
        OrganizationId unknown = OrganizationId.random();
        List<OrganizationId> asked = List.of(orgs.get(0), orgs.get(1), orgs.get(2), unknown);
        Map<OrganizationId, StoredSettings> many = store.loadMany(SCALEWAY, asked);
        assertThat(many.keySet()).containsExactlyElementsOf(asked);
        assertThat(many.get(orgs.get(0)).settings()).containsOnlyKeys("A");
        assertThat(many.get(orgs.get(1)).settings()).isEmpty();
        assertThat(many.get(orgs.get(1)).organizationExists()).isTrue();
        assertThat(many.get(orgs.get(2)).settings()).containsOnlyKeys("A", "B");
        assertThat(many.get(unknown).organizationExists()).isFalse();
    }

    @Test
    void listsOrganizationsInIdOrder() {
        db.createOrganizations(5);
        List<OrganizationId> listed = store.listOrganizations();
        assertThat(listed).hasSizeGreaterThanOrEqualTo(5).isSorted();
        assertThat(listed).hasSize(sql.fetchCount(DSL.table(DSL.name(db.schema(), "organizations"))));
    }

    @Test
    void findsSecretsEncryptedWithOtherKeys() {
        OrganizationId org = db.createOrganization();
        long written = store.save(batch(org, put("OLD", secret("key-old", "c1")), put("NEW", secret("key-new", "c2")),
                put("PLAIN", text("t")))).get("OLD");
        List<SecretRef> refs = store.findSecretsNotEncryptedWith("key-new", 1000);
        assertThat(refs).filteredOn(r -> r.organization().equals(org))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.key()).isEqualTo("OLD");
                    assertThat(r.version()).isEqualTo(written);
                    assertThat(r.secret().keyId()).isEqualTo("key-old");
                    assertThat(new String(r.secret().ciphertext(), StandardCharsets.UTF_8)).isEqualTo("c1");
                });
        assertThat(store.findSecretsNotEncryptedWith("key-new", 1)).hasSizeLessThanOrEqualTo(1);
        assertThatThrownBy(() -> store.findSecretsNotEncryptedWith(" ", 1)).isInstanceOf(InvalidSettingException.class);
    }

    @Test
    void localSubscribersHearAboutCommittedWritesOnly() {
        OrganizationId org = db.createOrganization();
        List<ChangeEvent> events = new ArrayList<>();
        try (var subscription = store.subscribe(events::add)) {
            store.save(batch(org, put("A", text("a"))));
            assertThatThrownBy(() -> store.save(batch(org, put("A", text("b"), 999_999_999L)))).isInstanceOf(VersionConflictException.class);
            store.deleteAll(org, SCALEWAY, "t");
        }
        store.save(batch(org, put("A", text("c"))));
        assertThat(events).containsExactly(new ChangeEvent(org, SCALEWAY), new ChangeEvent(org, SCALEWAY));
    }

    @Test
    void anExhaustedPoolIsReportedAsUnavailable() throws Exception {
        try (var tiny = PostgresDataSources.builder().jdbcUrl(db.jdbcUrl()).user(db.user()).password(db.password())
                .maximumPoolSize(1).connectionTimeout(java.time.Duration.ofMillis(250)).build();
             PostgresCredentialStore starved = PostgresCredentialStore.builder().dataSource(tiny).schema(db.schema()).build();
             var held = tiny.getConnection()) {
            assertThat(held.isValid(1)).isTrue();
            assertThatThrownBy(() -> starved.load(OrganizationId.random(), SCALEWAY))
                    .isInstanceOf(dev.providersettings.exception.CredentialStoreUnavailableException.class)
                    .hasCauseInstanceOf(java.sql.SQLTransientConnectionException.class);
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        PostgresCredentialStore closed = db.storeBuilder().build();
        closed.close();
        assertThatThrownBy(() -> closed.load(OrganizationId.random(), SCALEWAY))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("closed");
        // the pool was the caller's: still usable
        assertThat(store.load(OrganizationId.random(), SCALEWAY).organizationExists()).isFalse();
    }

    @Test
    void configurationMistakesAreTypedAndExplained() {
        assertThatThrownBy(() -> PostgresCredentialStore.builder().build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("dataSource");
        assertThatThrownBy(() -> PostgresCredentialStore.builder().organizationsTable("orgs; drop table x", "id"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("plain SQL identifier");
        // changeFeed(true) derives its connection from a Hikari pool only
        assertThatThrownBy(() -> PostgresCredentialStore.builder().dataSource(new org.postgresql.ds.PGSimpleDataSource())
                .changeFeed(true).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("changeFeed(jdbcUrl, user, password)");
    }
}
