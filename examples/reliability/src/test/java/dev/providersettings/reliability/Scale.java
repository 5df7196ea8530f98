package dev.providersettings.reliability;

/**
 * How big the suites run. The normal build ({@code mvn -B verify}) runs them scaled down; {@code -Plong} (system
 * property {@code reliability.scale=long}) runs the same tests at the full figures of RELIABILITY.md. A single
 * figure can be overridden with a system property such as {@code -Dreliability.isolation.resolutions=2000000}.
 */
final class Scale {
    static final String PROPERTY = "reliability.scale";

    private Scale() {
    }

    /** Whether this is the long run. */
    static boolean isLong() {
        return "long".equalsIgnoreCase(System.getProperty(PROPERTY, "normal").strip());
    }

    /** The name of the scale, printed with every figure line. */
    static String name() {
        return isLong() ? "long" : "normal";
    }

    /** {@code normal} or {@code full} depending on the scale, unless {@code reliability.<name>} overrides it. */
    static int pick(String name, int normal, int full) {
        String override = System.getProperty("reliability." + name);
        if (override != null && !override.isBlank()) {
            return Integer.parseInt(override.strip());
        }
        return isLong() ? full : normal;
    }
}
