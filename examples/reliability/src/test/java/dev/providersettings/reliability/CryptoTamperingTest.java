package dev.providersettings.reliability;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.exception.SecretDecryptionException;
import dev.providersettings.SettingDefinition;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Crypto suite: ciphertext in the Postgres rows is swapped across organizations, providers, setting keys and
 * encryption keys, truncated, bit-flipped, extended, or labelled with an unknown key id — directly with JDBC
 * {@code UPDATE}s, as an attacker or a buggy migration with database access would. Every resolve must fail with
 * {@link SecretDecryptionException} (never a client carrying someone else's plaintext), the message must name the
 * row and no secret, and restoring the row must make the organization resolvable again.
 */
@Order(50)
class CryptoTamperingTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    private static final String SCALEWAY = "scaleway";
    private static final byte[] K1 = TestKeys.randomKey();
    private static final byte[] K2 = TestKeys.randomKey();

    private static PostgresCredentialStore store;
    private static ProviderManager manager;
    private static ProviderManager managerUnderK2;
    private static OrganizationId orgA;
    private static OrganizationId orgB;
    private static Credentials credA;
    private static Credentials credB;
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger TYPED = new AtomicInteger();
    private static final AtomicInteger WRONG_PLAINTEXT = new AtomicInteger();
    private static final AtomicInteger RESTORED = new AtomicInteger();

    @BeforeAll
    static void setUp() {
        Evidence.secret(Base64.getEncoder().encodeToString(K1));
        Evidence.secret(Base64.getEncoder().encodeToString(K2));
        store = db.storeBuilder().build();
        manager = manager(KeyRing.builder().primary("k1", K1).add("k2", K2).build());
        // The same store seen by a node whose primary is k2: writes ciphertext under another key.
        managerUnderK2 = manager(KeyRing.builder().primary("k2", K2).add("k1", K1).build());
        List<OrganizationId> orgs = db.createOrganizations(3);
        orgA = orgs.get(0);
        orgB = orgs.get(1);
        credA = Credentials.random();
        credB = Credentials.random();
        manager.settings().update("crypto-suite", orgA, SCALEWAY, credA.update());
        managerUnderK2.settings().update("crypto-suite", orgB, SCALEWAY, credB.update());
        for (OrganizationId org : List.of(orgA, orgB)) {
            String secret = Evidence.secret("tc-" + UUID.randomUUID());
            manager.settings().update("crypto-suite", org, TestProviderFactory.CODE, SettingsUpdate.builder()
                    .set(TestProviderFactory.PROJECT_ID, UUID.randomUUID().toString())
                    .set(TestProviderFactory.ACCESS_KEY, "AK-" + org.value().toString().substring(0, 8))
                    .setSecret(TestProviderFactory.SECRET_KEY, Secret.of(secret)).build());
            manager.settings().update("crypto-suite", org, DualSecretFactory.CODE, SettingsUpdate.builder()
                    .setSecret(DualSecretFactory.FIRST, Secret.of(Evidence.secret("first-" + UUID.randomUUID())))
                    .setSecret(DualSecretFactory.SECOND, Secret.of(Evidence.secret("second-" + UUID.randomUUID())))
                    .build());
        }
    }

    private static ProviderManager manager(KeyRing ring) {
        return ProviderManager.builder()
                .store(store)
                .registry(ProviderRegistry.builder()
                        .register(ScalewayProviderFactory.builder().baseUrl("http://127.0.0.1:9").allowInsecureEndpoint(true)
                                .retryPolicy(RetryPolicy.none()).build())
                        .register(new TestProviderFactory())
                        .register(new DualSecretFactory())
                        .build())
                .cipher(new AesGcmSecretCipher(ring))
                .build();
    }

    @AfterAll
    static void tearDown() {
        Figures.of("crypto")
                .put("cases", CASES.get())
                .put("typed_failures", TYPED.get())
                .put("wrong_plaintext", WRONG_PLAINTEXT.get())
                .put("restored_ok", RESTORED.get())
                .print();
        managerUnderK2.close();
        manager.close();
        store.close();
        assertThat(WRONG_PLAINTEXT.get()).isZero();
    }

    /** A row's secret columns. */
    record Cell(byte[] ciphertext, String keyId) {
    }

    /** One tampering: which row to change (org A or B, provider, key) and how its cell becomes another. */
    record Tamper(String name, boolean targetA, String provider, String key, java.util.function.Function<Cell, Cell> change) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Tamper> tamperings() {
        String sk = ScalewaySettings.SECRET_KEY;
        return Stream.of(
                new Tamper("org B's ciphertext (key k2) copied into org A's row", true, SCALEWAY, sk,
                        cell -> read(orgB, SCALEWAY, sk)),
                new Tamper("org A's ciphertext (key k1) copied into org B's row", false, SCALEWAY, sk,
                        cell -> read(orgA, SCALEWAY, sk)),
                new Tamper("org A's scaleway secret copied into org A's testcloud secret", true,
                        TestProviderFactory.CODE, TestProviderFactory.SECRET_KEY, cell -> read(orgA, SCALEWAY, sk)),
                new Tamper("org A's testcloud secret copied into org A's scaleway secret", true, SCALEWAY, sk,
                        cell -> read(orgA, TestProviderFactory.CODE, TestProviderFactory.SECRET_KEY)),
                new Tamper("setting SECOND's ciphertext copied into setting FIRST (same org and provider)", true,
                        DualSecretFactory.CODE, DualSecretFactory.FIRST,
                        cell -> read(orgA, DualSecretFactory.CODE, DualSecretFactory.SECOND)),
                new Tamper("org B's dual FIRST copied into org A's dual FIRST", true,
                        DualSecretFactory.CODE, DualSecretFactory.FIRST,
                        cell -> read(orgB, DualSecretFactory.CODE, DualSecretFactory.FIRST)),
                new Tamper("key id relabelled k1 -> k2 (both keys in the ring)", true, SCALEWAY, sk,
                        cell -> new Cell(cell.ciphertext(), "k2")),
                new Tamper("key id relabelled k2 -> k1 (both keys in the ring)", false, SCALEWAY, sk,
                        cell -> new Cell(cell.ciphertext(), "k1")),
                new Tamper("unknown key id", true, SCALEWAY, sk, cell -> new Cell(cell.ciphertext(), "k-retired")),
                new Tamper("truncated to 1 byte", true, SCALEWAY, sk, cell -> truncate(cell, 1)),
                new Tamper("truncated below the minimum (29 bytes)", true, SCALEWAY, sk, cell -> truncate(cell, 29)),
                new Tamper("truncated by one byte (tag cut)", true, SCALEWAY, sk,
                        cell -> truncate(cell, cell.ciphertext().length - 1)),
                new Tamper("truncated to the header and tag only", true, SCALEWAY, sk, cell -> truncate(cell, 30)),
                new Tamper("one byte appended", true, SCALEWAY, sk, cell -> {
                    byte[] longer = Arrays.copyOf(cell.ciphertext(), cell.ciphertext().length + 1);
                    return new Cell(longer, cell.keyId());
                }),
                new Tamper("bit flip in the format byte", true, SCALEWAY, sk, cell -> flip(cell, 0)),
                new Tamper("bit flip in the nonce", true, SCALEWAY, sk, cell -> flip(cell, 5)),
                new Tamper("bit flip in the ciphertext body", true, SCALEWAY, sk, cell -> flip(cell, 14)),
                new Tamper("bit flip in the tag (last byte)", true, SCALEWAY, sk,
                        cell -> flip(cell, cell.ciphertext().length - 1)),
                new Tamper("bit flip in org B's row (key k2)", false, SCALEWAY, sk, cell -> flip(cell, 20)),
                new Tamper("all zero bytes of the same length", true, SCALEWAY, sk,
                        cell -> new Cell(new byte[cell.ciphertext().length], cell.keyId())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void tamperedCiphertextFailsTypedAndNeverYieldsPlaintext(Tamper tamper) {
        CASES.incrementAndGet();
        OrganizationId target = tamper.targetA() ? orgA : orgB;
        Cell original = read(target, tamper.provider(), tamper.key());
        Cell changed = tamper.change().apply(original);
        try {
            write(target, tamper.provider(), tamper.key(), changed);
            manager.invalidateAll();

            Throwable failure = resolveFailure(target, tamper.provider());
            Evidence.exception(failure);
            if (failure instanceof SecretDecryptionException) {
                TYPED.incrementAndGet();
            } else {
                WRONG_PLAINTEXT.incrementAndGet();
            }
            assertThat(failure).as(tamper.name()).isInstanceOf(SecretDecryptionException.class);
            assertThat(failure.getMessage())
                    .contains(target.toString())
                    .contains(tamper.key())
                    .doesNotContain(credA.secretKey()).doesNotContain(credB.secretKey());
            assertThat(Evidence.occurrences("message", failure.getMessage())).isEmpty();
            // the probe path decrypts too: same typed failure, nothing created
            assertThatThrownBy(() -> manager.settings().probe(target, tamper.provider()))
                    .isInstanceOf(SecretDecryptionException.class);
        } finally {
            write(target, tamper.provider(), tamper.key(), original);
            manager.invalidateAll();
        }
        // restored: the right organization's own secret again
        if (tamper.provider().equals(SCALEWAY)) {
            ScalewayProvider client = manager.get(target, SCALEWAY, ScalewayProvider.class);
            assertThat(client.tenant()).isEqualTo(target);
            assertThat(client.secretKeyFingerprint()).isEqualTo((tamper.targetA() ? credA : credB).fingerprint());
        } else {
            manager.get(target, tamper.provider(), Object.class);
        }
        RESTORED.incrementAndGet();
    }

    /** Resolves through the manager and returns the failure; a returned client counts as wrong plaintext. */
    private static Throwable resolveFailure(OrganizationId target, String provider) {
        try {
            Object client = manager.get(target, provider, Object.class);
            Evidence.text(String.valueOf(client));
            return new AssertionError("resolve returned a client from a tampered row: " + describe(client, target));
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static String describe(Object client, OrganizationId target) {
        if (client instanceof ScalewayProvider p) {
            String fp = p.secretKeyFingerprint();
            return "tenant " + p.tenant() + " secret " + fp + (fp.equals(credA.fingerprint()) ? " (org A's)"
                    : fp.equals(credB.fingerprint()) ? " (org B's)" : "") + ", asked for " + target;
        }
        return String.valueOf(client);
    }

    @Test
    void aCiphertextThatIsNotTamperedStillDecryptsForItsOwnOrganizationUnderEitherKey() {
        assertThat(manager.get(orgA, SCALEWAY, ScalewayProvider.class).secretKeyFingerprint()).isEqualTo(credA.fingerprint());
        assertThat(manager.get(orgB, SCALEWAY, ScalewayProvider.class).secretKeyFingerprint()).isEqualTo(credB.fingerprint());
        assertThat(read(orgA, SCALEWAY, ScalewaySettings.SECRET_KEY).keyId()).isEqualTo("k1");
        assertThat(read(orgB, SCALEWAY, ScalewaySettings.SECRET_KEY).keyId()).isEqualTo("k2");
        assertThat(manager.get(orgA, TestProviderFactory.CODE, TestClient.class).organization()).isEqualTo(orgA);
    }

    private static Cell truncate(Cell cell, int length) {
        return new Cell(Arrays.copyOf(cell.ciphertext(), length), cell.keyId());
    }

    private static Cell flip(Cell cell, int index) {
        byte[] bytes = cell.ciphertext().clone(); // the original cell is restored afterwards: never mutate it
        bytes[index] ^= 0x01;
        return new Cell(bytes, cell.keyId());
    }

    static Cell read(OrganizationId org, String provider, String key) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT secret_ciphertext, secret_key_id FROM " + db.schema()
                     + ".provider_settings WHERE organization_id = ? AND provider = ? AND key = ?")) {
            ps.setObject(1, org.value());
            ps.setString(2, provider);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s/%s/%s", org, provider, key).isTrue();
                return new Cell(rs.getBytes(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(OrganizationId org, String provider, String key, Cell cell) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + db.schema() + ".provider_settings"
                     + " SET secret_ciphertext = ?, secret_key_id = ? WHERE organization_id = ? AND provider = ? AND key = ?")) {
            ps.setBytes(1, cell.ciphertext());
            ps.setString(2, cell.keyId());
            ps.setObject(3, org.value());
            ps.setString(4, provider);
            ps.setString(5, key);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A provider with two secret settings, to swap ciphertext between setting keys of one organization. */
    static final class DualSecretFactory implements ProviderFactory<String> {
        static final String CODE = "dualsecret";
        static final String FIRST = "FIRST";
        static final String SECOND = "SECOND";

        @Override
        public ProviderCode code() {
            return ProviderCode.of(CODE);
        }

        @Override
        public Class<String> clientType() {
            return String.class;
        }

        @Override
        public List<SettingDefinition> settings() {
            return List.of(SettingDefinition.secret(FIRST).required(), SettingDefinition.secret(SECOND).required());
        }

        @Override
        public String create(ProviderSettings settings) {
            // The client is only a fingerprint pair: enough to tell whose secrets were decrypted.
            return "dual[" + settings.secret(FIRST).fingerprint() + "," + settings.secret(SECOND).fingerprint() + "]";
        }
    }
}
