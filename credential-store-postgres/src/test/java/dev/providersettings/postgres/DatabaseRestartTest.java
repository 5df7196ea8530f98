package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.OrganizationId;
import dev.providersettings.spi.ChangeEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.providersettings.postgres.Fixtures.SCALEWAY;
import static dev.providersettings.postgres.Fixtures.batch;
import static dev.providersettings.postgres.Fixtures.put;
import static dev.providersettings.postgres.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database is stopped and started again mid-test (its own embedded instance, same data directory and port):
 * the store reports {@link CredentialStoreUnavailableException} while it is down and works again afterwards, and
 * the change feed reconnects and signals "everything".
 */
class DatabaseRestartTest {
    @TempDir
    Path dataDirectory;

    private EmbeddedPostgres postgres;

    @AfterEach
    void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port).start();
    }

    @Test
    void theStoreIsUnavailableWhileTheDatabaseIsDownAndRecoversAfterwards() throws Exception {
        int port = freePort();
        postgres = start(port);
        String url = "jdbc:postgresql://localhost:" + port + "/postgres";
        HikariDataSource pool = PostgresDataSources.builder().jdbcUrl(url).user("postgres").password("postgres")
                .maximumPoolSize(2).connectionTimeout(Duration.ofMillis(500)).build();
        BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        try (pool; PostgresCredentialStore store = PostgresCredentialStore.builder().dataSource(pool)
                .migrate(true).createOrganizationsTable(true)
                .changeFeed(true).changeFeedReconnect(Duration.ofMillis(100), Duration.ofMillis(500))
                .build()) {
            store.subscribe(events::add);
            OrganizationId org = OrganizationId.random();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO organizations (id) VALUES ('" + org.value() + "')");
            }
            store.save(batch(org, put("A", text("before"))));
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));

            postgres.close();
            postgres = null;

            assertThatThrownBy(() -> store.load(org, SCALEWAY))
                    .isInstanceOf(CredentialStoreUnavailableException.class)
                    .hasMessageContaining("unavailable")
                    .hasCauseInstanceOf(java.sql.SQLException.class)
                    .satisfies(e -> assertThat(((CredentialStoreUnavailableException) e).isRetryable()).isTrue());
            assertThatThrownBy(() -> store.save(batch(org, put("A", text("during")))))
                    .isInstanceOf(CredentialStoreUnavailableException.class);
            assertThat(store.isChangeFeedListening()).isFalse();

            postgres = start(port);

            // the next calls succeed on their own (no restart of the store or the pool)
            var before = awaitLoad(store, org).settings().get("A");
            assertThat(before.value()).isEqualTo(text("before"));
            // the feed reconnects and signals "everything" (events of local writes may come before it)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            ChangeEvent event;
            do {
                event = events.poll(1, TimeUnit.SECONDS);
            } while (!ChangeEvent.everything().equals(event) && System.nanoTime() < deadline);
            assertThat(event).isEqualTo(ChangeEvent.everything());
            assertThat(store.isChangeFeedListening()).isTrue();

            events.clear();
            assertThat(store.save(batch(org, put("A", text("after"), before.version()))).get("A"))
                    .isGreaterThan(before.version());
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(new ChangeEvent(org, SCALEWAY));
        }
    }

    private static dev.providersettings.spi.StoredSettings awaitLoad(PostgresCredentialStore store, OrganizationId org)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return store.load(org, SCALEWAY);
            } catch (CredentialStoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
