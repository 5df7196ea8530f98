package dev.providersettings.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints a suite's figures as one parseable line, {@code RELIABILITY <suite> key=value ...}, on stdout and appended to
 * {@code target/reliability/figures.txt}, so RELIABILITY.md can be filled from a run:
 * {@code grep -h '^RELIABILITY' examples/reliability/target/reliability/figures.txt}.
 */
final class Figures {
    /** The first line of a test JVM starts the file afresh, so it holds exactly one run's figures. */
    private static boolean started;
    private final String suite;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Figures(String suite) {
        this.suite = suite;
    }

    static Figures of(String suite) {
        return new Figures(suite);
    }

    Figures put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** Prints and records the line; returns it. */
    String print() {
        StringBuilder line = new StringBuilder("RELIABILITY ").append(suite);
        values.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        line.append(" scale=").append(Scale.name()).append(" at=").append(Instant.now());
        String text = line.toString();
        System.out.println(text);
        synchronized (Figures.class) {
            try {
                Path file = output().resolve("figures.txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, text + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, started ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                started = true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }

    /** Where figures and the DEBUG log go ({@code target/reliability}). */
    static Path output() {
        return Path.of(System.getProperty("reliability.output", "target/reliability"));
    }
}
