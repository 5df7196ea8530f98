package dev.providersettings.testing;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Everything the {@link CredentialStore} SPI promises, as a JUnit Jupiter suite: the author of a store (another
 * database, a Vault KV engine, a cloud secret manager) extends this class, implements {@link #newStore()} and
 * {@link #newOrganization()}, and runs it with the rest of the store's tests.
 *
 * {@code InMemoryCredentialStoreContractTest} (this artifact's tests, shown in its README) is a complete example.
 *
 * <p>It checks what the SPI's javadoc promises: check-and-set and versions that never repeat, atomic batches, change
 * events ("everything" and organization-wide events count for any provider, as {@link ChangeEvent} allows), isolation
 * between organizations, {@code loadMany}, ciphertext kept byte for byte and never printed, typed errors for bad
 * input, and exactly one winner among concurrent check-and-set writers.
 *
 * <p>Each test builds a store with {@link #newStore()} and closes it afterwards; it uses organizations of its own
 * ({@link #newOrganization()}), so the stores of one test class may share a database. Change events may arrive on
 * another thread and later than the write (a database's notification channel): the suite waits up to
 * {@link #eventTimeout()} for them.
 *
 * <p>Optional capabilities are on by default; a store without one overrides its {@code supports…} method to return
 * false, and the tests that need it are reported as skipped (aborted), not as passed:
 * <ul>
 *   <li>{@link #supportsOrganizationRemoval()}: {@link #removeOrganization} deletes an organization and its
 *       settings (like {@code ON DELETE CASCADE});</li>
 *   <li>{@link #supportsSecondNode()}: {@link #newStoreOnTheSameData()} opens a second instance on the same data
 *       (another service node); its writes reach the first instance's subscribers through the store's change feed.</li>
 * </ul>
 */
public abstract class CredentialStoreContract {
    /** The provider code the suite writes under. */
    protected static final ProviderCode PROVIDER = ProviderCode.of("contract");
    /** A second provider code, to check that providers are kept apart. */
    protected static final ProviderCode OTHER_PROVIDER = ProviderCode.of("contract-other");
    /** The actor the suite's writes are audited under. */
    protected static final String ACTOR = "contract-test";

    private final List<CredentialStore> opened = new ArrayList<>();
    private CredentialStore store;

    /**
     * A new store instance, called before each test; the suite closes it after the test. It may share its backing
     * data with stores of earlier tests: each test writes only to organizations it created.
     */
    protected abstract CredentialStore newStore();

    /** Creates an organization (with no settings) that {@link #store()} knows from now on. */
    protected abstract OrganizationId newOrganization();

    /**
     * Deletes an organization; its settings must go with it. Implement it, or return false from
     * {@link #supportsOrganizationRemoval()}.
     */
    protected void removeOrganization(OrganizationId organization) {
        throw new UnsupportedOperationException("implement removeOrganization(OrganizationId), or override"
                + " supportsOrganizationRemoval() to return false if the store cannot delete organizations");
    }

    /** Whether {@link #removeOrganization} is implemented (default true). */
    protected boolean supportsOrganizationRemoval() {
        return true;
    }

    /**
     * A second store instance on the same data as {@link #store()}, as another service node would open it; the
     * suite closes it. Implement it, or return false from {@link #supportsSecondNode()}.
     */
    protected CredentialStore newStoreOnTheSameData() {
        throw new UnsupportedOperationException("implement newStoreOnTheSameData(), or override supportsSecondNode()"
                + " to return false if instances of the store cannot share data (e.g. an in-memory store)");
    }

    /** Whether {@link #newStoreOnTheSameData()} is implemented (default true). */
    protected boolean supportsSecondNode() {
        return true;
    }

    /** How long to wait for a change event (default 30 s; events from a notification channel are asynchronous). */
    protected Duration eventTimeout() {
        return Duration.ofSeconds(30);
    }

    /** The store under test, from {@link #newStore()}. */
    protected final CredentialStore store() {
        return store;
    }

    @BeforeEach
    final void openStore() {
        store = open(newStore());
    }

    @AfterEach
    final void closeStores() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    private CredentialStore open(CredentialStore created) {
        assertThat(created).as("the store the contract test created").isNotNull();
        opened.add(created);
        return created;
    }

    // --------------------------------------------------------------------------------------------- helpers

    /** A batch of the suite's provider. */
    protected static SettingsBatch batch(OrganizationId organization, SettingWrite... writes) {
        return new SettingsBatch(organization, PROVIDER, ACTOR, List.of(writes));
    }

    /** A text write. */
    protected static SettingWrite text(String key, String value, long expectedVersion) {
        return new SettingWrite(key, new StoredValue.Text(value), expectedVersion);
    }

    private StoredValue valueOf(OrganizationId organization, String key) {
        var setting = store().load(organization, PROVIDER).settings().get(key);
        return setting == null ? null : setting.value();
    }

    /** Waits up to {@link #eventTimeout()} for a condition (events may be delivered on another thread). */
    protected final void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + eventTimeout().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + eventTimeout());
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private void awaitEvent(List<ChangeEvent> events, OrganizationId organization, ProviderCode provider)
            throws InterruptedException {
        await("a change event for organization " + organization + ", provider " + provider,
                () -> events.stream().anyMatch(ContractSupport.covers(organization, provider)));
    }

    // ------------------------------------------------------------------------------------ values and versions

    @Test
    void everyValueTypeRoundTripsWithAPositiveVersion() {
        OrganizationId organization = newOrganization();
        EncryptedSecret secret = new EncryptedSecret("k1", new byte[]{0, 1, 2, -128, 127, -1});
        Map<String, Long> versions = store().save(batch(organization,
                text("T", "text value ü, 'quoted' \"double\"", SettingWrite.ABSENT),
                new SettingWrite("I", new StoredValue.Integer(Long.MIN_VALUE), SettingWrite.ABSENT),
                new SettingWrite("B", new StoredValue.Bool(true), SettingWrite.ANY_VERSION),
                new SettingWrite("J", new StoredValue.Json("{\"a\": [1, 2]}"), SettingWrite.ANY_VERSION),
                new SettingWrite("S", new StoredValue.Encrypted(secret), SettingWrite.ANY_VERSION)));

        assertThat(versions).containsOnlyKeys("T", "I", "B", "J", "S").allSatisfy((k, v) -> assertThat(v).isPositive());
        StoredSettings stored = store().load(organization, PROVIDER);
        assertThat(stored.organization()).isEqualTo(organization);
        assertThat(stored.provider()).isEqualTo(PROVIDER);
        assertThat(stored.organizationExists()).isTrue();
        assertThat(stored.settings()).containsOnlyKeys("T", "I", "B", "J", "S");
        assertThat(stored.settings().get("T").value()).isEqualTo(new StoredValue.Text("text value ü, 'quoted' \"double\""));
        assertThat(stored.settings().get("I").value()).isEqualTo(new StoredValue.Integer(Long.MIN_VALUE));
        assertThat(stored.settings().get("B").value()).isEqualTo(new StoredValue.Bool(true));
        assertThat(stored.settings().get("J").value()).isInstanceOf(StoredValue.Json.class);
        assertThat(((StoredValue.Json) stored.settings().get("J").value()).value().replace(" ", "")).isEqualTo("{\"a\":[1,2]}");
        assertThat(stored.settings().get("S").value()).as("ciphertext kept byte for byte, with its key id")
                .isEqualTo(new StoredValue.Encrypted(secret));
        stored.settings().forEach((key, setting) -> {
            assertThat(setting.key()).isEqualTo(key);
            assertThat(setting.version()).isEqualTo(versions.get(key));
            assertThat(setting.updatedAt()).isNotNull();
        });
    }

    @Test
    void aWriteWithTheCurrentVersionSucceedsAndGivesAGreaterVersion() {
        OrganizationId organization = newOrganization();
        long first = store().save(batch(organization, text("A", "1", SettingWrite.ABSENT))).get("A");
        long second = store().save(batch(organization, text("A", "2", first))).get("A");
        assertThat(second).isGreaterThan(first);
        long third = store().save(batch(organization, text("A", "3", SettingWrite.ANY_VERSION))).get("A");
        assertThat(third).isGreaterThan(second);
        assertThat(store().load(organization, PROVIDER).settings().get("A").version()).isEqualTo(third);
        assertThat(valueOf(organization, "A")).isEqualTo(new StoredValue.Text("3"));
    }

    @Test
    void aStaleOrWrongVersionFailsAndTheWholeBatchWritesNothing() {
        OrganizationId organization = newOrganization();
        long version = store().save(batch(organization, text("A", "1", SettingWrite.ABSENT))).get("A");
        StoredSettings before = store().load(organization, PROVIDER);

        assertThatThrownBy(() -> store().save(batch(organization, text("B", "new", SettingWrite.ABSENT),
                text("A", "2", version + 1_000)))).isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> store().save(batch(organization, text("A", "2", SettingWrite.ABSENT))))
                .as("ABSENT on an existing key").isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> store().save(batch(organization, text("C", "3", SettingWrite.ANY_VERSION),
                new SettingWrite("Z", null, 12_345)))).as("deleting a key that does not exist at that version")
                .isInstanceOf(VersionConflictException.class);
        assertThat(store().load(organization, PROVIDER)).isEqualTo(before);
    }

    /**
     * A version read before a delete must never match the key created again afterwards: otherwise a check-and-set
     * prepared before the delete (a running rewrap, an admin's form, the seeder) writes an old value over the new one.
     */
    @Test
    void versionsNeverRepeatForAKeyAfterDeleteAndRecreate() {
        OrganizationId organization = newOrganization();
        List<Long> seen = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            long created = store().save(batch(organization, text("A", "round " + round, SettingWrite.ABSENT))).get("A");
            long updated = store().save(batch(organization, text("A", "changed " + round, created))).get("A");
            assertThat(seen).as("round %d", round).allSatisfy(old -> assertThat(created).isGreaterThan(old));
            seen.add(created);
            seen.add(updated);
            if (round % 2 == 0) {
                assertThat(store().save(batch(organization, new SettingWrite("A", null, updated)))).containsEntry("A", 0L);
            } else {
                assertThat(store().deleteAll(organization, PROVIDER, ACTOR)).isEqualTo(1);
            }
            long recreated = store().save(batch(organization, text("A", "recreated " + round, SettingWrite.ABSENT))).get("A");
            for (long stale : seen) {
                assertThatThrownBy(() -> store().save(batch(organization, text("A", "stale write", stale))))
                        .as("version %d read before the delete", stale).isInstanceOf(VersionConflictException.class);
            }
            assertThat(valueOf(organization, "A")).isEqualTo(new StoredValue.Text("recreated " + round));
            seen.add(recreated);
            store().deleteAll(organization, PROVIDER, ACTOR);
        }
    }

    @Test
    void versionsComeFromOneStoreWideCounterThatOnlyIncreases() {
        OrganizationId a = newOrganization();
        OrganizationId b = newOrganization();
        List<Long> versions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            versions.add(store().save(batch(a, text("K", "a" + i, SettingWrite.ANY_VERSION))).get("K"));
            versions.add(store().save(batch(b, text("K", "b" + i, SettingWrite.ANY_VERSION))).get("K"));
            versions.add(store().save(new SettingsBatch(a, OTHER_PROVIDER, ACTOR,
                    List.of(text("OTHER" + i, "x", SettingWrite.ABSENT)))).get("OTHER" + i));
        }
        assertThat(versions).as("versions of successive writes to different organizations, providers and keys")
                .isSorted().doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------------------------------- batches

    @Test
    void saveAllIsAllOrNothingWhenALaterBatchConflicts() {
        OrganizationId a = newOrganization();
        OrganizationId b = newOrganization();
        OrganizationId c = newOrganization();
        long cVersion = store().save(batch(c, text("A", "c", SettingWrite.ABSENT))).get("A");
        Map<OrganizationId, StoredSettings> before = store().loadMany(PROVIDER, List.of(a, b, c));

        assertThatThrownBy(() -> store().saveAll(List.of(
                batch(a, text("A", "a", SettingWrite.ABSENT)),
                batch(b, text("A", "b", SettingWrite.ANY_VERSION), text("B", "b", SettingWrite.ABSENT)),
                batch(c, text("A", "c2", cVersion + 1_000))))).isInstanceOf(VersionConflictException.class);
        assertThat(store().loadMany(PROVIDER, List.of(a, b, c))).as("nothing of the failed saveAll").isEqualTo(before);

        store().saveAll(List.of(batch(a, text("A", "a", SettingWrite.ABSENT)),
                batch(b, text("A", "b", SettingWrite.ABSENT)), batch(c, text("A", "c2", cVersion))));
        assertThat(valueOf(a, "A")).isEqualTo(new StoredValue.Text("a"));
        assertThat(valueOf(b, "A")).isEqualTo(new StoredValue.Text("b"));
        assertThat(valueOf(c, "A")).isEqualTo(new StoredValue.Text("c2"));
    }

    @Test
    void saveAllWithAnUnknownOrganizationWritesNothing() {
        OrganizationId known = newOrganization();
        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> store().saveAll(List.of(batch(known, text("A", "1", SettingWrite.ANY_VERSION)),
                batch(unknown, text("A", "1", SettingWrite.ANY_VERSION))))).isInstanceOf(MissingOrganizationException.class);
        assertThat(store().load(known, PROVIDER).settings()).isEmpty();
        assertThat(store().load(unknown, PROVIDER).settings()).isEmpty();
    }

    @Test
    void malformedInputFailsWithATypedExceptionAndWritesNothing() {
        OrganizationId organization = newOrganization();
        OrganizationId other = newOrganization();
        store().save(batch(organization, text("A", "1", SettingWrite.ABSENT)));
        StoredSettings before = store().load(organization, PROVIDER);

        assertWritesNothing(organization, before, InvalidSettingException.class, () -> store().save(batch(organization,
                text("B", "1", SettingWrite.ANY_VERSION), text("B", "2", SettingWrite.ANY_VERSION))));
        assertWritesNothing(organization, before, InvalidSettingException.class, () -> store().save(batch(organization,
                text("B", "1", SettingWrite.ANY_VERSION), new SettingWrite("C", new StoredValue.Text(null), SettingWrite.ANY_VERSION))));
        assertWritesNothing(organization, before, InvalidIdentifierException.class, () -> store().save(batch(organization,
                text("B", "1", SettingWrite.ANY_VERSION), text("not a key!", "2", SettingWrite.ANY_VERSION))));
        assertWritesNothing(organization, before, InvalidIdentifierException.class, () -> store().saveAll(List.of(
                batch(other, text("B", "1", SettingWrite.ANY_VERSION)),
                batch(organization, text("", "2", SettingWrite.ANY_VERSION)))));
        assertThat(store().load(other, PROVIDER).settings()).as("the valid batch of a failed saveAll").isEmpty();
        assertThatThrownBy(() -> store().findSecretsNotEncryptedWith(" ", 10)).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> store().findSecretsNotEncryptedWith("k1", 0)).isInstanceOf(InvalidSettingException.class);
    }

    private void assertWritesNothing(OrganizationId organization, StoredSettings before,
                                     Class<? extends RuntimeException> type, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(type).message().isNotBlank();
        assertThat(store().load(organization, PROVIDER)).isEqualTo(before);
    }

    @Test
    void nullArgumentsFailFastWithNullPointerException() {
        OrganizationId organization = newOrganization();
        assertThatThrownBy(() -> store().load(null, PROVIDER)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().load(organization, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().loadMany(null, List.of(organization))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().save(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().saveAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().deleteAll(null, PROVIDER, ACTOR)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().deleteAll(organization, null, ACTOR)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().subscribe(null)).isInstanceOf(NullPointerException.class);
        assertThat(store().load(organization, PROVIDER).settings()).isEmpty();
    }

    // -------------------------------------------------------------------------- organizations and isolation

    @Test
    void anUnknownOrganizationIsToldApartFromOneWithoutSettings() {
        OrganizationId unknown = OrganizationId.random();
        OrganizationId empty = newOrganization();
        assertThat(store().load(unknown, PROVIDER).organizationExists()).isFalse();
        assertThat(store().load(unknown, PROVIDER).settings()).isEmpty();
        assertThat(store().load(empty, PROVIDER).organizationExists()).isTrue();
        assertThat(store().load(empty, PROVIDER).settings()).isEmpty();

        assertThatThrownBy(() -> store().save(batch(unknown, text("A", "1", SettingWrite.ANY_VERSION))))
                .isInstanceOf(MissingOrganizationException.class);
        assertThat(store().load(unknown, PROVIDER).organizationExists()).isFalse();
        assertThat(store().load(unknown, PROVIDER).settings()).isEmpty();
        assertThat(store().listOrganizations()).contains(empty).doesNotContain(unknown).isSorted();
    }

    @Test
    void organizationsNeverSeeEachOthersSettingsUnderTheSameProvider() {
        OrganizationId a = newOrganization();
        OrganizationId b = newOrganization();
        store().save(batch(a, text("SHARED", "a", SettingWrite.ABSENT), text("ONLY_A", "a", SettingWrite.ABSENT)));
        store().save(batch(b, text("SHARED", "b", SettingWrite.ABSENT)));
        store().save(new SettingsBatch(a, OTHER_PROVIDER, ACTOR, List.of(text("SHARED", "a-other", SettingWrite.ABSENT))));

        assertThat(store().load(a, PROVIDER).settings()).containsOnlyKeys("SHARED", "ONLY_A");
        assertThat(valueOf(a, "SHARED")).isEqualTo(new StoredValue.Text("a"));
        assertThat(store().load(b, PROVIDER).settings()).containsOnlyKeys("SHARED");
        assertThat(valueOf(b, "SHARED")).isEqualTo(new StoredValue.Text("b"));
        assertThat(store().load(b, OTHER_PROVIDER).settings()).isEmpty();
        assertThat(store().load(a, OTHER_PROVIDER).settings().get("SHARED").value()).isEqualTo(new StoredValue.Text("a-other"));

        assertThat(store().deleteAll(a, PROVIDER, ACTOR)).isEqualTo(2);
        assertThat(store().load(a, PROVIDER).settings()).isEmpty();
        assertThat(valueOf(b, "SHARED")).as("b's settings survive a's deleteAll").isEqualTo(new StoredValue.Text("b"));
        assertThat(store().load(a, OTHER_PROVIDER).settings()).as("a's other provider survives").hasSize(1);
        long bVersion = store().load(b, PROVIDER).settings().get("SHARED").version();
        assertThatThrownBy(() -> store().save(batch(a, text("SHARED", "a2", bVersion))))
                .as("b's version does not match a's key").isInstanceOf(VersionConflictException.class);
    }

    @Test
    void loadManyReturnsEachRequestedOrganizationAsLoadWould() {
        OrganizationId a = newOrganization();
        OrganizationId b = newOrganization();
        OrganizationId empty = newOrganization();
        OrganizationId unknown = OrganizationId.random();
        store().save(batch(a, text("A", "a", SettingWrite.ABSENT)));
        store().save(batch(b, text("A", "b", SettingWrite.ABSENT), text("B", "b", SettingWrite.ABSENT)));

        Map<OrganizationId, StoredSettings> many = store().loadMany(PROVIDER, List.of(a, b, empty, unknown));
        assertThat(many).containsOnlyKeys(a, b, empty, unknown);
        for (OrganizationId organization : List.of(a, b, empty, unknown)) {
            assertThat(many.get(organization)).as("loadMany for %s", organization)
                    .isEqualTo(store().load(organization, PROVIDER));
        }
        assertThat(many.get(unknown).organizationExists()).isFalse();
        assertThat(many.get(empty).organizationExists()).isTrue();
        assertThat(store().loadMany(PROVIDER, List.of())).isEmpty();
        assertThat(store().loadMany(OTHER_PROVIDER, List.of(a, b)).values()).allSatisfy(s -> assertThat(s.settings()).isEmpty());
    }

    @Test
    void removingAnOrganizationRemovesItsSettings() {
        assumeTrue(supportsOrganizationRemoval(), "the store does not support removing organizations");
        OrganizationId organization = newOrganization();
        OrganizationId other = newOrganization();
        store().save(batch(organization, text("C", "3", SettingWrite.ABSENT)));
        store().save(batch(other, text("C", "3", SettingWrite.ABSENT)));
        removeOrganization(organization);
        assertThat(store().load(organization, PROVIDER).organizationExists()).isFalse();
        assertThat(store().load(organization, PROVIDER).settings()).isEmpty();
        assertThat(store().listOrganizations()).doesNotContain(organization).contains(other);
        assertThat(store().load(other, PROVIDER).settings()).containsOnlyKeys("C");
        assertThatThrownBy(() -> store().save(batch(organization, text("C", "4", SettingWrite.ANY_VERSION))))
                .isInstanceOf(MissingOrganizationException.class);
    }

    // ------------------------------------------------------------------------------- ciphertext only

    @Test
    void findsTheSecretsNotEncryptedUnderAKey() {
        OrganizationId organization = newOrganization();
        EncryptedSecret old = new EncryptedSecret("contract-old", new byte[]{9, 9, 9});
        long version = store().save(batch(organization,
                new SettingWrite("S", new StoredValue.Encrypted(old), SettingWrite.ABSENT),
                new SettingWrite("N", new StoredValue.Encrypted(new EncryptedSecret("contract-new", new byte[]{1})), SettingWrite.ABSENT),
                text("T", "contract-old", SettingWrite.ABSENT))).get("S");

        List<SecretRef> refs = store().findSecretsNotEncryptedWith("contract-new", Integer.MAX_VALUE).stream()
                .filter(r -> r.organization().equals(organization)).toList();
        assertThat(refs).singleElement().satisfies(ref -> {
            assertThat(ref.key()).isEqualTo("S");
            assertThat(ref.provider()).isEqualTo(PROVIDER);
            assertThat(ref.version()).isEqualTo(version);
            assertThat(ref.secret()).isEqualTo(old);
        });
        assertThat(store().findSecretsNotEncryptedWith("contract-new", 1)).hasSizeLessThanOrEqualTo(1);
    }

    /** The store sees ciphertext only; it must not print it either (toString, messages, its own DEBUG logs). */
    @Test
    void ciphertextIsNeverPrinted() {
        byte[] canary = "CONTRACT-CANARY-CIPHERTEXT".getBytes(StandardCharsets.US_ASCII);
        EncryptedSecret secret = new EncryptedSecret("contract-k", canary);
        List<String> forms = List.of("CONTRACT-CANARY", secret.ciphertextBase64().substring(0, 20),
                HexFormat.of().formatHex(canary).substring(0, 30));
        OrganizationId organization = newOrganization();
        String logs;
        List<String> printed = new ArrayList<>();
        try (LogCapture capture = ContractSupport.captureLogsOf(store())) {
            long version = store().save(batch(organization,
                    new SettingWrite("S", new StoredValue.Encrypted(secret), SettingWrite.ABSENT))).get("S");
            StoredSettings stored = store().load(organization, PROVIDER);
            printed.add(stored.toString());
            printed.add(store().loadMany(PROVIDER, List.of(organization)).toString());
            printed.add(store().findSecretsNotEncryptedWith("contract-other", Integer.MAX_VALUE).toString());
            printed.add(store().toString());
            Throwable conflict = catchThrowable(() -> store().save(batch(organization,
                    new SettingWrite("S", new StoredValue.Encrypted(secret), version + 1_000))));
            assertThat(conflict).isInstanceOf(VersionConflictException.class);
            printed.add(String.valueOf(conflict));
            assertThat(stored.settings().get("S").value()).isEqualTo(new StoredValue.Encrypted(secret));
            logs = capture == null ? "" : capture.text();
        }
        for (String form : forms) {
            assertThat(printed).allSatisfy(text -> assertThat(text).doesNotContain(form));
            assertThat(logs).as("the store's DEBUG logs").doesNotContain(form);
        }
    }

    // ------------------------------------------------------------------------------------ change events

    @Test
    void aSavePublishesAChangeEventForItsOrganizationAndProvider() throws InterruptedException {
        OrganizationId organization = newOrganization();
        OrganizationId bystander = newOrganization();
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (CredentialStore.Subscription ignored = store().subscribe(events::add)) {
            store().save(batch(organization, text("A", "1", SettingWrite.ANY_VERSION)));
            awaitEvent(events, organization, PROVIDER);
            assertThat(events).as("no event names an organization that was not written")
                    .noneMatch(e -> bystander.equals(e.organization()));
        }
    }

    @Test
    void saveAllPublishesAnEventForEveryWrittenOrganization() throws InterruptedException {
        OrganizationId a = newOrganization();
        OrganizationId b = newOrganization();
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (CredentialStore.Subscription ignored = store().subscribe(events::add)) {
            store().saveAll(List.of(batch(a, text("A", "1", SettingWrite.ANY_VERSION)),
                    new SettingsBatch(b, OTHER_PROVIDER, ACTOR, List.of(text("A", "1", SettingWrite.ANY_VERSION)))));
            awaitEvent(events, a, PROVIDER);
            awaitEvent(events, b, OTHER_PROVIDER);
        }
    }

    @Test
    void deleteAllPublishesAChangeEvent() throws InterruptedException {
        OrganizationId organization = newOrganization();
        store().save(batch(organization, text("A", "1", SettingWrite.ANY_VERSION)));
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (CredentialStore.Subscription ignored = store().subscribe(events::add)) {
            store().deleteAll(organization, PROVIDER, ACTOR);
            awaitEvent(events, organization, PROVIDER);
        }
    }

    @Test
    void aClosedSubscriptionReceivesNothingAndOtherListenersStillDo() throws InterruptedException {
        OrganizationId organization = newOrganization();
        List<ChangeEvent> closed = new CopyOnWriteArrayList<>();
        List<ChangeEvent> open = new CopyOnWriteArrayList<>();
        CredentialStore.Subscription subscription = store().subscribe(closed::add);
        try (CredentialStore.Subscription ignored = store().subscribe(open::add)) {
            store().save(batch(organization, text("A", "1", SettingWrite.ANY_VERSION)));
            awaitEvent(closed, organization, PROVIDER);
            awaitEvent(open, organization, PROVIDER);
            subscription.close();
            // events of the first write may still be on their way: wait until the open listener is quiet too
            TimeUnit.MILLISECONDS.sleep(300);
            int seen = closed.size();
            open.clear();
            store().save(batch(organization, text("A", "2", SettingWrite.ANY_VERSION)));
            awaitEvent(open, organization, PROVIDER);
            TimeUnit.MILLISECONDS.sleep(300);
            assertThat(closed).as("events after the subscription was closed").hasSize(seen);
        }
    }

    // ------------------------------------------------------------------------------------- concurrency

    /** Of concurrent writers that all expect the same version, exactly one wins; the others conflict. */
    @Test
    void ofConcurrentCheckAndSetWritersExactlyOneWins() throws Exception {
        OrganizationId organization = newOrganization();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            long expected = SettingWrite.ABSENT;
            for (int round = 0; round < 5; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Long>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    String value = "round " + round + " writer " + w;
                    long version = expected;
                    Callable<Long> write = () -> {
                        start.await();
                        return store().save(batch(organization, text("A", value, version))).get("A");
                    };
                    results.add(pool.submit(write));
                }
                start.countDown();
                List<Long> won = new ArrayList<>();
                for (Future<Long> result : results) {
                    try {
                        won.add(result.get(60, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).as("a losing writer's failure").isInstanceOf(VersionConflictException.class);
                    }
                }
                assertThat(won).as("round %d (expected version %d): winners", round, expected).hasSize(1);
                var stored = store().load(organization, PROVIDER).settings().get("A");
                assertThat(stored.version()).isEqualTo(won.get(0));
                assertThat(((StoredValue.Text) stored.value()).value()).startsWith("round " + round + " writer ");
                expected = won.get(0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --------------------------------------------------------------------------------------- second node

    @Test
    void aWriteOnAnotherNodeIsSeenAndPublishedHere() throws InterruptedException {
        assumeTrue(supportsSecondNode(), "the store does not support a second instance on the same data");
        CredentialStore other = open(newStoreOnTheSameData());
        OrganizationId organization = newOrganization();
        long mine = store().save(batch(organization, text("A", "here", SettingWrite.ABSENT))).get("A");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (CredentialStore.Subscription ignored = store().subscribe(events::add)) {
            long theirs = other.save(batch(organization, text("A", "there", mine))).get("A");
            assertThat(theirs).isGreaterThan(mine);
            awaitEvent(events, organization, PROVIDER);
            assertThat(valueOf(organization, "A")).isEqualTo(new StoredValue.Text("there"));
            assertThatThrownBy(() -> store().save(batch(organization, text("A", "stale", mine))))
                    .isInstanceOf(VersionConflictException.class);
            events.clear();
            assertThat(other.deleteAll(organization, PROVIDER, ACTOR)).isEqualTo(1);
            awaitEvent(events, organization, PROVIDER);
            assertThat(store().load(organization, PROVIDER).settings()).isEmpty();
        }
    }
}
