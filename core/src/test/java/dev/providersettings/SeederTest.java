package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.SeedingException;
import dev.providersettings.exception.UnknownProviderException;
import dev.providersettings.exception.VersionConflictException;

import dev.providersettings.spi.StoredSettings;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.testing.TestProviderFactory.ACCESS_KEY;
import static dev.providersettings.testing.TestProviderFactory.CODE;
import static dev.providersettings.testing.TestProviderFactory.PROJECT_ID;
import static dev.providersettings.testing.TestProviderFactory.SECRET_KEY;
import static dev.providersettings.testing.TestProviderFactory.TIMEOUT_SECONDS;
import static dev.providersettings.testing.TestProviderFactory.VERBOSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeederTest {
    private final TestWorld world = new TestWorld();
    private final String project = UUID.randomUUID().toString();

    @AfterEach
    void close() {
        world.close();
    }

    private Map<String, String> environment() {
        return Map.of("TC_PROJECT_ID", project, "TC_ACCESS_KEY", "ENVACCESS", "TC_SECRET_KEY", "env-secret",
                "TC_TIMEOUT", "45", "TC_VERBOSE", "TRUE");
    }

    private Map<OrganizationId, StoredSettings> snapshot(List<OrganizationId> organizations) {
        return world.store.loadMany(ProviderCode.of(CODE), organizations);
    }

    @Test
    void isIdempotentASecondRunWritesNothingAndBumpsNoVersion() {
        List<OrganizationId> organizations = List.of(world.organization(), world.organization());
        SeedReport first = world.manager.seeder().seed("seed", CODE, SecretSource.environment(environment()));
        assertThat(first.writtenCount()).isEqualTo(2 * 5);
        Map<OrganizationId, StoredSettings> after = snapshot(organizations);
        int audit = world.store.auditTrail().size();

        SeedReport second = world.manager.seeder().seed("seed", CODE, SecretSource.environment(environment()));

        assertThat(second.writtenCount()).isZero();
        assertThat(second.organizations()).allSatisfy(r -> assertThat(r.unchanged())
                .containsExactlyInAnyOrder(PROJECT_ID, ACCESS_KEY, SECRET_KEY, TIMEOUT_SECONDS, VERBOSE));
        assertThat(snapshot(organizations)).isEqualTo(after);
        assertThat(world.store.auditTrail()).hasSize(audit);
        assertThat(world.client(organizations.get(0)).secretKey().reveal()).isEqualTo("env-secret");
    }

    @Test
    void writesOnlyChangedKeys() {
        OrganizationId organization = world.organization();
        world.manager.seeder().seed("seed", CODE, SecretSource.environment(environment()));
        SettingsView before = world.manager.settings().view(organization, CODE);
        Map<String, String> changed = new java.util.HashMap<>(environment());
        changed.put("TC_SECRET_KEY", "rotated-secret");

        SeedReport report = world.manager.seeder().seed("seed", CODE, SecretSource.environment(changed));

        assertThat(report.of(organization).orElseThrow().written()).containsExactly(SECRET_KEY);
        SettingsView after = world.manager.settings().view(organization, CODE);
        assertThat(after.version(SECRET_KEY)).isGreaterThan(before.version(SECRET_KEY));
        assertThat(after.version(ACCESS_KEY)).isEqualTo(before.version(ACCESS_KEY));
        assertThat(world.client(organization).secretKey().reveal()).isEqualTo("rotated-secret");
    }

    @Test
    void seedingNeverOverwritesSettingsDeletedAndRecreatedDuringTheRun() {
        OrganizationId organization = world.organization();
        world.manager.seeder().seed("seed", CODE, SecretSource.environment(environment()));
        Map<String, String> rotated = new java.util.HashMap<>(environment());
        rotated.put("TC_SECRET_KEY", "seeded-rotation");
        // After the seeder read the stored versions, an admin deletes the settings and stores new credentials.
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.providersettings.spi.CredentialStore racing = SettingsServiceTest.delegating(world.store, "saveAll", () -> {
            if (first.getAndSet(false)) {
                world.manager.settings().delete("admin", organization, CODE);
                world.manager.settings().update("admin", organization, CODE,
                        TestProviderFactory.credentials(organization, "admin"));
            }
        });
        try (ProviderManager manager = ProviderManager.builder().store(racing).cipher(world.cipher)
                .registry(ProviderRegistry.builder().register(new dev.providersettings.testing.TestProviderFactory()).build()).build()) {
            assertThatThrownBy(() -> manager.seeder().seed("seed", CODE, SecretSource.environment(rotated)))
                    .isInstanceOf(VersionConflictException.class).hasMessageNotContaining("seeded-rotation");
        }
        assertThat(world.client(organization).secretKey())
                .isEqualTo(dev.providersettings.testing.TestProviderFactory.secretKey(organization, "admin"));
    }

    @Test
    void perOrganizationDirectoriesGiveEachOrganizationItsOwnKeys(@TempDir Path root) throws IOException {
        OrganizationId a = world.organization();
        OrganizationId b = world.organization();
        for (OrganizationId organization : List.of(a, b)) {
            Path dir = Files.createDirectories(root.resolve(organization.value().toString()));
            Files.writeString(dir.resolve("testcloud_secret_key"), "secret-of-" + organization + "\n");
            Files.writeString(dir.resolve("testcloud_access_key"), "ACCESS" + organization.value().toString().substring(0, 4) + "  \n");
            Files.writeString(dir.resolve("testcloud_project_id"), TestProviderFactory.projectId(organization));
        }
        SecretSource source = SecretSource.firstOf(SecretSource.perOrganizationDirectory(root),
                SecretSource.environment(Map.of("TESTCLOUD_PROJECT_ID", project)));

        SeedReport report = world.manager.seeder().seed("seed", CODE, source, List.of(a, b));

        assertThat(world.client(a).secretKey().reveal()).isEqualTo("secret-of-" + a);
        assertThat(world.client(b).secretKey().reveal()).isEqualTo("secret-of-" + b);
        assertThat(world.client(a).accessKey()).isEqualTo("ACCESS" + a.value().toString().substring(0, 4));
        assertThat(world.client(b).projectId()).as("the shared project id is not used").isEqualTo(TestProviderFactory.projectId(b));
        assertThat(report.organizations()).extracting(SeedReport.OrganizationResult::source)
                .containsOnly("per-organization directory " + root);
    }

    @Test
    void anOrganizationNeverGetsSomeSettingsFromItsOwnDirectoryAndTheRestFromSharedOnes(@TempDir Path root) throws IOException {
        OrganizationId own = world.organization();
        OrganizationId shared = world.organization();
        OrganizationId emptyDir = world.organization();
        Path dir = Files.createDirectories(root.resolve(own.value().toString()));
        Files.writeString(dir.resolve("testcloud_secret_key"), "own-secret-of-a");
        Files.createDirectories(root.resolve(emptyDir.value().toString()));
        SecretSource source = SecretSource.firstOf(SecretSource.perOrganizationDirectory(root),
                SecretSource.environment(environment()));

        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, source))
                .isInstanceOf(SeedingException.class)
                .hasMessageContaining(own + " [" + PROJECT_ID + ", " + ACCESS_KEY + "] (source: per-organization directory " + root + ")")
                .hasMessageContaining(emptyDir + " [" + PROJECT_ID + ", " + ACCESS_KEY + ", " + SECRET_KEY + "]")
                .hasMessageContaining("one source").hasMessageNotContaining("own-secret-of-a")
                .satisfies(e -> assertThat(((SeedingException) e).missing()).containsOnlyKeys(own, emptyDir));
        assertThat(world.store.auditTrail()).isEmpty();

        SeedReport report = world.manager.seeder().skipIncomplete().seed("seed", CODE, source);
        assertThat(report.skipped()).containsExactlyInAnyOrder(own, emptyDir);
        assertThat(report.of(own).orElseThrow().source()).isEqualTo("per-organization directory " + root);
        assertThat(report.of(shared).orElseThrow().source()).isEqualTo("environment");
        assertThat(world.client(shared).secretKey().reveal()).isEqualTo("env-secret");
        assertThatThrownBy(() -> world.client(own)).as("nothing stored: no mix of own secret and shared project")
                .isInstanceOf(MissingCredentialsException.class);
        assertThat(report.toString()).doesNotContain("own-secret-of-a").doesNotContain("env-secret");
    }

    @Test
    void anUnresolvableOrIrregularSecretFileIsAnErrorNotAFallbackToSharedCredentials(@TempDir Path root) throws IOException {
        OrganizationId organization = world.organization();
        Path dir = Files.createDirectories(root.resolve(organization.value().toString()));
        Files.writeString(dir.resolve("testcloud_project_id"), TestProviderFactory.projectId(organization));
        Files.writeString(dir.resolve("testcloud_access_key"), "OWNAK");
        // A mounted secret that went missing: the link points nowhere.
        Files.createSymbolicLink(dir.resolve("testcloud_secret_key"), root.resolve("gone"));
        SecretSource source = SecretSource.firstOf(SecretSource.perOrganizationDirectory(root),
                SecretSource.environment(environment()));

        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, source))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("testcloud_secret_key")
                .hasMessageContaining("cannot be resolved");
        assertThatThrownBy(() -> world.manager.seeder().plan(CODE, source)).isInstanceOf(ConfigurationException.class);

        Files.delete(dir.resolve("testcloud_secret_key"));
        Files.createDirectories(dir.resolve("testcloud_secret_key"));
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, source))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a regular file");

        // The organization's directory itself is a dangling link: an error too, not "no directory here".
        Files.delete(dir.resolve("testcloud_secret_key"));
        Files.delete(dir.resolve("testcloud_project_id"));
        Files.delete(dir.resolve("testcloud_access_key"));
        Files.delete(dir);
        Files.createSymbolicLink(dir, root.resolve("unmounted"));
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, source))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(dir.toString());
        // So is the root of the per-organization directories.
        Path danglingRoot = Files.createSymbolicLink(root.resolve("orgs-link"), root.resolve("not-mounted"));
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, SecretSource.firstOf(
                SecretSource.perOrganizationDirectory(danglingRoot), SecretSource.environment(environment()))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("orgs-link");
        assertThat(world.store.auditTrail()).isEmpty();
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void anUnreadableSecretFileIsAnError(@TempDir Path root) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "file permissions do not apply to root");
        world.organization();
        Path file = Files.writeString(root.resolve("testcloud_secret_key"), "unreadable");
        Files.setPosixFilePermissions(file, java.util.Set.of());
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, SecretSource.firstOf(
                SecretSource.directory(root), SecretSource.environment(environment()))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void planSaysWhereEachOrganizationsSettingsComeFromAndWritesNothing(@TempDir Path root) throws IOException {
        OrganizationId own = world.organization();
        OrganizationId shared = world.organization();
        OrganizationId incomplete = world.organization();
        Path dir = Files.createDirectories(root.resolve(own.value().toString()));
        Files.writeString(dir.resolve("testcloud_secret_key"), "own-secret");
        Files.writeString(dir.resolve("testcloud_access_key"), "OWNAK");
        Files.writeString(dir.resolve("testcloud_project_id"), TestProviderFactory.projectId(own));
        Files.writeString(Files.createDirectories(root.resolve(incomplete.value().toString())).resolve("testcloud_access_key"), "X");
        SecretSource source = SecretSource.firstOf(SecretSource.perOrganizationDirectory(root),
                SecretSource.environment(environment()));

        SeedPlan plan = world.manager.seeder().plan(CODE, source);

        assertThat(world.store.auditTrail()).isEmpty();
        assertThat(plan.of(own).orElseThrow()).satisfies(e -> {
            assertThat(e.action()).isEqualTo(SeedPlan.Action.WRITE);
            assertThat(e.source()).isEqualTo("per-organization directory " + root);
            assertThat(e.keys()).containsExactlyInAnyOrder(PROJECT_ID, ACCESS_KEY, SECRET_KEY);
            assertThat(e.provider()).isEqualTo(ProviderCode.of(CODE));
        });
        assertThat(plan.of(shared).orElseThrow().source()).isEqualTo("environment");
        assertThat(plan.of(shared).orElseThrow().keys()).contains(TIMEOUT_SECONDS, VERBOSE);
        assertThat(plan.of(incomplete).orElseThrow().action()).isEqualTo(SeedPlan.Action.INCOMPLETE);
        assertThat(plan.of(incomplete).orElseThrow().missing()).containsExactly(PROJECT_ID, SECRET_KEY);
        assertThat(plan.toString()).doesNotContain("own-secret").doesNotContain("env-secret");

        world.manager.seeder().skipIncomplete().seed("seed", CODE, source);
        SeedPlan again = world.manager.seeder().plan(CODE, source);
        assertThat(again.withAction(SeedPlan.Action.UNCHANGED)).extracting(SeedPlan.Entry::organization)
                .containsExactlyInAnyOrder(own, shared);
        assertThat(again.withAction(SeedPlan.Action.INCOMPLETE)).extracting(SeedPlan.Entry::organization)
                .containsExactly(incomplete);

        OrganizationId nothing = world.organization();
        SeedPlan none = world.manager.seeder().plan(CODE, SecretSource.environment(Map.of()), List.of(nothing));
        assertThat(none.of(nothing).orElseThrow().source()).isEqualTo(SeedReport.NO_SOURCE);
        assertThat(none.of(nothing).orElseThrow().action()).isEqualTo(SeedPlan.Action.INCOMPLETE);
    }

    @Test
    void aChainRefusesPerSettingLookups() {
        SecretSource chain = SecretSource.firstOf(SecretSource.environment(environment()));
        assertThatThrownBy(() -> chain.lookup(OrganizationId.random(), SettingDefinition.text(PROJECT_ID)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sourceFor");
        assertThat(chain.name()).isEqualTo("first of [environment]");
        assertThatThrownBy(() -> SecretSource.merged(SecretSource.perOrganizationDirectory(Path.of("/run/secrets/orgs")),
                SecretSource.environment(environment()))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must not be combined");
    }

    @Test
    void organizationsLackingRequiredValuesFailLoudlyByDefaultOrAreSkipped(@TempDir Path root) throws IOException {
        OrganizationId complete = world.organization();
        OrganizationId incomplete = world.organization();
        Path dir = Files.createDirectories(root.resolve(complete.value().toString()));
        Files.writeString(dir.resolve("testcloud_secret_key"), "only-complete-has-it");
        Files.writeString(dir.resolve("testcloud_access_key"), "OWNAK");
        Files.writeString(dir.resolve("testcloud_project_id"), TestProviderFactory.projectId(complete));
        SecretSource source = SecretSource.firstOf(SecretSource.perOrganizationDirectory(root),
                SecretSource.environment(Map.of("TC_PROJECT_ID", project, "TC_ACCESS_KEY", "AK")));

        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, source))
                .isInstanceOf(SeedingException.class)
                .hasMessageContaining(incomplete.toString()).hasMessageContaining(SECRET_KEY)
                .hasMessageContaining("nothing was written").hasMessageNotContaining("only-complete-has-it")
                .satisfies(e -> assertThat(((SeedingException) e).missing()).containsOnlyKeys(incomplete));
        assertThat(world.store.auditTrail()).isEmpty();

        SeedReport report = world.manager.seeder().skipIncomplete().seed("seed", CODE, source);
        assertThat(report.skipped()).containsExactly(incomplete);
        assertThat(report.of(incomplete).orElseThrow().missing()).containsExactly(SECRET_KEY);
        assertThat(report.of(incomplete).orElseThrow().written()).isEmpty();
        assertThat(report.of(complete).orElseThrow().written()).containsExactlyInAnyOrder(PROJECT_ID, ACCESS_KEY, SECRET_KEY);
        assertThatThrownBy(() -> world.client(incomplete)).isInstanceOf(MissingCredentialsException.class);
    }

    @Test
    void invalidSourceValuesAndUnknownOrganizationsWriteNothing() {
        OrganizationId organization = world.organization();
        Map<String, String> bad = new java.util.HashMap<>(environment());
        bad.put("TC_TIMEOUT", "forty");
        bad.put("TC_PROJECT_ID", "not-a-uuid");
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, SecretSource.environment(bad)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(TIMEOUT_SECONDS).hasMessageContaining("whole number")
                .hasMessageContaining(PROJECT_ID).hasMessageNotContaining("forty");

        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, SecretSource.environment(environment()),
                List.of(organization, unknown)))
                .isInstanceOf(MissingOrganizationException.class).hasMessageContaining(unknown.toString());
        assertThatThrownBy(() -> world.manager.seeder().seed(" ", CODE, SecretSource.environment(environment())))
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", "nope", SecretSource.environment(environment())))
                .isInstanceOf(UnknownProviderException.class);
        assertThat(world.store.auditTrail()).isEmpty();
    }

    @Test
    void settingsWithoutADeclaredFileNameAreReadFromTheKeyInLowerCase(@TempDir Path dir) throws IOException {
        OrganizationId organization = world.organization();
        Files.writeString(dir.resolve("testcloud_project_id"), project + "\n");
        Files.writeString(dir.resolve("testcloud_timeout_seconds"), "12\n");
        Files.writeString(dir.resolve("testcloud_secret_key"), "line-one\nline-two\n");
        Files.writeString(dir.resolve("testcloud_access_key"), "AK");

        SeedReport report = world.manager.seeder().seed("seed", CODE, SecretSource.directory(dir));

        assertThat(report.of(organization).orElseThrow().written()).contains(PROJECT_ID, TIMEOUT_SECONDS);
        assertThat(world.manager.settings().view(organization, CODE).settings()).filteredOn(e -> e.key().equals(TIMEOUT_SECONDS))
                .singleElement().satisfies(e -> assertThat(e.value()).isEqualTo(12L));
        assertThat(world.client(organization).secretKey().reveal()).as("multi-line secrets are kept, the final newline trimmed")
                .isEqualTo("line-one\nline-two");
    }

    @Test
    void emptySecretFilesAreAnErrorNotAnEmptySecret(@TempDir Path dir) throws IOException {
        world.organization();
        Files.writeString(dir.resolve("testcloud_secret_key"), "\n");
        assertThatThrownBy(() -> world.manager.seeder().seed("seed", CODE, SecretSource.directory(dir)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("testcloud_secret_key").hasMessageContaining("is empty");
    }

    @Test
    void batchesOneLoadManyAndOneSaveAllPerChunk() {
        List<OrganizationId> organizations = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            organizations.add(world.organization());
        }
        AtomicInteger saveAllCalls = new AtomicInteger();
        AtomicInteger saveCalls = new AtomicInteger();
        InMemoryCredentialStore counting = world.store;
        dev.providersettings.spi.CredentialStore wrapper = new dev.providersettings.spi.CredentialStore() {
            public dev.providersettings.spi.StoredSettings load(OrganizationId o, ProviderCode p) { return counting.load(o, p); }
            public Map<OrganizationId, StoredSettings> loadMany(ProviderCode p, java.util.Collection<OrganizationId> os) { return counting.loadMany(p, os); }
            public Map<String, Long> save(dev.providersettings.spi.SettingsBatch b) { saveCalls.incrementAndGet(); return counting.save(b); }
            public void saveAll(List<dev.providersettings.spi.SettingsBatch> bs) { saveAllCalls.incrementAndGet(); counting.saveAll(bs); }
            public int deleteAll(OrganizationId o, ProviderCode p, String a) { return counting.deleteAll(o, p, a); }
            public List<OrganizationId> listOrganizations() { return counting.listOrganizations(); }
            public List<dev.providersettings.spi.SecretRef> findSecretsNotEncryptedWith(String k, int l) { return counting.findSecretsNotEncryptedWith(k, l); }
            public Subscription subscribe(java.util.function.Consumer<dev.providersettings.spi.ChangeEvent> l) { return counting.subscribe(l); }
        };
        try (ProviderManager manager = ProviderManager.builder().store(wrapper).cipher(world.cipher)
                .registry(ProviderRegistry.builder().register(new dev.providersettings.testing.TestProviderFactory()).build()).build()) {
            SeedReport report = manager.seeder().seed("seed", CODE, SecretSource.environment(environment()));
            assertThat(report.organizations()).hasSize(2500);
            assertThat(report.writtenCount()).isEqualTo(2500 * 5);
        }
        assertThat(saveAllCalls).hasValue(3);
        assertThat(saveCalls).hasValue(0);
        assertThat(world.client(organizations.get(2499)).secretKey().reveal()).isEqualTo("env-secret");
    }
}
