package dev.providersettings.spring;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded Postgres for the test JVM; a fresh database per call of {@link #newDatabase()}. */
final class TestDatabases {
    private static EmbeddedPostgres server;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestDatabases() {
    }

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return server;
    }

    /** Creates an empty database and returns its JDBC URL (user and password: postgres). */
    static String newDatabase() {
        String name = "starter_" + COUNTER.incrementAndGet();
        execute("postgres", "create database " + name);
        return server().getJdbcUrl("postgres", name);
    }

    static void execute(String database, String sql) {
        try (Connection connection = server().getDatabase("postgres", database).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String databaseOf(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    static UUID createOrganization(String jdbcUrl) {
        UUID id = UUID.randomUUID();
        execute(databaseOf(jdbcUrl), "insert into organizations (id, name) values ('" + id + "', 'org')");
        return id;
    }
}
