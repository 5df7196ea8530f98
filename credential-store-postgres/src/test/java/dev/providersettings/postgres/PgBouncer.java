package dev.providersettings.postgres;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PgBouncer ({@code pgbouncer} binary, Debian package {@code pgbouncer}) in transaction pooling mode in front of
 * the test Postgres, started as its own process with its configuration in a temporary directory and listening on a
 * free loopback port. {@link #startOrSkip} skips the calling test (JUnit assumption, reason printed) on a machine
 * without the binary; {@code .ci/run} installs it, so CI always runs these tests.
 */
final class PgBouncer implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"),
            Path.of("/usr/local/bin/pgbouncer"), Path.of("/opt/homebrew/bin/pgbouncer"));

    private final Process process;
    private final Path directory;
    private final int port;

    private PgBouncer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /**
     * Starts PgBouncer in front of the server of {@code postgresJdbcUrl}, transaction pooling with at most
     * {@code serverConnections} server connections, or skips the test if there is no {@code pgbouncer} binary.
     */
    static PgBouncer startOrSkip(String postgresJdbcUrl, String user, String password, int serverConnections) {
        Path binary = CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            String reason = "no pgbouncer binary (looked in " + CANDIDATES + "): install the Debian package"
                    + " 'pgbouncer' (apt-get install -y pgbouncer) to run the PgBouncer tests; skipping";
            System.out.println("[PgBouncer] " + reason);
            Assumptions.abort(reason);
        }
        URI server = URI.create(postgresJdbcUrl.substring("jdbc:".length()));
        try {
            Path dir = Files.createTempDirectory("pgbouncer-test");
            int port = freePort();
            Files.writeString(dir.resolve("userlist.txt"), "\"" + user + "\" \"" + password + "\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                    "[databases]",
                    "* = host=" + server.getHost() + " port=" + server.getPort(),
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + dir.resolve("userlist.txt"),
                    "pool_mode = transaction",
                    "default_pool_size = " + serverConnections,
                    "min_pool_size = 0",
                    "max_client_conn = 200",
                    // pgjdbc sends extra_float_digits at startup, which PgBouncer does not track
                    "ignore_startup_parameters = extra_float_digits",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    "pidfile = " + dir.resolve("pgbouncer.pid"),
                    ""));
            List<String> command = new java.util.ArrayList<>(List.of(binary.toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                // PgBouncer refuses to run as root: drop to an unprivileged user that can read the directory
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
                    }
                }
                command.addAll(List.of("-u", Files.exists(Path.of("/var/lib/postgresql")) ? "postgres" : "nobody"));
            }
            command.add(dir.resolve("pgbouncer.ini").toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            PgBouncer bouncer = new PgBouncer(process, dir, port);
            bouncer.awaitListening();
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start pgbouncer", e);
        }
    }

    /** A JDBC URL through PgBouncer with pgjdbc's defaults (server-side prepared statements from the 5th use). */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + ": " + logs());
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for pgbouncer", e);
                }
            }
        }
        throw new IllegalStateException("pgbouncer did not listen within 20 s: " + logs());
    }

    String logs() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("stdout.log", "pgbouncer.log")) {
            Path file = directory.resolve(name);
            if (Files.exists(file)) {
                text.append(name).append(": ").append(Files.readString(file)).append('\n');
            }
        }
        return text.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
