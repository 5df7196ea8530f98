package dev.providersettings.spring.internal;

import dev.providersettings.exception.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks at start-up that the libraries the application's build resolved (Spring Boot manages Flyway and jOOQ
 * versions of its own) are recent enough for provider-settings, so an old version fails with a message naming the
 * library, the versions and the fix instead of a {@code NoSuchMethodError} at the first query.
 *
 * <p>The minimums are what the library's code needs: the jOOQ classes are generated for the 3.19 API, and the
 * Postgres support of Flyway is the separate {@code flyway-database-postgresql} module, which exists from Flyway 10.
 */
public final class DependencyVersions {
    /** The oldest jOOQ runtime the generated classes accept. */
    public static final String MINIMUM_JOOQ = "3.19.0";
    /** The oldest Flyway with the separate Postgres module the migrations use. */
    public static final String MINIMUM_FLYWAY = "10.0.0";

    private final Supplier<Optional<String>> jooq;
    private final Supplier<Optional<String>> flyway;

    /** Reads the versions from the classpath. */
    public DependencyVersions() {
        this(DependencyVersions::jooqOnClasspath, DependencyVersions::flywayOnClasspath);
    }

    /** With explicit version sources (tests). */
    public DependencyVersions(Supplier<Optional<String>> jooq, Supplier<Optional<String>> flyway) {
        this.jooq = jooq;
        this.flyway = flyway;
    }

    /**
     * Fails when a library is older than its minimum. An unreadable version (a repackaged jar) passes: the check
     * only stops what it can prove too old.
     *
     * @throws ConfigurationException naming every library that is too old, its minimum and how to fix the build
     */
    public void check() {
        List<String> problems = new ArrayList<>();
        jooq.get().filter(v -> older(v, MINIMUM_JOOQ)).ifPresent(v -> problems.add("jOOQ " + v
                + " is on the classpath but provider-settings needs " + MINIMUM_JOOQ + " or newer (org.jooq:jooq)"));
        flyway.get().filter(v -> older(v, MINIMUM_FLYWAY)).ifPresent(v -> problems.add("Flyway " + v
                + " is on the classpath but provider-settings needs " + MINIMUM_FLYWAY
                + " or newer (org.flywaydb:flyway-core and flyway-database-postgresql)"));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems) + ": remove the version override from your"
                    + " build (e.g. a jooq.version or flyway.version property) or use Spring Boot 4.0.x, whose managed"
                    + " versions are tested with this library");
        }
    }

    /** Whether dotted version {@code actual} is older than {@code minimum} (qualifiers such as -RC1 are ignored). */
    static boolean older(String actual, String minimum) {
        int[] a = numbers(actual);
        int[] m = numbers(minimum);
        for (int i = 0; i < Math.max(a.length, m.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < m.length ? m[i] : 0;
            if (x != y) {
                return x < y;
            }
        }
        return false;
    }

    private static int[] numbers(String version) {
        String[] parts = version.trim().split("[.-]");
        List<Integer> values = new ArrayList<>();
        for (String part : parts) {
            if (!part.matches("[0-9]{1,9}")) {
                break;
            }
            values.add(Integer.parseInt(part));
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    static Optional<String> jooqOnClasspath() {
        try {
            // Read reflectively: the constant would otherwise be inlined at compile time.
            Object version = Class.forName("org.jooq.Constants").getField("VERSION").get(null);
            return Optional.of(version.toString());
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    static Optional<String> flywayOnClasspath() {
        try {
            Class<?> flyway = Class.forName("org.flywaydb.core.Flyway");
            try (InputStream in = flyway.getClassLoader().getResourceAsStream("org/flywaydb/core/internal/version.txt")) {
                if (in != null) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
                }
            }
            return Optional.ofNullable(flyway.getPackage().getImplementationVersion());
        } catch (ClassNotFoundException | LinkageError | IOException e) {
            return Optional.empty();
        }
    }
}
