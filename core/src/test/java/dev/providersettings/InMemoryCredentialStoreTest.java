package dev.providersettings;

import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.exception.VersionConflictException;

import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredValue;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryCredentialStoreTest {
    private static final ProviderCode P = ProviderCode.of("scaleway");
    private final Instant now = Instant.parse("2026-11-27T06:00:00Z");
    private final InMemoryCredentialStore store = new InMemoryCredentialStore(Clock.fixed(now, ZoneOffset.UTC));
    private final OrganizationId a = OrganizationId.random();
    private final OrganizationId b = OrganizationId.random();
    private final List<ChangeEvent> events = new CopyOnWriteArrayList<>();

    InMemoryCredentialStoreTest() {
        store.addOrganization(a);
        store.addOrganization(b);
        store.subscribe(events::add);
    }

    private static SettingsBatch batch(OrganizationId organization, SettingWrite... writes) {
        return new SettingsBatch(organization, P, "tester", List.of(writes));
    }

    private static SettingWrite text(String key, String value, long expected) {
        return new SettingWrite(key, new StoredValue.Text(value), expected);
    }

    @Test
    void savesWithVersionsTimestampsAuditAndEvents() {
        assertThat(store.save(batch(a, text("K1", "v", SettingWrite.ABSENT)))).containsEntry("K1", 1L);
        assertThat(store.save(batch(a, text("K1", "w", 1)))).containsEntry("K1", 2L);

        var stored = store.load(a, P);
        assertThat(stored.organizationExists()).isTrue();
        assertThat(stored.settings().get("K1").version()).isEqualTo(2);
        assertThat(stored.settings().get("K1").updatedAt()).isEqualTo(now);
        assertThat(store.auditTrail()).extracting(InMemoryCredentialStore.AuditEntry::version).containsExactly(1L, 2L);
        assertThat(events).containsExactly(new ChangeEvent(a, P), new ChangeEvent(a, P));
        assertThat(store.load(OrganizationId.random(), P).organizationExists()).isFalse();
    }

    @Test
    void versionsComeFromOneStoreWideCounterAndNeverRepeatAfterADelete() {
        long first = store.save(batch(a, text("K1", "v", SettingWrite.ABSENT))).get("K1");
        long other = store.save(batch(b, text("K1", "v", SettingWrite.ABSENT))).get("K1");
        assertThat(other).as("another organization takes the next version").isGreaterThan(first);
        store.deleteAll(a, P, "admin");
        long recreated = store.save(batch(a, text("K1", "new", SettingWrite.ABSENT))).get("K1");
        assertThat(recreated).isGreaterThan(other);
        assertThatThrownBy(() -> store.save(batch(a, text("K1", "stale", first))))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("expected version " + first + " but found " + recreated);
        store.save(batch(a, new SettingWrite("K1", null, recreated)));
        // One saveAll touching a key twice: the second batch's check sees the version the first one will give.
        List<Long> versions = new java.util.ArrayList<>();
        store.saveAll(List.of(batch(a, text("K1", "x", SettingWrite.ABSENT)), batch(b, text("K2", "y", SettingWrite.ABSENT)),
                batch(a, text("K1", "z", recreated + 1))));
        versions.add(store.load(a, P).settings().get("K1").version());
        versions.add(store.load(b, P).settings().get("K2").version());
        assertThat(versions).containsExactly(recreated + 3, recreated + 2);
        assertThat(store.load(a, P).settings().get("K1").value()).isEqualTo(new StoredValue.Text("z"));
    }

    @Test
    void aStaleVersionOrUnknownOrganizationWritesNothing() {
        store.save(batch(a, text("K1", "v", SettingWrite.ANY_VERSION)));
        var before = store.load(a, P);
        events.clear();

        assertThatThrownBy(() -> store.save(batch(a, text("K2", "x", SettingWrite.ANY_VERSION), text("K1", "y", 5))))
                .isInstanceOf(VersionConflictException.class).hasMessageContaining("K1");
        assertThatThrownBy(() -> store.save(batch(a, text("K1", "y", SettingWrite.ABSENT))))
                .isInstanceOf(VersionConflictException.class);
        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> store.save(batch(unknown, text("K1", "y", SettingWrite.ANY_VERSION))))
                .isInstanceOf(MissingOrganizationException.class).hasMessageContaining(unknown.toString());
        assertThatThrownBy(() -> store.save(new SettingsBatch(a, P, " ", List.of(text("K1", "z", -1)))))
                .isInstanceOf(InvalidSettingException.class);
        assertThat(store.load(a, P)).isEqualTo(before);
        assertThat(events).isEmpty();
    }

    @Test
    void saveAllIsAllOrNothing() {
        OrganizationId unknown = OrganizationId.random();
        assertThatThrownBy(() -> store.saveAll(List.of(batch(a, text("K1", "v", -1)), batch(unknown, text("K1", "v", -1)))))
                .isInstanceOf(MissingOrganizationException.class);
        assertThat(store.load(a, P).settings()).isEmpty();

        store.saveAll(List.of(batch(a, text("K1", "v", 0)), batch(b, text("K1", "v", 0))));
        assertThat(store.loadMany(P, List.of(a, b))).allSatisfy((o, s) -> assertThat(s.settings()).containsKey("K1"));
        assertThat(events).containsExactly(new ChangeEvent(a, P), new ChangeEvent(b, P));
    }

    @Test
    void deletesCascadeAndFindsSecretsToRewrap() {
        EncryptedSecret old = new EncryptedSecret("k1", new byte[]{1, 2, 3});
        store.save(batch(a, new SettingWrite("S", new StoredValue.Encrypted(old), -1), text("T", "t", -1)));
        store.save(batch(b, new SettingWrite("S", new StoredValue.Encrypted(new EncryptedSecret("k2", new byte[]{4})), -1)));

        assertThat(store.findSecretsNotEncryptedWith("k2", 10)).singleElement()
                .satisfies(ref -> {
                    assertThat(ref.organization()).isEqualTo(a);
                    assertThat(ref.secret()).isEqualTo(old);
                    assertThat(ref.version()).isEqualTo(1);
                });
        assertThat(store.deleteAll(a, P, "admin")).isEqualTo(2);
        assertThat(store.load(a, P).settings()).isEmpty();

        events.clear();
        store.removeOrganization(b, "admin");
        assertThat(store.listOrganizations()).containsExactly(a);
        assertThat(store.load(b, P).organizationExists()).isFalse();
        assertThat(store.load(b, P).settings()).isEmpty();
        assertThat(events).containsExactly(new ChangeEvent(b, null));
        assertThat(store.auditTrail()).filteredOn(e -> e.action() == InMemoryCredentialStore.AuditAction.DELETE).hasSize(3);
    }

    @Test
    void simulatedOutageThrowsTheRetryableException() {
        store.setUnavailable(true);
        assertThatThrownBy(() -> store.load(a, P)).isInstanceOf(CredentialStoreUnavailableException.class)
                .satisfies(e -> assertThat(((ProviderSettingsException) e).isRetryable()).isTrue());
        assertThatThrownBy(() -> store.save(batch(a, text("K", "v", -1)))).isInstanceOf(CredentialStoreUnavailableException.class);
        store.setUnavailable(false);
        assertThat(store.loadMany(P, List.of(a))).hasSize(1);
    }
}
