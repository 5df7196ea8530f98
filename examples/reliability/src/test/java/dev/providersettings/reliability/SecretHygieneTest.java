package dev.providersettings.reliability;

import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.SecretSource;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.examples.orchestrator.Demo;
import dev.providersettings.examples.orchestrator.OrchestratorConfig;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.spi.SecretContext;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestKeys;
import dev.providersettings.testing.TestProviderFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secret hygiene: runs last. Every suite of this module ran with logging at DEBUG into one file and recorded every
 * exception message and {@code toString} it met, and registered every secret value it used. This suite adds the
 * example orchestrator's demo (its stdout and stderr captured; the secrets it generates are picked up from its secret
 * files while it runs) and the {@code toString} of every object that holds a secret, then searches all of it for every
 * secret. Figure: occurrences (must be 0). A positive control proves the search finds a planted secret.
 */
@Order(Integer.MAX_VALUE)
class SecretHygieneTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void noSecretAppearsInAnyLogLineMessageToStringOrDemoOutput() throws Exception {
        objectsHoldingSecrets();
        DemoRun demo = runDemo();
        assertThat(demo.ok()).as(demo.output()).isTrue();
        assertThat(demo.secretsCaptured()).as("secrets read from the demo's secret files").isGreaterThanOrEqualTo(2);

        // positive control: the search finds a planted registered secret, in both shapes
        String planted = Evidence.secret(UUID.randomUUID().toString());
        assertThat(Evidence.occurrences("control", "token=" + planted.toUpperCase(java.util.Locale.ROOT))).hasSize(1);
        String plantedOther = Evidence.secret("plain-secret-" + UUID.randomUUID().toString().replace("-", ""));
        assertThat(Evidence.occurrences("control", "x" + plantedOther + "y")).hasSize(1);

        Path log = Figures.output().resolve("debug.log");
        String logText = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        long logLines = logText.lines().count();
        List<String> found = new ArrayList<>(Evidence.occurrences("debug.log", logText));
        found.addAll(Evidence.occurrences("demo stdout/stderr", demo.output()));
        List<String> texts = Evidence.texts();
        for (String text : texts) {
            found.addAll(Evidence.occurrences("message or toString", text));
        }

        Figures.of("secret-hygiene")
                .put("secrets_registered", Evidence.secretCount())
                .put("log_lines_scanned", logLines)
                .put("log_bytes_scanned", logText.length())
                .put("messages_and_tostrings_seen", Evidence.textsSeen())
                .put("distinct_texts_scanned", texts.size())
                .put("demo_output_bytes", demo.output().length())
                .put("demo_secrets_captured", demo.secretsCaptured())
                .put("occurrences", found.size())
                .print();
        assertThat(found).isEmpty();
        assertThat(logLines).as("the DEBUG log is being written").isPositive();
        assertThat(logText).contains(" DEBUG ");
    }

    /** Creates the objects that hold secrets and records their {@code toString}. */
    private static void objectsHoldingSecrets() {
        Credentials credentials = Credentials.random();
        byte[] key = TestKeys.randomKey();
        Evidence.secret(Base64.getEncoder().encodeToString(key));
        KeyRing ring = KeyRing.builder().primary("hygiene", key).build();
        AesGcmSecretCipher cipher = new AesGcmSecretCipher(ring);
        TestProviderFactory testFactory = new TestProviderFactory();
        testFactory.onCreate(settings -> Evidence.text(settings.toString()));
        OrganizationId org = db.createOrganization();
        try (PostgresCredentialStore store = db.storeBuilder().changeFeed(true).build();
             ProviderManager manager = ProviderManager.builder().store(store)
                     .registry(ProviderRegistry.builder()
                             .register(ScalewayProviderFactory.builder().baseUrl("http://127.0.0.1:9").allowInsecureEndpoint(true).build())
                             .register(testFactory).build())
                     .cipher(cipher).cacheTtl(Duration.ofMinutes(1)).build()) {
            SettingsUpdate update = credentials.update();
            String testSecret = Evidence.secret("tc-" + UUID.randomUUID());
            SettingsUpdate testUpdate = SettingsUpdate.builder()
                    .set(TestProviderFactory.PROJECT_ID, UUID.randomUUID().toString())
                    .set(TestProviderFactory.ACCESS_KEY, "AK-hygiene")
                    .setSecret(TestProviderFactory.SECRET_KEY, Secret.of(testSecret)).build();
            manager.settings().update("hygiene", org, "scaleway", update);
            manager.settings().update("hygiene", org, TestProviderFactory.CODE, testUpdate);
            ScalewayProvider client = manager.get(org, "scaleway", ScalewayProvider.class);
            TestClient testClient = manager.get(org, TestProviderFactory.CODE, TestClient.class);
            Secret secret = Secret.of(credentials.secretKey());
            var encrypted = cipher.encrypt(secret, new SecretContext(org, dev.providersettings.ProviderCode.of("scaleway"),
                    ScalewaySettings.SECRET_KEY));
            OrganizationId seeded = db.createOrganization();
            Credentials seedCredentials = Credentials.random();
            var report = manager.seeder().seed("hygiene", "scaleway", seedSource(seedCredentials), List.of(seeded));
            for (Object o : List.of(update, testUpdate, client, testClient, secret, encrypted, ring, cipher, manager,
                    manager.settings(), manager.seeder(), manager.registry(), store, report, credentials,
                    manager.settings().view(org, "scaleway"), manager.settings().view(org, TestProviderFactory.CODE),
                    manager.get(seeded, "scaleway", ScalewayProvider.class),
                    manager.settings().probe(org, TestProviderFactory.CODE))) {
                Evidence.text(o.toString());
            }
            Evidence.text(SettingsUpdate.builder().setSecret(ScalewaySettings.SECRET_KEY, secret).toString());
        }
    }

    private static SecretSource seedSource(Credentials c) {
        Map<String, String> values = Map.of(ScalewaySettings.PROJECT_ID, c.projectId(), ScalewaySettings.SECRET_KEY,
                c.secretKey(), ScalewaySettings.ACCESS_KEY, c.accessKey());
        return (organization, definition) -> Optional.ofNullable(values.get(definition.key()));
    }

    record DemoRun(boolean ok, String output, int secretsCaptured) {
    }

    /**
     * Runs the demo on this suite's schema with stdout and stderr captured. The demo writes each tenant's secret to
     * {@code <tmp>/orchestrator-secrets-*}/{@code <organization>/scaleway_secret_key} and deletes them at the end; a
     * watcher registers them while they exist.
     */
    private static DemoRun runDemo() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> existing = ConcurrentHashMap.newKeySet();
        try (Stream<Path> s = Files.list(tmp)) {
            s.filter(p -> p.getFileName().toString().startsWith("orchestrator-secrets-")).forEach(existing::add);
        }
        Set<String> captured = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                try (Stream<Path> dirs = Files.list(tmp)) {
                    for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith("orchestrator-secrets-")
                            && !existing.contains(p)).toList()) {
                        try (Stream<Path> files = Files.walk(dir)) {
                            for (Path file : files.filter(f -> f.getFileName().toString().equals("scaleway_secret_key")).toList()) {
                                String value = Files.readString(file, StandardCharsets.UTF_8).strip();
                                if (!value.isEmpty() && captured.add(value)) {
                                    Evidence.secret(value);
                                }
                            }
                        } catch (IOException | java.io.UncheckedIOException e) {
                            // the demo deletes its directory at the end: a race with the walk is expected
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "hygiene-secret-watcher");
        watcher.setDaemon(true);
        watcher.start();

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        boolean ok;
        try (PrintStream out = new PrintStream(new Tee(buffer, originalOut), true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(new Tee(buffer, originalErr), true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            System.setErr(err);
            String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + db.schema();
            ok = Demo.run(OrchestratorConfig.builder().jdbcUrl(url).jdbcUser(db.user()).jdbcPassword(db.password())
                    .nodeId("hygiene-demo").healthInterval(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(50))
                    .waitTimeout(Duration.ofSeconds(20)).build(), out);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            stop.set(true);
            watcher.join(5000);
        }
        return new DemoRun(ok, buffer.toString(StandardCharsets.UTF_8), captured.size());
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
