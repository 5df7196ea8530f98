package dev.providersettings.metrics;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.KeyRing;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderSettingsMetricsTest {
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    private final TestProviderFactory factory = new TestProviderFactory();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ProviderManager manager(AesGcmSecretCipher cipher) {
        return ProviderManager.builder().store(store).registry(ProviderRegistry.builder().register(factory).build())
                .cipher(cipher).recordHits(true).closeRegistryOnClose(false).build();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void cacheMetersFollowTheManagersCounters() {
        try (ProviderManager manager = manager(TestKeys.cipher())) {
            new ProviderSettingsMetrics(manager).bindTo(registry);
            OrganizationId org = OrganizationId.random();
            store.addOrganization(org);
            manager.settings().update("test", org, TestProviderFactory.CODE, TestProviderFactory.credentials(org, "v1"));

            for (int i = 0; i < 3; i++) {
                manager.get(org, TestProviderFactory.CODE, TestClient.class);
            }
            OrganizationId empty = OrganizationId.random();
            store.addOrganization(empty);
            assertThatThrownBy(() -> manager.get(empty, TestProviderFactory.CODE, TestClient.class))
                    .isInstanceOf(MissingCredentialsException.class);

            assertThat(count(ProviderSettingsMetrics.CACHE_GETS, "result", "hit")).isEqualTo(2);
            assertThat(count(ProviderSettingsMetrics.CACHE_GETS, "result", "miss")).isEqualTo(2);
            assertThat(count(ProviderSettingsMetrics.CACHE_LOADS, "result", "success")).isEqualTo(1);
            assertThat(count(ProviderSettingsMetrics.CACHE_LOADS, "result", "failure")).isEqualTo(1);
            assertThat(registry.get(ProviderSettingsMetrics.CACHE_LOAD_DURATION).functionTimer().count()).isEqualTo(2);
            assertThat(registry.get(ProviderSettingsMetrics.CACHE_LOAD_DURATION).functionTimer()
                    .totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get(ProviderSettingsMetrics.CACHE_SIZE).gauge().value()).isEqualTo(1);

            double keyInvalidations = count(ProviderSettingsMetrics.CACHE_INVALIDATIONS, "kind", "key");
            manager.invalidate(org, TestProviderFactory.CODE);
            manager.invalidateOrganization(org);
            manager.invalidateAll();
            assertThat(count(ProviderSettingsMetrics.CACHE_INVALIDATIONS, "kind", "key")).isEqualTo(keyInvalidations + 1);
            assertThat(count(ProviderSettingsMetrics.CACHE_INVALIDATIONS, "kind", "organization")).isGreaterThanOrEqualTo(1);
            assertThat(count(ProviderSettingsMetrics.CACHE_INVALIDATIONS, "kind", "everything")).isEqualTo(1);
            assertThat(count(ProviderSettingsMetrics.CACHE_EVICTIONS)).isZero();
            assertThat(count(ProviderSettingsMetrics.CACHE_STALE_SERVED)).isZero();

            // no meter is tagged with an organization (cardinality)
            for (Meter meter : registry.getMeters()) {
                assertThat(meter.getId().getTags()).noneMatch(t -> t.getValue().equals(org.toString())
                        || t.getKey().contains("organization"));
            }
        }
    }

    @Test
    void decryptionFailuresAreCounted() {
        OrganizationId org = OrganizationId.random();
        store.addOrganization(org);
        try (ProviderManager writer = manager(TestKeys.cipher())) {
            writer.settings().update("test", org, TestProviderFactory.CODE, TestProviderFactory.credentials(org, "v1"));
        }
        AesGcmSecretCipher otherKey = new AesGcmSecretCipher(KeyRing.builder()
                .primary(TestKeys.cipher().primaryKeyId(), new byte[32]).build());
        try (ProviderManager reader = manager(otherKey)) {
            new ProviderSettingsMetrics(reader, Tags.of("manager", "reader")).bindTo(registry);
            assertThatThrownBy(() -> reader.get(org, TestProviderFactory.CODE, TestClient.class))
                    .isInstanceOf(SecretDecryptionException.class);
            assertThat(count(ProviderSettingsMetrics.CACHE_DECRYPTION_FAILURES, "manager", "reader")).isEqualTo(1);
        }
    }

    @Test
    void seedingResultsAreCountedByProviderAndResult() {
        try (ProviderManager manager = manager(TestKeys.cipher())) {
            ProviderSettingsMetrics metrics = new ProviderSettingsMetrics(manager);
            metrics.bindTo(registry);
            OrganizationId complete = OrganizationId.random();
            OrganizationId incomplete = OrganizationId.random();
            store.addOrganization(complete);
            store.addOrganization(incomplete);
            Map<String, String> values = Map.of(TestProviderFactory.PROJECT_ID, TestProviderFactory.projectId(complete),
                    TestProviderFactory.ACCESS_KEY, "AK-seeded", TestProviderFactory.SECRET_KEY, "seeded-secret");
            SecretSource source = (organization, definition) -> organization.equals(complete)
                    ? Optional.ofNullable(values.get(definition.key())) : Optional.empty();
            SeedReport first = manager.seeder().skipIncomplete().seed("seed", TestProviderFactory.CODE, source,
                    List.of(complete, incomplete));
            metrics.recordSeeding(first);
            metrics.recordSeeding(manager.seeder().skipIncomplete().seed("seed", TestProviderFactory.CODE, source,
                    List.of(complete)));

            assertThat(registry.get(ProviderSettingsMetrics.SEEDING_ORGANIZATIONS)
                    .tags("provider", TestProviderFactory.CODE, "result", "written").counter().count()).isEqualTo(1);
            assertThat(registry.get(ProviderSettingsMetrics.SEEDING_ORGANIZATIONS)
                    .tags("result", "skipped").counter().count()).isEqualTo(1);
            assertThat(registry.get(ProviderSettingsMetrics.SEEDING_ORGANIZATIONS)
                    .tags("result", "unchanged").counter().count()).isEqualTo(1);
            assertThat(registry.get(ProviderSettingsMetrics.SEEDING_KEYS_WRITTEN).counter().count())
                    .isEqualTo(first.writtenCount()).isPositive();
        }
    }
}
