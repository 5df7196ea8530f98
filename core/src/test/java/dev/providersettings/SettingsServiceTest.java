package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.CredentialProbeFailedException;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.exception.VersionConflictException;

import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.providersettings.testing.TestProviderFactory.ACCESS_KEY;
import static dev.providersettings.testing.TestProviderFactory.CODE;
import static dev.providersettings.testing.TestProviderFactory.PROJECT_ID;
import static dev.providersettings.testing.TestProviderFactory.REGION;
import static dev.providersettings.testing.TestProviderFactory.SECRET_KEY;
import static dev.providersettings.testing.TestProviderFactory.TAGS;
import static dev.providersettings.testing.TestProviderFactory.TIMEOUT_SECONDS;
import static dev.providersettings.testing.TestProviderFactory.VERBOSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsServiceTest {
    private final TestWorld world = new TestWorld();
    private final SettingsService settings = world.manager.settings();

    @AfterEach
    void close() {
        world.close();
    }

    private StoredSettings stored(OrganizationId organization) {
        return world.store.load(organization, ProviderCode.of(CODE));
    }

    @Test
    void storesTypedValuesAndOnlyCiphertextForSecrets() {
        OrganizationId organization = world.organization();
        Map<String, Long> versions = settings.update("alice", organization, CODE, SettingsUpdate.builder()
                .set(PROJECT_ID, TestProviderFactory.projectId(organization))
                .set(ACCESS_KEY, "AK1")
                .setSecret(SECRET_KEY, Secret.of("the-plain-secret"))
                .set(TIMEOUT_SECONDS, 30)
                .set(VERBOSE, true)
                .set(TAGS, "{\"team\": [\"gpu\"]}")
                .build());

        assertThat(versions).containsOnlyKeys(PROJECT_ID, ACCESS_KEY, SECRET_KEY, TIMEOUT_SECONDS, VERBOSE, TAGS)
                .allSatisfy((k, v) -> assertThat(v).isPositive());
        assertThat(versions.values()).as("versions come from one store-wide counter").doesNotHaveDuplicates();
        StoredSettings stored = stored(organization);
        assertThat(stored.settings().get(SECRET_KEY).value()).isInstanceOf(StoredValue.Encrypted.class);
        assertThat(stored.toString()).doesNotContain("the-plain-secret");
        assertThat(stored.settings().get(TIMEOUT_SECONDS).value()).isEqualTo(new StoredValue.Integer(30));
        assertThat(stored.settings().get(VERBOSE).value()).isEqualTo(new StoredValue.Bool(true));
        assertThat(stored.settings().get(TAGS).value()).isEqualTo(new StoredValue.Json("{\"team\": [\"gpu\"]}"));
        assertThat(world.store.auditTrail()).hasSize(6).allSatisfy(entry -> {
            assertThat(entry.actor()).isEqualTo("alice");
            assertThat(entry.action()).isEqualTo(InMemoryCredentialStore.AuditAction.SET);
            assertThat(entry.toString()).doesNotContain("the-plain-secret");
        });
        assertThat(world.client(organization).region()).as("default filled in").isEqualTo("fr-par");
    }

    @Test
    void everyBadInputIsATypedExceptionListingAllViolationsAndNothingIsWritten() {
        OrganizationId organization = world.organizationWithCredentials();
        StoredSettings before = stored(organization);
        int auditBefore = world.store.auditTrail().size();

        InvalidSettingException e = (InvalidSettingException) catchThrowable(() -> settings.update(" ", organization, CODE,
                SettingsUpdate.builder()
                        .set("UNKNOWN_KEY", "x")
                        .set(TIMEOUT_SECONDS, "30")
                        .set(PROJECT_ID, "not-a-uuid")
                        .set(ACCESS_KEY, "A".repeat(65))
                        .set(REGION, "fr-par\n")
                        .set(TAGS, "{\"a\":1,}")
                        .set(VERBOSE, 1)
                        .set(SECRET_KEY, "plain-string-secret")
                        .build()));

        assertThat(e.violations()).extracting(SettingViolation::key).containsExactly(
                "actor", "UNKNOWN_KEY", TIMEOUT_SECONDS, PROJECT_ID, ACCESS_KEY, REGION, TAGS, VERBOSE, SECRET_KEY);
        assertThat(e.getMessage()).contains(organization.toString(), CODE, "nothing was written", "must be a UUID",
                "more than the maximum of 64", "control characters", "not valid JSON", "wrong type", "use setSecret",
                "declared settings are").doesNotContain("plain-string-secret", "not-a-uuid");
        assertThat(stored(organization)).isEqualTo(before);
        assertThat(world.store.auditTrail()).hasSize(auditBefore);
    }

    @Test
    void badIdentifiersAndActorsAreTypedErrors() {
        OrganizationId organization = world.organizationWithCredentials();
        SettingsUpdate update = SettingsUpdate.builder().set(ACCESS_KEY, "AK2").build();
        StoredSettings before = stored(organization);

        assertThatThrownBy(() -> settings.update("bob", null, CODE, update)).isInstanceOf(MissingOrganizationException.class);
        assertThatThrownBy(() -> settings.update("bob", OrganizationId.random(), CODE, update))
                .isInstanceOf(MissingOrganizationException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> settings.update("bob", organization, "nope", update)).isInstanceOf(UnknownProviderException.class);
        assertThatThrownBy(() -> settings.update("bob", organization, "", update)).isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> settings.update(null, organization, CODE, update))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("actor: is null");
        assertThatThrownBy(() -> settings.update("bob", organization, CODE, null)).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> settings.delete("", organization, CODE)).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> SettingsUpdate.builder().set("lower", "x")).isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> SettingsUpdate.builder().set(ACCESS_KEY, null)).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> SettingsUpdate.builder().set(ACCESS_KEY, "a").remove(ACCESS_KEY))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> SettingsUpdate.builder().build()).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> SettingsUpdate.builder().set(ACCESS_KEY, "a").expectVersion(REGION, 1).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("without a change");
        assertThatThrownBy(() -> OrganizationId.parse("not-a-uuid")).isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> OrganizationId.parse(" ")).isInstanceOf(InvalidIdentifierException.class);
        assertThat(stored(organization)).isEqualTo(before);
    }

    @Test
    void secretsMayBeMultiLineButNotPaddedWithWhitespace() {
        OrganizationId organization = world.organizationWithCredentials();
        String pem = "-----BEGIN KEY-----\nabc\n-----END KEY-----";
        settings.update("a", organization, CODE, SettingsUpdate.builder().setSecret(SECRET_KEY, Secret.of(pem)).build());
        assertThat(world.client(organization).secretKey().reveal()).isEqualTo(pem);

        assertThatThrownBy(() -> settings.update("a", organization, CODE, SettingsUpdate.builder()
                .setSecret(SECRET_KEY, Secret.of("padded-secret\n")).build()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("trailing whitespace")
                .hasMessageNotContaining("padded-secret");
        assertThatThrownBy(() -> settings.update("a", organization, CODE, SettingsUpdate.builder()
                .setSecret(SECRET_KEY, Secret.of("nul\u0000inside")).build()))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("control characters");
    }

    @Test
    void checkAndSetRejectsStaleVersionsWithoutWriting() {
        OrganizationId organization = world.organizationWithCredentials();
        long read = settings.view(organization, CODE).version(ACCESS_KEY);
        assertThat(read).isPositive();

        Map<String, Long> versions = settings.update("a", organization, CODE, SettingsUpdate.builder()
                .set(ACCESS_KEY, "AK2").expectVersion(ACCESS_KEY, read).build());
        long written = versions.get(ACCESS_KEY);
        assertThat(written).isGreaterThan(read);
        assertThat(settings.view(organization, CODE).version(ACCESS_KEY)).isEqualTo(written);

        StoredSettings before = stored(organization);
        assertThatThrownBy(() -> settings.update("b", organization, CODE, SettingsUpdate.builder()
                .set(REGION, "nl-ams")
                .set(ACCESS_KEY, "AK3").expectVersion(ACCESS_KEY, read).build()))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("expected version " + read + " but found " + written);
        assertThat(stored(organization)).isEqualTo(before);
        assertThat(settings.update("b", organization, CODE, SettingsUpdate.builder()
                .set(REGION, "nl-ams").expectVersion(REGION, 0).build()).get(REGION)).isGreaterThan(written);
        assertThat(world.client(organization).region()).isEqualTo("nl-ams");
    }

    @Test
    void aVersionReadBeforeADeleteAndRecreateNeverMatchesTheNewSetting() {
        OrganizationId organization = world.organizationWithCredentials();
        long read = settings.view(organization, CODE).version(SECRET_KEY);
        // Another admin deletes the credentials and stores new ones in between.
        settings.delete("admin2", organization, CODE);
        settings.update("admin2", organization, CODE, TestProviderFactory.credentials(organization, "v2"));

        assertThatThrownBy(() -> settings.update("admin1", organization, CODE, SettingsUpdate.builder()
                .setSecret(SECRET_KEY, Secret.of("stale-form-secret")).expectVersion(SECRET_KEY, read).build()))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageNotContaining("stale-form-secret");
        assertThat(world.client(organization).secretKey()).isEqualTo(TestProviderFactory.secretKey(organization, "v2"));
    }

    @Test
    void rewrapNeverPutsARevokedSecretBackOverOneDeletedAndRecreatedMeanwhile() {
        byte[] k1 = TestKeys.randomKey();
        byte[] k2 = TestKeys.randomKey();
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        TestProviderFactory factory = new TestProviderFactory();
        OrganizationId organization = OrganizationId.random();
        store.addOrganization(organization);
        try (ProviderManager old = manager(store, ProviderRegistry.builder().register(factory).build(),
                KeyRing.builder().primary("k1", k1).build())) {
            old.settings().update("admin", organization, CODE, TestProviderFactory.credentials(organization, "revoked"));
        }
        KeyRing rotated = KeyRing.builder().primary("k2", k2).add("k1", k1).build();
        // Between rewrap's search and its write, another node deletes the settings and stores a new key under k1
        // (a node not yet on the new primary): the search result holds the revoked secret with its old version.
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        // Before rewrap's first write, whichever write method it uses.
        dev.providersettings.spi.CredentialStore racing = delegating(store, "save|saveAll", () -> {
            if (first.getAndSet(false)) {
                try (ProviderManager otherNode = manager(store, ProviderRegistry.builder().register(factory).build(),
                        KeyRing.builder().primary("k1", k1).build())) {
                    otherNode.settings().delete("admin2", organization, CODE);
                    otherNode.settings().update("admin2", organization, CODE, TestProviderFactory.credentials(organization, "new"));
                }
            }
        });
        try (ProviderManager manager = ProviderManager.builder().store(racing).cipher(new AesGcmSecretCipher(rotated))
                .registry(ProviderRegistry.builder().register(factory).build()).closeRegistryOnClose(false).build()) {
            RewrapReport report = manager.settings().rewrap("ops");

            assertThat(manager.get(organization, CODE, TestClient.class).secretKey())
                    .as("the new key stays; the revoked one is not written back")
                    .isEqualTo(TestProviderFactory.secretKey(organization, "new"));
            assertThat(report.conflicts()).isEqualTo(1);
            assertThat(report.rewrapped()).as("the re-created secret, written under k1 by the other node").isEqualTo(1);
            assertThat(report.complete()).isTrue();
            assertThat(manager.get(organization, CODE, TestClient.class).secretKey())
                    .isEqualTo(TestProviderFactory.secretKey(organization, "new"));
        }
        assertThat(store.findSecretsNotEncryptedWith("k2", 10)).isEmpty();
    }

    /** A store that runs {@code before} ahead of every call of a method whose name matches the regex, then delegates. */
    static dev.providersettings.spi.CredentialStore delegating(dev.providersettings.spi.CredentialStore store,
                                                               String methodName, Runnable before) {
        return (dev.providersettings.spi.CredentialStore) java.lang.reflect.Proxy.newProxyInstance(
                SettingsServiceTest.class.getClassLoader(), new Class<?>[]{dev.providersettings.spi.CredentialStore.class},
                (proxy, method, args) -> {
                    if (method.getName().matches(methodName)) {
                        before.run();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Throwable catchThrowable(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected an exception");
    }

    @Test
    void viewShowsVersionsAndNonSecretValuesOnly() {
        OrganizationId organization = world.organizationWithCredentials();
        SettingsView view = settings.view(organization, CODE);

        assertThat(view.missingRequired()).isEmpty();
        SettingsView.Entry secret = view.settings().stream().filter(s -> s.key().equals(SECRET_KEY)).findFirst().orElseThrow();
        assertThat(secret.set()).isTrue();
        assertThat(secret.value()).isNull();
        assertThat(secret.version()).isEqualTo(stored(organization).settings().get(SECRET_KEY).version()).isPositive();
        assertThat(secret.updatedAt()).isNotNull();
        assertThat(view.toString()).contains(TestProviderFactory.accessKey(organization, "v1"))
                .doesNotContain(TestProviderFactory.secretKey(organization, "v1").reveal());
        SettingsView.Entry region = view.settings().stream().filter(s -> s.key().equals(REGION)).findFirst().orElseThrow();
        assertThat(region.set()).isFalse();
    }

    @Test
    void deleteRemovesEverythingAndInvalidates() {
        OrganizationId organization = world.organizationWithCredentials();
        TestClient client = world.client(organization);

        assertThat(settings.delete("admin", organization, CODE)).isEqualTo(3);

        assertThat(client.isClosed()).isTrue();
        assertThatThrownBy(() -> world.client(organization)).isInstanceOf(MissingCredentialsException.class);
        assertThat(world.store.auditTrail()).filteredOn(a -> a.action() == InMemoryCredentialStore.AuditAction.DELETE)
                .hasSize(3).allSatisfy(a -> assertThat(a.actor()).isEqualTo("admin"));
    }

    @Test
    void probeRunsBeforeSavingAndAFailedProbeWritesNothing() {
        OrganizationId organization = world.organizationWithCredentials();
        assertThat(settings.probe(organization, CODE).passed()).isTrue();
        StoredSettings before = stored(organization);

        assertThatThrownBy(() -> settings.updateAfterProbe("a", organization, CODE, SettingsUpdate.builder()
                .setSecret(SECRET_KEY, Secret.of("bad-key-value")).build()))
                .isInstanceOf(CredentialProbeFailedException.class)
                .hasMessageContaining("secret_key_accepted").hasMessageContaining("nothing was written")
                .hasMessageNotContaining("bad-key-value");
        assertThat(stored(organization)).isEqualTo(before);

        settings.updateAfterProbe("a", organization, CODE, SettingsUpdate.builder()
                .setSecret(SECRET_KEY, Secret.of("good-key-value")).build());
        assertThat(world.client(organization).secretKey().reveal()).isEqualTo("good-key-value");

        OrganizationId empty = world.organization();
        assertThatThrownBy(() -> settings.updateAfterProbe("a", empty, CODE, SettingsUpdate.builder()
                .set(ACCESS_KEY, "x").build())).isInstanceOf(MissingCredentialsException.class);
        assertThatThrownBy(() -> settings.probe(empty, CODE)).isInstanceOf(MissingCredentialsException.class);
    }

    @Test
    void rotationAndRewrapLetTheOldKeyBeRemoved() {
        byte[] k1 = TestKeys.randomKey();
        byte[] k2 = TestKeys.randomKey();
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        TestProviderFactory factory = new TestProviderFactory();
        Supplier<ProviderRegistry> registry = () -> ProviderRegistry.builder().register(factory).build();
        List<OrganizationId> organizations = List.of(OrganizationId.random(), OrganizationId.random(), OrganizationId.random());
        organizations.forEach(store::addOrganization);
        try (ProviderManager old = manager(store, registry.get(), KeyRing.builder().primary("k1", k1).build())) {
            organizations.forEach(o -> old.settings().update("seed", o, CODE, TestProviderFactory.credentials(o, "v1")));
        }
        assertThat(store.findSecretsNotEncryptedWith("k2", 100)).hasSize(3);

        try (ProviderManager rotated = manager(store, registry.get(), KeyRing.builder().primary("k2", k2).add("k1", k1).build())) {
            assertThat(rotated.get(organizations.get(0), CODE, TestClient.class).secretKey())
                    .isEqualTo(TestProviderFactory.secretKey(organizations.get(0), "v1"));
            RewrapReport report = rotated.settings().rewrap("ops");
            assertThat(report).isEqualTo(new RewrapReport("k2", 3, 0, 0, List.of(), 0, false));
            assertThat(report.complete()).isTrue();
            assertThat(rotated.settings().rewrap("ops").rewrapped()).isZero();
        }
        assertThat(store.findSecretsNotEncryptedWith("k2", 100)).isEmpty();

        try (ProviderManager onlyNew = manager(store, registry.get(), KeyRing.builder().primary("k2", k2).build())) {
            for (OrganizationId organization : organizations) {
                assertThat(onlyNew.get(organization, CODE, TestClient.class).secretKey())
                        .isEqualTo(TestProviderFactory.secretKey(organization, "v1"));
            }
        }
        try (ProviderManager onlyOld = manager(store, registry.get(), KeyRing.builder().primary("k1", k1).build())) {
            assertThatThrownBy(() -> onlyOld.get(organizations.get(0), CODE, TestClient.class))
                    .isInstanceOf(SecretDecryptionException.class).hasMessageContaining("'k2'")
                    .hasMessageContaining(organizations.get(0).toString()).hasMessageContaining(SECRET_KEY);
        }
    }

    @Test
    void rewrapSkipsAndCountsSecretsChangedConcurrently() {
        byte[] k1 = TestKeys.randomKey();
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        TestProviderFactory factory = new TestProviderFactory();
        List<OrganizationId> organizations = List.of(OrganizationId.random(), OrganizationId.random());
        organizations.forEach(store::addOrganization);
        try (ProviderManager old = manager(store, ProviderRegistry.builder().register(factory).build(),
                KeyRing.builder().primary("k1", k1).build())) {
            organizations.forEach(o -> old.settings().update("seed", o, CODE, TestProviderFactory.credentials(o, "v1")));
        }
        AesGcmSecretCipher rotated = new AesGcmSecretCipher(KeyRing.builder().primary("k2", TestKeys.randomKey()).add("k1", k1).build());
        OrganizationId raced = organizations.get(0);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        // A store whose first rewrap query is followed by another node's write of the same secret.
        dev.providersettings.spi.CredentialStore racing = (dev.providersettings.spi.CredentialStore) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{dev.providersettings.spi.CredentialStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("findSecretsNotEncryptedWith") && first.getAndSet(false)) {
                        dev.providersettings.spi.SecretContext context = new dev.providersettings.spi.SecretContext(raced, ProviderCode.of(CODE), SECRET_KEY);
                        store.save(new dev.providersettings.spi.SettingsBatch(raced, ProviderCode.of(CODE), "other-node", List.of(
                                new dev.providersettings.spi.SettingWrite(SECRET_KEY, new StoredValue.Encrypted(
                                        rotated.encrypt(Secret.of("changed-elsewhere"), context)), -1))));
                    }
                    return result;
                });
        try (ProviderManager manager = ProviderManager.builder().store(racing).cipher(rotated)
                .registry(ProviderRegistry.builder().register(factory).build()).closeRegistryOnClose(false).build()) {
            RewrapReport report = manager.settings().rewrap("ops");

            assertThat(report).isEqualTo(new RewrapReport("k2", 1, 1, 0, List.of(), 0, false));
            assertThat(manager.get(raced, CODE, TestClient.class).secretKey().reveal()).isEqualTo("changed-elsewhere");
            assertThat(manager.get(organizations.get(1), CODE, TestClient.class).secretKey())
                    .isEqualTo(TestProviderFactory.secretKey(organizations.get(1), "v1"));
        }
        assertThat(store.findSecretsNotEncryptedWith("k2", 10)).isEmpty();
    }

    @Test
    void aStoredValueOfAnotherTypeThanDeclaredIsAConfigurationError() {
        OrganizationId organization = world.organizationWithCredentials();
        world.store.save(new dev.providersettings.spi.SettingsBatch(organization, ProviderCode.of(CODE), "old-version",
                List.of(new dev.providersettings.spi.SettingWrite(ACCESS_KEY, new StoredValue.Integer(5), -1))));
        assertThatThrownBy(() -> world.client(organization))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(ACCESS_KEY).hasMessageContaining("type integer").hasMessageContaining("declares text");
    }

    private static ProviderManager manager(InMemoryCredentialStore store, ProviderRegistry registry, KeyRing ring) {
        return ProviderManager.builder().store(store).registry(registry).cipher(new AesGcmSecretCipher(ring))
                .closeRegistryOnClose(false).build();
    }

    @Test
    void ciphertextCopiedIntoAnotherOrganizationsRowFailsToDecrypt() {
        OrganizationId victim = world.organizationWithCredentials();
        OrganizationId attacker = world.organizationWithCredentials();
        StoredValue victimSecret = stored(victim).settings().get(SECRET_KEY).value();

        world.store.save(new dev.providersettings.spi.SettingsBatch(attacker, ProviderCode.of(CODE), "attacker",
                List.of(new dev.providersettings.spi.SettingWrite(SECRET_KEY, victimSecret, -1))));

        assertThatThrownBy(() -> world.client(attacker))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining(attacker.toString()).hasMessageContaining(SECRET_KEY)
                .hasMessageNotContaining(TestProviderFactory.secretKey(victim, "v1").reveal());
        assertThat(world.factory.clients()).noneMatch(c -> c.organization().equals(attacker));
        // Not cached: once the row is fixed, the next get succeeds.
        world.manager.settings().update("fix", attacker, CODE, TestProviderFactory.credentials(attacker, "v2"));
        assertThat(world.client(attacker).secretKey()).isEqualTo(TestProviderFactory.secretKey(attacker, "v2"));
    }
}
