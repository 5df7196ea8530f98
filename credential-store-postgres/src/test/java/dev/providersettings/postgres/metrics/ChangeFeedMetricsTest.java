package dev.providersettings.postgres.metrics;

import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeFeedMetricsTest {
    @RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();

    @Test
    void listeningGaugeAndReconnectCounterFollowTheFeed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PostgresCredentialStore store = db.storeBuilder().changeFeed(true).build()) {
            new ChangeFeedMetrics(store).bindTo(registry);
            assertThat(store.verifyChangeFeed(Duration.ofSeconds(5))).isTrue();
            assertThat(registry.get(ChangeFeedMetrics.LISTENING).gauge().value()).isEqualTo(1);
            assertThat(registry.get(ChangeFeedMetrics.RECONNECTS).functionCounter().count())
                    .isEqualTo(store.changeFeedStatus().reconnects());
            store.close();
            assertThat(registry.get(ChangeFeedMetrics.LISTENING).gauge().value()).isZero();
        }
    }

    @Test
    void aStoreWithoutFeedReportsNotListening() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PostgresCredentialStore store = db.storeBuilder().build()) {
            new ChangeFeedMetrics(store).bindTo(registry);
            assertThat(registry.get(ChangeFeedMetrics.LISTENING).gauge().value()).isZero();
            assertThat(registry.get(ChangeFeedMetrics.RECONNECTS).functionCounter().count()).isZero();
        }
    }
}
