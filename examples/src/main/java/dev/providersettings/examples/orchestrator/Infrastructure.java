package dev.providersettings.examples.orchestrator;

import dev.providersettings.KeyRing;
import dev.providersettings.scaleway.fake.FakeScaleway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * What every node of one deployment shares: the database, the Scaleway endpoint (the fake, started here when no
 * URL is configured) and the encryption key ring. Nodes are started on it with {@link OrchestratorNode#start}.
 */
public final class Infrastructure implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);
    /** The environment variable / system property names of the key ring text. */
    static final String KEY_VARIABLE = "ORCHESTRATOR_KEY";
    /** The fake's preinstalled Ubuntu 22.04 image, used when no image is configured and the fake runs. */
    static final String FAKE_UBUNTU_IMAGE = "5c3b1a7e-5e0b-4c8a-9a7e-0d4f1a2b3c4d";

    private final Database database;
    private final FakeScaleway fake;
    private final String scalewayUrl;
    private final KeyRing keyRing;
    private final String keyOrigin;
    private final String serverImage;

    private Infrastructure(Database database, FakeScaleway fake, String scalewayUrl, KeyRing keyRing, String keyOrigin,
                           String serverImage) {
        this.database = database;
        this.fake = fake;
        this.scalewayUrl = scalewayUrl;
        this.keyRing = keyRing;
        this.keyOrigin = keyOrigin;
        this.serverImage = serverImage;
    }

    /**
     * Starts (or connects to) the database, starts the fake Scaleway API when no API URL is configured, and loads
     * the key ring (a fresh ephemeral key when none is configured: secrets stored with it are unreadable after the
     * run, which is what a demo wants and what production must never do).
     */
    public static Infrastructure start(OrchestratorConfig config) {
        KeyRing keys;
        String origin;
        if (config.keyFile().isPresent()) {
            keys = KeyRing.fromFile(config.keyFile().get());
            origin = "key file " + config.keyFile().get();
        } else if (config.keyText().isPresent()) {
            keys = KeyRing.fromEnvironment(Map.of(KEY_VARIABLE, config.keyText().get()), KEY_VARIABLE);
            origin = "orchestrator.key / " + KEY_VARIABLE;
        } else {
            byte[] key = new byte[KeyRing.KEY_BYTES];
            new SecureRandom().nextBytes(key);
            keys = KeyRing.builder().primary("ephemeral", key).build();
            Arrays.fill(key, (byte) 0);
            origin = "an ephemeral key generated for this run (set orchestrator.key.file for a persistent one)";
        }
        if (config.scalewayApiUrl().isPresent() && config.serverImage().isEmpty()) {
            throw new IllegalArgumentException("orchestrator.scaleway.api.url is set but orchestrator.server.image is not:"
                    + " set it to the UUID of the image new servers boot from (Scaleway image ids differ per zone)");
        }
        Database database = Database.start(config);
        FakeScaleway fake = null;
        String url;
        try {
            if (config.scalewayApiUrl().isPresent()) {
                url = config.scalewayApiUrl().get();
            } else {
                // Short transitions keep the demo fast; the fake still goes through every intermediate state.
                fake = FakeScaleway.builder()
                        .resizeDelay(Duration.ofMillis(300))
                        .serverBootDelay(Duration.ofMillis(300))
                        .serverStopDelay(Duration.ofMillis(200))
                        .build().start();
                url = fake.baseUrl();
                LOG.info("started the fake Scaleway API at {}", url);
            }
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return new Infrastructure(database, fake, url, keys, origin,
                config.serverImage().orElse(FAKE_UBUNTU_IMAGE));
    }

    /** The image UUID new servers boot from. */
    public String serverImage() {
        return serverImage;
    }

    public Database database() {
        return database;
    }

    /** The fake Scaleway API, when this run started one. */
    public Optional<FakeScaleway> fake() {
        return Optional.ofNullable(fake);
    }

    /** The Scaleway API base URL every node's provider factory uses. */
    public String scalewayUrl() {
        return scalewayUrl;
    }

    /** The key ring shared by every node (they must decrypt each other's writes). */
    public KeyRing keyRing() {
        return keyRing;
    }

    /** Where the key ring came from, for the start-up message (never the key). */
    public String keyOrigin() {
        return keyOrigin;
    }

    @Override
    public void close() {
        if (fake != null) {
            fake.close();
        }
        database.close();
    }
}
