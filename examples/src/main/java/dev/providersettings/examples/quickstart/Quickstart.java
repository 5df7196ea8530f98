package dev.providersettings.examples.quickstart;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.scaleway.CreateVolumeRequest;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.scaleway.Volume;
import dev.providersettings.scaleway.fake.FakeScaleway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import static dev.providersettings.scaleway.ScalewayProvider.GB;

/**
 * The smallest program that wires the library: the Postgres credential store, the Scaleway provider and the
 * provider manager. {@link #run} is what a host service writes; {@link #main} only provides stand-ins (an embedded
 * Postgres and the fake Scaleway API with one API key) so that it runs anywhere:
 * <pre>
 * mvn -B -q -DskipTests install exec:exec -pl examples -am -Ddemo.mainClass=dev.providersettings.examples.quickstart.Quickstart
 * </pre>
 */
public final class Quickstart {

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
             FakeScaleway fake = FakeScaleway.builder().resizeDelay(Duration.ofMillis(300))
                     .volumeCreateDelay(Duration.ofMillis(100)).build().start()) {
            UUID project = UUID.randomUUID();                      // a Scaleway project (and organization)
            String secretKey = UUID.randomUUID().toString();        // its API secret key
            fake.addApiKey("SCWQUICKSTART0000001", secretKey, project, project);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);                      // stand-in for the key file
            KeyRing keys = KeyRing.builder().primary("k1", key).build();
            System.out.println(run(postgres.getPostgresDatabase(), keys, fake.baseUrl(), project, secretKey));
        }
    }

    /**
     * Stores one organization's Scaleway credentials (the secret encrypted in the JVM), then resolves that
     * organization's provider and grows a volume with it. The top README shows this method and
     * {@link #createOrganization} verbatim ({@code ReadmeQuickstartTest} checks it).
     *
     * @param dataSource  the host's connection pool
     * @param keys        the key ring, in production {@code KeyRing.fromFile(Path.of("/run/secrets/provider_settings_key"))}
     * @param scalewayUrl the Scaleway API (the fake's URL here)
     * @param project     the organization's Scaleway project id
     * @param secretKey   the organization's Scaleway API secret key
     * @return a one-line summary
     */
    public static String run(DataSource dataSource, KeyRing keys, String scalewayUrl, UUID project, String secretKey)
            throws SQLException {
        try (PostgresCredentialStore store = PostgresCredentialStore.builder()
                     .dataSource(dataSource).migrate(true).createOrganizationsTable(true).build();
             ProviderManager providers = ProviderManager.builder()
                     .store(store)
                     // The API endpoint is host configuration, never an organization's setting. For the real API
                     // leave baseUrl out (https://api.scaleway.com) or use ProviderRegistry.builder().discover().
                     .registry(ProviderRegistry.builder().register(ScalewayProviderFactory.builder()
                             .baseUrl(scalewayUrl)
                             .allowInsecureEndpoint(scalewayUrl.startsWith("http://127.0.0.1:"))  // the local fake
                             .build()).build())
                     .cipher(new AesGcmSecretCipher(keys))
                     .build()) {
            OrganizationId acme = createOrganization(dataSource, "Acme");  // a row of your organizations table

            providers.settings().update("quickstart", acme, "scaleway", SettingsUpdate.builder()
                    .set(ScalewaySettings.PROJECT_ID, project.toString())
                    .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(secretKey))
                    .build());

            ScalewayProvider scaleway = providers.get(acme, "scaleway", ScalewayProvider.class);
            Volume volume = scaleway.createVolume("fr-par-1", CreateVolumeRequest.empty("data", 20 * GB));
            Volume resized = scaleway.resizeVolume("fr-par-1", volume.id(), 50 * GB);  // waits for the new size
            return "organization " + acme + ": volume " + resized.id() + " resized to " + resized.size() / GB
                    + " GB with secret " + scaleway.secretKeyFingerprint();
        }
    }

    /** Stand-in for the host's own code that creates organizations (here: the store's minimal table). */
    static OrganizationId createOrganization(DataSource dataSource, String name) throws SQLException {
        OrganizationId id = OrganizationId.random();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO organizations (id, name) VALUES (?, ?)")) {
            ps.setObject(1, id.value());
            ps.setString(2, name);
            ps.executeUpdate();
        }
        return id;
    }
}
