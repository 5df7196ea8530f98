package dev.providersettings.testing;

import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link CredentialStore} must have, as a reusable JUnit suite: extend it and implement
 * {@link #store()}, {@link #newOrganization()} and {@link #removeOrganization}. Each test uses fresh organizations,
 * so a shared database is fine. Change events may arrive asynchronously (LISTEN/NOTIFY); the suite waits for them
 * with a generous bound.
 */
public abstract class CredentialStoreContract {
    /** The provider code the suite writes under. */
    protected static final ProviderCode PROVIDER = ProviderCode.of("contract");

    /** The store under test (the same instance for the whole test). */
    protected abstract CredentialStore store();

    /** Creates an organization in the store's organizations table. */
    protected abstract OrganizationId newOrganization();

    /** Deletes an organization (its settings must cascade). */
    protected abstract void removeOrganization(OrganizationId organization);

    private static SettingsBatch batch(OrganizationId organization, SettingWrite... writes) {
        return new SettingsBatch(organization, PROVIDER, "contract-test", List.of(writes));
    }

    private static SettingWrite text(String key, String value, long expected) {
        return new SettingWrite(key, new StoredValue.Text(value), expected);
    }

    @Test
    void roundTripsEveryValueTypeWithVersions() {
        OrganizationId organization = newOrganization();
        EncryptedSecret secret = new EncryptedSecret("k1", new byte[]{1, 2, 3, 4, 5});
        Map<String, Long> versions = store().save(batch(organization,
                text("T", "text value ü", SettingWrite.ABSENT),
                new SettingWrite("I", new StoredValue.Integer(Long.MIN_VALUE), SettingWrite.ABSENT),
                new SettingWrite("B", new StoredValue.Bool(true), SettingWrite.ANY_VERSION),
                new SettingWrite("J", new StoredValue.Json("{\"a\": [1, 2]}"), SettingWrite.ANY_VERSION),
                new SettingWrite("S", new StoredValue.Encrypted(secret), SettingWrite.ANY_VERSION)));

        assertThat(versions).containsOnlyKeys("T", "I", "B", "J", "S").allSatisfy((k, v) -> assertThat(v).isPositive());
        StoredSettings stored = store().load(organization, PROVIDER);
        assertThat(stored.organizationExists()).isTrue();
        assertThat(stored.settings().get("T").value()).isEqualTo(new StoredValue.Text("text value ü"));
        assertThat(stored.settings().get("I").value()).isEqualTo(new StoredValue.Integer(Long.MIN_VALUE));
        assertThat(stored.settings().get("B").value()).isEqualTo(new StoredValue.Bool(true));
        assertThat(((StoredValue.Json) stored.settings().get("J").value()).value()).contains("\"a\"");
        assertThat(stored.settings().get("S").value()).isEqualTo(new StoredValue.Encrypted(secret));
        assertThat(stored.settings().get("T").updatedAt()).isNotNull();

        long first = versions.get("T");
        assertThat(stored.settings().get("T").version()).isEqualTo(first);
        long second = store().save(batch(organization, text("T", "changed", first))).get("T");
        assertThat(second).isGreaterThan(first);
        assertThat(store().load(organization, PROVIDER).settings().get("T").version()).isEqualTo(second);
    }

    /**
     * A version read before a delete must never match the key created again afterwards: otherwise a check-and-set
     * prepared before the delete (a running rewrap, an admin's form, the seeder) writes an old value over the new one.
     */
    @Test
    void versionsNeverRepeatForAKeyAfterDeleteAndRecreate() {
        OrganizationId organization = newOrganization();
        long seen = 0;
        for (int round = 0; round < 3; round++) {
            long created = store().save(batch(organization, text("A", "round " + round, SettingWrite.ABSENT))).get("A");
            assertThat(created).as("round %d", round).isGreaterThan(seen);
            long updated = store().save(batch(organization, text("A", "changed " + round, created))).get("A");
            assertThat(updated).isGreaterThan(created);
            seen = updated;
            if (round % 2 == 0) {
                store().save(batch(organization, new SettingWrite("A", null, updated)));
            } else {
                store().deleteAll(organization, PROVIDER, "contract-test");
            }
            long stale = updated;
            store().save(batch(organization, text("A", "recreated " + round, SettingWrite.ABSENT)));
            assertThatThrownBy(() -> store().save(batch(organization, text("A", "stale write", stale))))
                    .as("a version read before the delete").isInstanceOf(VersionConflictException.class);
            assertThatThrownBy(() -> store().save(batch(organization, text("A", "stale write", created))))
                    .isInstanceOf(VersionConflictException.class);
            assertThat(store().load(organization, PROVIDER).settings().get("A").value())
                    .isEqualTo(new StoredValue.Text("recreated " + round));
            seen = store().load(organization, PROVIDER).settings().get("A").version();
            store().deleteAll(organization, PROVIDER, "contract-test");
        }
    }

    @Test
    void aStaleVersionWritesNothing() {
        OrganizationId organization = newOrganization();
        store().save(batch(organization, text("A", "1", SettingWrite.ABSENT)));
        StoredSettings before = store().load(organization, PROVIDER);

        assertThatThrownBy(() -> store().save(batch(organization, text("B", "new", SettingWrite.ABSENT), text("A", "2", 7))))
                .isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> store().save(batch(organization, text("A", "2", SettingWrite.ABSENT))))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store().load(organization, PROVIDER)).isEqualTo(before);
    }

    @Test
    void unknownOrganizationsAreReportedAndNotWritten() {
        OrganizationId unknown = OrganizationId.random();
        assertThat(store().load(unknown, PROVIDER).organizationExists()).isFalse();
        assertThatThrownBy(() -> store().save(batch(unknown, text("A", "1", SettingWrite.ANY_VERSION))))
                .isInstanceOf(MissingOrganizationException.class);
        assertThat(store().load(unknown, PROVIDER).settings()).isEmpty();
    }

    @Test
    void saveAllIsAllOrNothingAndLoadManyReadsEveryOrganization() {
        OrganizationId a = newOrganization();
        OrganizationId b = newOrganization();
        assertThatThrownBy(() -> store().saveAll(List.of(batch(a, text("A", "1", SettingWrite.ANY_VERSION)),
                batch(b, text("A", "1", 5))))).isInstanceOf(VersionConflictException.class);
        assertThat(store().load(a, PROVIDER).settings()).isEmpty();

        store().saveAll(List.of(batch(a, text("A", "a", SettingWrite.ABSENT)), batch(b, text("A", "b", SettingWrite.ABSENT))));
        Map<OrganizationId, StoredSettings> both = store().loadMany(PROVIDER, List.of(a, b, OrganizationId.random()));
        assertThat(both.get(a).settings().get("A").value()).isEqualTo(new StoredValue.Text("a"));
        assertThat(both.get(b).settings().get("A").value()).isEqualTo(new StoredValue.Text("b"));
        assertThat(both.values()).filteredOn(s -> !s.organizationExists()).hasSize(1);
        assertThat(store().listOrganizations()).contains(a, b);
    }

    @Test
    void deletesSingleKeysAllKeysAndCascadesOrganizations() {
        OrganizationId organization = newOrganization();
        store().save(batch(organization, text("A", "1", SettingWrite.ABSENT), text("B", "2", SettingWrite.ABSENT)));
        long a = store().load(organization, PROVIDER).settings().get("A").version();
        assertThat(store().save(batch(organization, new SettingWrite("A", null, a)))).containsEntry("A", 0L);
        assertThat(store().load(organization, PROVIDER).settings()).containsOnlyKeys("B");
        assertThat(store().deleteAll(organization, PROVIDER, "contract-test")).isEqualTo(1);
        assertThat(store().load(organization, PROVIDER).settings()).isEmpty();

        store().save(batch(organization, text("C", "3", SettingWrite.ABSENT)));
        removeOrganization(organization);
        assertThat(store().load(organization, PROVIDER).organizationExists()).isFalse();
        assertThat(store().load(organization, PROVIDER).settings()).isEmpty();
    }

    @Test
    void findsSecretsNotUnderAKey() {
        OrganizationId organization = newOrganization();
        EncryptedSecret old = new EncryptedSecret("contract-old", new byte[]{9, 9, 9});
        long version = store().save(batch(organization, new SettingWrite("S", new StoredValue.Encrypted(old), SettingWrite.ABSENT),
                new SettingWrite("N", new StoredValue.Encrypted(new EncryptedSecret("contract-new", new byte[]{1})),
                        SettingWrite.ABSENT))).get("S");

        List<SecretRef> refs = store().findSecretsNotEncryptedWith("contract-new", 10_000).stream()
                .filter(r -> r.organization().equals(organization)).toList();
        assertThat(refs).singleElement().satisfies(ref -> {
            assertThat(ref.key()).isEqualTo("S");
            assertThat(ref.provider()).isEqualTo(PROVIDER);
            assertThat(ref.version()).isEqualTo(version);
            assertThat(ref.secret()).isEqualTo(old);
        });
        assertThat(store().findSecretsNotEncryptedWith("contract-new", 1)).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void publishesAChangeEventAfterEachCommit() throws InterruptedException {
        OrganizationId organization = newOrganization();
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CredentialStore.Subscription subscription = store().subscribe(events::add);
        try {
            store().save(batch(organization, text("A", "1", SettingWrite.ANY_VERSION)));
            await(() -> events.contains(new ChangeEvent(organization, PROVIDER)) || events.contains(ChangeEvent.everything()));
        } finally {
            subscription.close();
        }
        int seen = events.size();
        store().save(batch(organization, text("A", "2", SettingWrite.ANY_VERSION)));
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(events).as("no events after the subscription is closed").hasSize(seen);
    }

    /** Waits up to 30 s for a condition (events may be delivered on another thread). */
    protected static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
