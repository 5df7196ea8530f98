package dev.providersettings;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.SecretDecryptionException;

import dev.providersettings.spi.StoredValue;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.providersettings.testing.TestProviderFactory.CODE;
import static dev.providersettings.testing.TestProviderFactory.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Key rotation on a cluster: two nodes (managers) on one store whose key files change one node at a time, following
 * the sequence of {@link KeyRing} — add the new key as a secondary everywhere, promote it, rewrap, retire the old one.
 */
class KeyRotationTest {
    private final byte[] k1 = TestKeys.randomKey();
    private final byte[] k2 = TestKeys.randomKey();
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    private final TestProviderFactory factory = new TestProviderFactory();
    private final List<OrganizationId> organizations = new ArrayList<>();

    KeyRotationTest() {
        for (int i = 0; i < 6; i++) {
            OrganizationId organization = OrganizationId.random();
            store.addOrganization(organization);
            organizations.add(organization);
        }
    }

    /** A node whose key ring is read from the text of its key file, as {@link KeyRing#fromFile} does. */
    private ProviderManager node(String keyFile) {
        KeyRing ring = KeyRing.fromEnvironment(Map.of("KEYS", keyFile), "KEYS");
        return ProviderManager.builder().store(store).cipher(new AesGcmSecretCipher(ring))
                .registry(ProviderRegistry.builder().register(factory).build()).closeRegistryOnClose(false).build();
    }

    private String keyFile(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private String line(String id) {
        return TestKeys.line(id, id.equals("k1") ? k1 : k2);
    }

    private void write(ProviderManager node, OrganizationId organization, String generation) {
        node.settings().update("node", organization, CODE, TestProviderFactory.credentials(organization, generation));
    }

    /** Both nodes read every organization's current secret (asserting who wrote which generation). */
    private void bothReadEverything(ProviderManager a, ProviderManager b, Map<OrganizationId, String> generations) {
        for (ProviderManager node : List.of(a, b)) {
            node.invalidateAll();
            generations.forEach((organization, generation) -> assertThat(node.get(organization, CODE, TestClient.class)
                    .secretKey()).isEqualTo(TestProviderFactory.secretKey(organization, generation)));
        }
    }

    private List<String> keyIdsInStore() {
        List<String> ids = new ArrayList<>();
        for (OrganizationId organization : organizations) {
            var setting = store.load(organization, ProviderCode.of(CODE)).settings().get(SECRET_KEY);
            if (setting != null) {
                ids.add(((StoredValue.Encrypted) setting.value()).secret().keyId());
            }
        }
        return ids;
    }

    @Test
    void theFourStepRotationKeepsEveryNodeAbleToReadEverythingDuringARollingDeploy() {
        Map<OrganizationId, String> generations = new java.util.LinkedHashMap<>();
        String v0 = keyFile(line("k1"));
        String v1 = keyFile("primary=k1", line("k2"), line("k1"));       // 1. add k2 as a secondary (order irrelevant)
        String v2 = keyFile("primary=k2", line("k2"), line("k1"));       // 2. promote: one line changes
        String v3 = keyFile(line("k2"));                                 // 4. retire k1

        try (ProviderManager a = node(v0); ProviderManager b = node(v0)) {
            for (OrganizationId organization : organizations) {
                write(a, organization, "g0");
                generations.put(organization, "g0");
            }
        }
        // Step 1, mid-roll: A holds k2 as a secondary, B not yet. A still encrypts with k1, so B reads A's writes.
        try (ProviderManager a = node(v1); ProviderManager b = node(v0)) {
            assertThat(a.cipher().primaryKeyId()).isEqualTo("k1");
            write(a, organizations.get(0), "g1");
            generations.put(organizations.get(0), "g1");
            bothReadEverything(a, b, generations);
        }
        // Step 2, mid-roll: A promoted (encrypts with k2), B still on step 1 (encrypts with k1, holds k2).
        try (ProviderManager a = node(v2); ProviderManager b = node(v1)) {
            assertThat(a.cipher().primaryKeyId()).isEqualTo("k2");
            write(a, organizations.get(1), "g2");
            write(b, organizations.get(2), "g2");
            generations.put(organizations.get(1), "g2");
            generations.put(organizations.get(2), "g2");
            bothReadEverything(a, b, generations);
            assertThat(keyIdsInStore()).contains("k1", "k2");
        }
        // Step 3: every node promoted; rewrap until complete, in small batches, with progress.
        try (ProviderManager a = node(v2); ProviderManager b = node(v2)) {
            List<RewrapProgress> progress = new ArrayList<>();
            RewrapReport report = a.settings().rewrap(RewrapOptions.builder().actor("ops").batchSize(2)
                    .onProgress(progress::add).build());

            assertThat(report.complete()).isTrue();
            assertThat(report.rewrapped()).isEqualTo(5);
            assertThat(report.remainingKeyIds()).isEmpty();
            assertThat(progress).extracting(RewrapProgress::batch).containsExactly(1, 2, 3);
            assertThat(progress).extracting(RewrapProgress::rewrapped).containsExactly(2, 4, 5);
            assertThat(keyIdsInStore()).containsOnly("k2");
            bothReadEverything(a, b, generations);
        }
        // Step 4, mid-roll: A retired k1, B still holds it; then both.
        try (ProviderManager a = node(v3); ProviderManager b = node(v2)) {
            write(b, organizations.get(3), "g4");
            generations.put(organizations.get(3), "g4");
            bothReadEverything(a, b, generations);
        }
        try (ProviderManager a = node(v3); ProviderManager b = node(v3)) {
            bothReadEverything(a, b, generations);
            assertThat(a.settings().rewrap("ops").complete()).isTrue();
        }
    }

    @Test
    void puttingTheNewKeyFirstWithoutTheAddStepBreaksNodesNotYetRestarted() {
        try (ProviderManager a = node(keyFile(line("k2"), line("k1"))); ProviderManager b = node(keyFile(line("k1")))) {
            write(a, organizations.get(0), "g1");
            assertThatThrownBy(() -> b.get(organizations.get(0), CODE, TestClient.class))
                    .isInstanceOf(SecretDecryptionException.class).hasMessageContaining("'k2'");
        }
    }

    @Test
    void rewrapIsNotCompleteWhileASecretIsLeftUnderARetiredKeyAndSaysWhichKey() {
        try (ProviderManager old = node(keyFile(line("k1")))) {
            organizations.forEach(o -> write(old, o, "g0"));
        }
        try (ProviderManager promoted = node(keyFile("primary=k2", line("k1"), line("k2")))) {
            write(promoted, organizations.get(0), "g1");
        }
        // k1 retired before any rewrap ran: five secrets are left under a key this ring does not hold.
        try (ProviderManager retired = node(keyFile(line("k2")))) {
            RewrapReport report = retired.settings().rewrap(RewrapOptions.builder().actor("ops").batchSize(2).build());

            assertThat(report.complete()).isFalse();
            assertThat(report.remaining()).isEqualTo(5);
            assertThat(report.undecryptable()).isEqualTo(5);
            assertThat(report.remainingKeyIds()).containsExactly("k1");
            assertThat(report.rewrapped()).isZero();
        }
        // Put k1 back (as a secondary): the same call now finishes the job.
        try (ProviderManager fixed = node(keyFile(line("k1"), line("k2"), "primary=k2"))) {
            RewrapReport report = fixed.settings().rewrap("ops");
            assertThat(report.complete()).isTrue();
            assertThat(report.rewrapped()).isEqualTo(5);
            assertThat(keyIdsInStore()).containsOnly("k2");
        }
    }

    @Test
    void anInterruptedRewrapResumesWhereItStoppedWhenRunAgain() {
        try (ProviderManager old = node(keyFile(line("k1")))) {
            organizations.forEach(o -> write(old, o, "g0"));
        }
        try (ProviderManager promoted = node(keyFile("primary=k2", line("k1"), line("k2")))) {
            RewrapReport first;
            try {
                first = promoted.settings().rewrap(RewrapOptions.builder().actor("ops").batchSize(2)
                        .onProgress(p -> Thread.currentThread().interrupt()).build());
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt flag stays set").isTrue();
            }
            assertThat(first.interrupted()).isTrue();
            assertThat(first.rewrapped()).isEqualTo(2);
            assertThat(first.complete()).isFalse();
            assertThat(first.remaining()).isEqualTo(4);
            assertThat(first.remainingKeyIds()).containsExactly("k1");

            RewrapReport second = promoted.settings().rewrap(RewrapOptions.builder().actor("ops").batchSize(2).build());
            assertThat(second.rewrapped()).isEqualTo(4);
            assertThat(second.complete()).isTrue();
            assertThat(second.interrupted()).isFalse();
            assertThat(store.auditTrail()).filteredOn(e -> e.actor().equals("ops")).hasSize(6);
        }
    }

    @Test
    void thePrimaryIsChosenByItsMarkerOrBySeparateConfigurationNotByLineOrder() {
        KeyRing marked = KeyRing.fromEnvironment(Map.of("K", keyFile(line("k1"), line("k2"), "primary = k2")), "K");
        assertThat(marked.primaryKeyId()).isEqualTo("k2");
        assertThat(marked.keyIds()).containsExactly("k2", "k1");
        KeyRing legacy = KeyRing.fromEnvironment(Map.of("K", keyFile(line("k1"), line("k2"))), "K");
        assertThat(legacy.primaryKeyId()).as("files without a marker keep their meaning").isEqualTo("k1");
        assertThat(legacy.withPrimary("k2").primaryKeyId()).isEqualTo("k2");
        assertThat(legacy.primaryKeyId()).isEqualTo("k1");
        assertThat(KeyRing.builder().add("k1", k1).add("k2", k2).primaryKeyId("k2").build().primaryKeyId()).isEqualTo("k2");

        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of("K", keyFile("primary=k3", line("k1"))), "K"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'k3'").hasMessageContaining("[k1]")
                .hasMessageNotContaining(java.util.Base64.getEncoder().encodeToString(k1));
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of("K", keyFile("primary=k1", line("k1"), "primary=k1")), "K"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("second time");
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of("K", keyFile("primary=", line("k1"))), "K"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must name a key id");
        assertThatThrownBy(() -> legacy.withPrimary("k9")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'k9'").hasMessageContaining("add the key first");
        assertThatThrownBy(() -> KeyRing.builder().add("k1", k1).primaryKeyId("k2").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("never added");
        assertThatThrownBy(() -> KeyRing.builder().primary("k1", k1).primaryKeyId("k1"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("already set");
        assertThatThrownBy(() -> RewrapOptions.builder().batchSize(0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("1 to 10000");
    }
}
