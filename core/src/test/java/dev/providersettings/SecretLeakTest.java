package dev.providersettings;

import dev.providersettings.exception.ProviderSettingsException;

import dev.providersettings.spi.StoredValue;
import dev.providersettings.testing.LogCapture;
import dev.providersettings.testing.TestClient;
import dev.providersettings.testing.TestProviderFactory;
import dev.providersettings.testing.TestWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.providersettings.testing.TestProviderFactory.CODE;
import static dev.providersettings.testing.TestProviderFactory.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Drives every code path that touches a secret and checks that it never shows in toString, logs or exceptions. */
class SecretLeakTest {
    private static final String SECRET = "TOP-SECRET-canary-7f3a9c";
    private final TestWorld world = new TestWorld(Duration.ofMinutes(1), Duration.ofMinutes(5), 0);

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void secretsNeverAppearInToStringLogsOrExceptionMessages() {
        List<String> texts = new ArrayList<>();
        String logs;
        try (LogCapture capture = LogCapture.start()) {
            OrganizationId organization = world.organization();
            SettingsUpdate update = SettingsUpdate.builder()
                    .set(dev.providersettings.testing.TestProviderFactory.PROJECT_ID, TestProviderFactory.projectId(organization))
                    .set(dev.providersettings.testing.TestProviderFactory.ACCESS_KEY, "AK")
                    .setSecret(SECRET_KEY, Secret.of(SECRET)).build();
            texts.add(update.toString());
            world.manager.settings().update("alice", organization, CODE, update);
            TestClient client = world.client(organization);
            texts.add(client.secretKey().toString());
            texts.add(world.manager.settings().view(organization, CODE).toString());
            texts.add(world.store.load(organization, ProviderCode.of(CODE)).toString());
            texts.add(world.store.auditTrail().toString());
            texts.add(world.manager.toString());
            texts.add(ProviderSettings.of(organization, ProviderCode.of(CODE), Map.of(SECRET_KEY, Secret.of(SECRET))).toString());

            // Failures that involve the secret.
            texts.add(messages(() -> world.manager.settings().update("alice", organization, CODE, SettingsUpdate.builder()
                    .setSecret(SECRET_KEY, Secret.of(SECRET + "\n" + "x".repeat(200))).build())));
            texts.add(messages(() -> world.manager.settings().updateAfterProbe("alice", organization, CODE,
                    SettingsUpdate.builder().setSecret(SECRET_KEY, Secret.of("bad" + SECRET)).build())));
            texts.add(messages(() -> world.manager.seeder().seed("seed", CODE,
                    SecretSource.environment(Map.of("TC_SECRET_KEY", SECRET)))));
            world.factory.failWith(new IllegalStateException("factory echoed " + SECRET));
            world.manager.invalidateAll();
            texts.add(messages(() -> world.client(organization)));
            world.factory.failWith(null);
            // The "everything" reload may still be failing in the background; a get joins a load in flight, so drop
            // it as a host does after fixing what made clients fail.
            world.manager.invalidate(organization, CODE);
            OrganizationId other = world.organizationWithCredentials();
            StoredValue copied = world.store.load(organization, ProviderCode.of(CODE)).settings().get(SECRET_KEY).value();
            world.store.save(new dev.providersettings.spi.SettingsBatch(other, ProviderCode.of(CODE), "attacker",
                    List.of(new dev.providersettings.spi.SettingWrite(SECRET_KEY, copied, -1))));
            texts.add(messages(() -> world.client(other)));
            world.client(organization);
            world.store.setUnavailable(true);
            world.advance(Duration.ofMinutes(2));
            world.client(organization);
            world.store.setUnavailable(false);
            world.manager.settings().rewrap("ops");
            world.client(organization).failOnClose(new IllegalStateException("close echoed " + SECRET));
            world.manager.invalidate(organization, CODE);
            world.manager.settings().delete("alice", organization, CODE);
            logs = capture.text();
        }
        assertThat(logs).contains("loaded provider testcloud", "invalidated", "stale-if-error",
                "closing the client of organization", "IllegalStateException");
        assertThat(texts).hasSizeGreaterThan(10);
        assertThat(String.join("\n", texts)).doesNotContain(SECRET).contains("<masked>");
        assertThat(logs).doesNotContain(SECRET);
    }

    /** The messages of the whole cause chain of what {@code action} throws (empty if it does not throw). */
    private static String messages(Runnable action) {
        try {
            action.run();
            return "";
        } catch (RuntimeException e) {
            StringBuilder out = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ProviderSettingsException) {
                    out.append(t.getMessage()).append('\n');
                }
            }
            assertThat(out).isNotEmpty();
            return out.toString();
        }
    }
}
