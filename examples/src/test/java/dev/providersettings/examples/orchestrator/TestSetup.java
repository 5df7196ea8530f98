package dev.providersettings.examples.orchestrator;

import dev.providersettings.postgres.testing.PostgresTestDatabase;

import java.time.Duration;

/**
 * Test wiring on the credential store's JUnit harness: one embedded Postgres per test JVM, a fresh schema per test
 * class (selected with {@code currentSchema}, so the host's and the store's unqualified SQL both land in it).
 */
final class TestSetup {

    private TestSetup() {
    }

    /** A configuration on the harness's schema, with short intervals so tests drive the jobs quickly. */
    static OrchestratorConfig.Builder config(PostgresTestDatabase db, String nodeId) {
        String url = db.jdbcUrl();
        url += (url.contains("?") ? "&" : "?") + "currentSchema=" + db.schema();
        return OrchestratorConfig.builder()
                .jdbcUrl(url)
                .jdbcUser(db.user())
                .jdbcPassword(db.password())
                .nodeId(nodeId)
                .healthInterval(Duration.ofMillis(200))
                .pollInterval(Duration.ofMillis(50))
                .waitTimeout(Duration.ofSeconds(20));
    }
}
