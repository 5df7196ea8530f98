package dev.providersettings.postgres;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.RewrapReport;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.providersettings.testing.TestProviderFactory.ACCESS_KEY;
import static dev.providersettings.testing.TestProviderFactory.CODE;
import static dev.providersettings.testing.TestProviderFactory.PROJECT_ID;
import static dev.providersettings.testing.TestProviderFactory.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The origin plan's five scenarios through the provider manager on the Postgres store, and two nodes. */
class ManagerOnPostgresTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    // one key for the class: the schema (and so earlier tests' secrets) is shared by its tests
    private static final byte[] k1 = TestKeys.randomKey();
    /** The rotation target; known to every manager so that test order does not matter once a rewrap ran. */
    private static final byte[] k2 = TestKeys.randomKey();
    private PostgresCredentialStore store;
    private ProviderManager manager;

    /** The store under test (overridden to run the same scenarios under row-level security). */
    PostgresCredentialStore.Builder storeBuilder() {
        return db.storeBuilder();
    }

    /** A second node's store builder, on a pool of its own. */
    PostgresCredentialStore.Builder secondNodeStoreBuilder() {
        return PostgresCredentialStore.builder().dataSource(db.newPool(2)).schema(db.schema());
    }

    @BeforeEach
    void open() {
        store = storeBuilder().build();
        manager = manager(store, KeyRing.builder().primary("k1", k1).add("k2", k2).build());
    }

    @AfterEach
    void close() {
        manager.close();
        store.close();
    }

    private static ProviderManager manager(PostgresCredentialStore store, KeyRing ring) {
        return ProviderManager.builder()
                .store(store)
                .registry(ProviderRegistry.builder().register(new TestProviderFactory()).build())
                .cipher(new AesGcmSecretCipher(ring))
                .build();
    }

    private TestClient client(ProviderManager m, OrganizationId org) {
        return m.get(org, CODE, TestClient.class);
    }

    @Test
    void seedingWritesCredentialsForEveryExistingOrganization(@TempDir Path secrets) throws IOException {
        List<OrganizationId> organizations = db.createOrganizations(3);
        String project = UUID.randomUUID().toString();
        Files.writeString(secrets.resolve("testcloud_secret_key"), "seeded-secret-value\n");
        Files.writeString(secrets.resolve("testcloud_access_key"), "SEEDEDACCESS\n");

        SeedReport report = manager.seeder().seed("seed", CODE, SecretSource.merged(
                SecretSource.directory(secrets), SecretSource.environment(Map.of("TESTCLOUD_PROJECT", project))));

        assertThat(report.organizations()).extracting(SeedReport.OrganizationResult::organization)
                .containsAll(organizations);
        for (OrganizationId org : organizations) {
            TestClient client = client(manager, org);
            assertThat(client.organization()).isEqualTo(org);
            assertThat(client.projectId()).isEqualTo(project);
            assertThat(client.accessKey()).isEqualTo("SEEDEDACCESS");
            assertThat(client.secretKey().reveal()).isEqualTo("seeded-secret-value");
        }
        // the database holds ciphertext only
        var sql = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        var ciphertexts = sql.resultQuery("SELECT secret_ciphertext, secret_key_id FROM " + db.schema()
                + ".provider_settings WHERE key = ?", SECRET_KEY).fetch();
        assertThat(ciphertexts).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> {
            assertThat(new String(r.get(0, byte[].class), StandardCharsets.ISO_8859_1)).doesNotContain("seeded-secret-value");
            assertThat(r.get(1, String.class)).isIn("k1", "k2");
        });
    }

    @Test
    void twoOrganizationsWithDifferentKeysEachGetTheirOwn() {
        OrganizationId first = withCredentials(db.createOrganization());
        OrganizationId second = withCredentials(db.createOrganization());
        TestClient a = client(manager, first);
        TestClient b = client(manager, second);
        assertThat(a.accessKey()).isEqualTo(TestProviderFactory.accessKey(first, "v1"));
        assertThat(b.accessKey()).isEqualTo(TestProviderFactory.accessKey(second, "v1"));
        assertThat(a.secretKey()).isEqualTo(TestProviderFactory.secretKey(first, "v1")).isNotEqualTo(b.secretKey());
    }

    @Test
    void aChangeIsVisibleAtOnce() {
        OrganizationId org = withCredentials(db.createOrganization());
        TestClient before = client(manager, org);
        manager.settings().update("admin", org, CODE, TestProviderFactory.credentials(org, "v2"));
        TestClient after = client(manager, org);
        assertThat(after).isNotSameAs(before);
        assertThat(after.secretKey()).isEqualTo(TestProviderFactory.secretKey(org, "v2"));
    }

    @Test
    void noOrUnknownOrganizationIsAClearError() {
        assertThatThrownBy(() -> manager.get(Optional.<OrganizationId>empty().orElse(null), CODE, TestClient.class))
                .isInstanceOf(MissingOrganizationException.class).hasMessageContaining("no organization");
        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> client(manager, unknown))
                .isInstanceOf(MissingOrganizationException.class).hasMessageContaining(unknown.toString());
        assertThatThrownBy(() -> manager.settings().update("admin", unknown, CODE, TestProviderFactory.credentials(unknown, "v1")))
                .isInstanceOf(MissingOrganizationException.class);
    }

    @Test
    void organizationWithoutCredentialsIsAClearError() {
        OrganizationId empty = db.createOrganization();
        assertThatThrownBy(() -> client(manager, empty))
                .isInstanceOfSatisfying(MissingCredentialsException.class, e ->
                        assertThat(e.missingKeys()).containsExactly(PROJECT_ID, ACCESS_KEY, SECRET_KEY));
        OrganizationId partial = db.createOrganization();
        manager.settings().update("admin", partial, CODE, SettingsUpdate.builder()
                .set(PROJECT_ID, TestProviderFactory.projectId(partial)).build());
        assertThatThrownBy(() -> client(manager, partial))
                .isInstanceOfSatisfying(MissingCredentialsException.class, e ->
                        assertThat(e.missingKeys()).containsExactly(ACCESS_KEY, SECRET_KEY));
    }

    @Test
    void aWriteThroughManagerAInvalidatesManagerBOnAnotherPool() throws InterruptedException {
        OrganizationId org = withCredentials(db.createOrganization());
        try (PostgresCredentialStore storeB = secondNodeStoreBuilder().changeFeed(true).build();
             ProviderManager managerB = manager(storeB, KeyRing.builder().primary("k1", k1).add("k2", k2).build())) {
            TestClient cachedOnB = client(managerB, org);
            assertThat(cachedOnB.secretKey()).isEqualTo(TestProviderFactory.secretKey(org, "v1"));

            manager.settings().update("admin", org, CODE, TestProviderFactory.credentials(org, "v2"));

            // B learns about it through NOTIFY; bound against hangs only
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            TestClient seen = client(managerB, org);
            while (!seen.secretKey().equals(TestProviderFactory.secretKey(org, "v2")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                seen = client(managerB, org);
            }
            assertThat(seen.secretKey()).isEqualTo(TestProviderFactory.secretKey(org, "v2"));
            assertThat(seen).isNotSameAs(cachedOnB);
        }
    }

    @Test
    void rewrapMovesEverySecretToTheNewPrimaryKey() {
        OrganizationId org = withCredentials(db.createOrganization());
        try (ProviderManager rotated = manager(store, KeyRing.builder().primary("k2", k2).add("k1", k1).build())) {
            RewrapReport report = rotated.settings().rewrap("rotation");
            assertThat(report.rewrapped()).isPositive();
            assertThat(store.findSecretsNotEncryptedWith("k2", 10)).isEmpty();
            assertThat(client(rotated, org).secretKey()).isEqualTo(TestProviderFactory.secretKey(org, "v1"));
        }
        // a manager knowing only the new key reads it
        try (ProviderManager onlyNew = manager(store, KeyRing.builder().primary("k2", k2).build())) {
            assertThat(client(onlyNew, org).secretKey()).isEqualTo(TestProviderFactory.secretKey(org, "v1"));
        }
    }

    private OrganizationId withCredentials(OrganizationId org) {
        manager.settings().update("test", org, CODE, TestProviderFactory.credentials(org, "v1"));
        return org;
    }
}
