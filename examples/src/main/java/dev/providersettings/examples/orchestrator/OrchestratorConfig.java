package dev.providersettings.examples.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The orchestrator's configuration. Every value comes from a system property ({@code -Dorchestrator.jdbc.url=...})
 * or, if that is absent, from an environment variable ({@code ORCHESTRATOR_JDBC_URL}); see {@link #fromEnvironment}
 * and the table in {@code examples/README.md}. Absent values pick the demo-friendly default: an embedded Postgres,
 * the fake Scaleway API, an ephemeral encryption key.
 */
public final class OrchestratorConfig {
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final String scalewayApiUrl;
    private final Path keyFile;
    private final String keyText;
    private final boolean seed;
    private final boolean seedFromEnvironment;
    private final Path secretsDir;
    private final int httpPort;
    private final String nodeId;
    private final Duration jobInterval;
    private final Duration healthInterval;
    private final Duration waitTimeout;
    private final Duration pollInterval;
    private final String serverImage;
    private final boolean deleteOrphanVolumes;

    private OrchestratorConfig(Builder b) {
        this.jdbcUrl = blankToNull(b.jdbcUrl);
        this.jdbcUser = blankToNull(b.jdbcUser);
        this.jdbcPassword = b.jdbcPassword;
        this.scalewayApiUrl = blankToNull(b.scalewayApiUrl);
        this.keyFile = b.keyFile;
        this.keyText = blankToNull(b.keyText);
        this.seed = b.seed;
        this.seedFromEnvironment = b.seedFromEnvironment;
        this.secretsDir = b.secretsDir;
        this.httpPort = b.httpPort;
        this.nodeId = b.nodeId == null ? "node-" + UUID.randomUUID().toString().substring(0, 8) : b.nodeId;
        this.jobInterval = Objects.requireNonNull(b.jobInterval, "jobInterval");
        this.healthInterval = Objects.requireNonNull(b.healthInterval, "healthInterval");
        this.waitTimeout = Objects.requireNonNull(b.waitTimeout, "waitTimeout");
        this.pollInterval = Objects.requireNonNull(b.pollInterval, "pollInterval");
        this.serverImage = blankToNull(b.serverImage);
        this.deleteOrphanVolumes = b.deleteOrphanVolumes;
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("orchestrator.http.port is " + httpPort + ": use 0 (any free port) to 65535");
        }
        if (seed && secretsDir == null && !seedFromEnvironment) {
            throw new IllegalArgumentException("orchestrator.seed is true but neither orchestrator.secrets.dir nor "
                    + "orchestrator.seed.environment is set: name the directory holding one sub-directory of secret "
                    + "files per organization, or seed from the environment");
        }
    }

    /** A builder with the defaults of the demo. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads the configuration from the JVM's system properties and environment. */
    public static OrchestratorConfig fromEnvironment() {
        return fromEnvironment(System.getProperties(), System.getenv());
    }

    /**
     * Reads the configuration: for each setting the system property wins over the environment variable.
     *
     * @param properties system properties ({@code orchestrator.jdbc.url})
     * @param env        environment variables ({@code ORCHESTRATOR_JDBC_URL})
     */
    public static OrchestratorConfig fromEnvironment(Properties properties, Map<String, String> env) {
        Lookup lookup = new Lookup(properties, env);
        Builder b = builder();
        lookup.get("orchestrator.jdbc.url").ifPresent(b::jdbcUrl);
        lookup.get("orchestrator.jdbc.user").ifPresent(b::jdbcUser);
        lookup.get("orchestrator.jdbc.password").ifPresent(b::jdbcPassword);
        lookup.get("orchestrator.scaleway.api.url").ifPresent(b::scalewayApiUrl);
        lookup.get("orchestrator.key.file").map(Path::of).ifPresent(b::keyFile);
        lookup.get("orchestrator.key").ifPresent(b::keyText);
        lookup.get("orchestrator.seed").map(v -> parseBoolean("orchestrator.seed", v)).ifPresent(b::seed);
        lookup.get("orchestrator.seed.environment").map(v -> parseBoolean("orchestrator.seed.environment", v))
                .ifPresent(b::seedFromEnvironment);
        lookup.get("orchestrator.secrets.dir").map(Path::of).ifPresent(b::secretsDir);
        lookup.get("orchestrator.http.port").map(v -> parseInt("orchestrator.http.port", v)).ifPresent(b::httpPort);
        lookup.get("orchestrator.node.id").ifPresent(b::nodeId);
        lookup.get("orchestrator.job.interval.ms").map(v -> Duration.ofMillis(parseInt("orchestrator.job.interval.ms", v)))
                .ifPresent(b::jobInterval);
        lookup.get("orchestrator.health.interval.ms")
                .map(v -> Duration.ofMillis(parseInt("orchestrator.health.interval.ms", v))).ifPresent(b::healthInterval);
        lookup.get("orchestrator.wait.timeout.ms")
                .map(v -> Duration.ofMillis(parseInt("orchestrator.wait.timeout.ms", v))).ifPresent(b::waitTimeout);
        lookup.get("orchestrator.server.image").ifPresent(b::serverImage);
        lookup.get("orchestrator.reconcile.delete").map(v -> parseBoolean("orchestrator.reconcile.delete", v))
                .ifPresent(b::deleteOrphanVolumes);
        return b.build();
    }

    /** The JDBC URL of the host database, or empty to start an embedded Postgres. */
    public Optional<String> jdbcUrl() {
        return Optional.ofNullable(jdbcUrl);
    }

    public Optional<String> jdbcUser() {
        return Optional.ofNullable(jdbcUser);
    }

    /** The database password (never printed by {@link #toString()}). */
    public Optional<String> jdbcPassword() {
        return Optional.ofNullable(jdbcPassword);
    }

    /** The Scaleway API base URL, or empty to start the fake Scaleway API. */
    public Optional<String> scalewayApiUrl() {
        return Optional.ofNullable(scalewayApiUrl);
    }

    /** The key ring file, if configured. */
    public Optional<Path> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    /** The key ring as text (e.g. from an environment variable), if configured; never printed. */
    public Optional<String> keyText() {
        return Optional.ofNullable(keyText);
    }

    /** Whether credentials are seeded for every organization at start-up. */
    public boolean seed() {
        return seed;
    }

    /**
     * Whether seeding also reads the environment ({@code SCW_SECRET_KEY}, {@code SCALEWAY_PROJECT_ID}, ...): the same
     * values for every organization without its own sub-directory.
     */
    public boolean seedFromEnvironment() {
        return seedFromEnvironment;
    }

    /** The secrets directory: one sub-directory per organization id, holding the secret files. */
    public Optional<Path> secretsDir() {
        return Optional.ofNullable(secretsDir);
    }

    /** The HTTP port; 0 picks a free one. */
    public int httpPort() {
        return httpPort;
    }

    /** The name of this node in claims ({@code claimed_by}). */
    public String nodeId() {
        return nodeId;
    }

    /** The pause between two passes of the background jobs. */
    public Duration jobInterval() {
        return jobInterval;
    }

    /** How often a ready instance is health-checked and watched. */
    public Duration healthInterval() {
        return healthInterval;
    }

    /** The longest a job waits for the provider (server running, resize done, server gone). */
    public Duration waitTimeout() {
        return waitTimeout;
    }

    /** The pause between two polls while waiting for the provider. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /**
     * The image (UUID) new servers boot from, if configured. Scaleway wants the image's UUID, which differs per zone;
     * with the fake API the default is the fake's Ubuntu 22.04 image.
     */
    public Optional<String> serverImage() {
        return Optional.ofNullable(serverImage);
    }

    /** Whether volume reconciliation deletes orphan volumes (true) or only reports them (false). */
    public boolean deleteOrphanVolumes() {
        return deleteOrphanVolumes;
    }

    /** A copy of this configuration with another node id (to run a second node on the same database). */
    public OrchestratorConfig withNodeId(String otherNodeId) {
        return toBuilder().nodeId(otherNodeId).build();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.jdbcUrl = jdbcUrl;
        b.jdbcUser = jdbcUser;
        b.jdbcPassword = jdbcPassword;
        b.scalewayApiUrl = scalewayApiUrl;
        b.keyFile = keyFile;
        b.keyText = keyText;
        b.seed = seed;
        b.seedFromEnvironment = seedFromEnvironment;
        b.secretsDir = secretsDir;
        b.httpPort = httpPort;
        b.nodeId = nodeId;
        b.jobInterval = jobInterval;
        b.healthInterval = healthInterval;
        b.waitTimeout = waitTimeout;
        b.pollInterval = pollInterval;
        b.serverImage = serverImage;
        b.deleteOrphanVolumes = deleteOrphanVolumes;
        return b;
    }

    @Override
    public String toString() {
        return "OrchestratorConfig[jdbcUrl=" + (jdbcUrl == null ? "<embedded>" : maskJdbcUrl(jdbcUrl))
                + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword == null ? "<none>" : "<masked>")
                + ", scalewayApiUrl=" + (scalewayApiUrl == null ? "<fake>" : scalewayApiUrl)
                + ", keyFile=" + keyFile + ", key=" + (keyText == null ? "<none>" : "<masked>")
                + ", seed=" + seed + ", seedFromEnvironment=" + seedFromEnvironment + ", secretsDir=" + secretsDir + ", httpPort=" + httpPort + ", nodeId=" + nodeId
                + ", jobInterval=" + jobInterval + ", healthInterval=" + healthInterval
                + ", waitTimeout=" + waitTimeout + ", serverImage=" + serverImage
                + ", deleteOrphanVolumes=" + deleteOrphanVolumes + "]";
    }

    /** Hides {@code password=...} inside a JDBC URL (as HikariCP does) so the URL can be logged. */
    static String maskJdbcUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1<masked>");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static boolean parseBoolean(String name, String value) {
        switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true": case "yes": case "1": case "on":
                return true;
            case "false": case "no": case "0": case "off":
                return false;
            default:
                throw new IllegalArgumentException(name + " is '" + value + "': use true or false");
        }
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is '" + value + "': use a whole number", e);
        }
    }

    /** System property first ({@code a.b.c}), then the environment ({@code A_B_C}). */
    private static final class Lookup {
        private final Properties properties;
        private final Map<String, String> env;

        Lookup(Properties properties, Map<String, String> env) {
            this.properties = properties;
            this.env = env;
        }

        Optional<String> get(String property) {
            String value = properties.getProperty(property);
            if (value == null || value.isBlank()) {
                value = env.get(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
            }
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }
    }

    /** Builder of {@link OrchestratorConfig}; every setting is optional. */
    public static final class Builder {
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private String scalewayApiUrl;
        private Path keyFile;
        private String keyText;
        private boolean seed;
        private boolean seedFromEnvironment;
        private Path secretsDir;
        private int httpPort;
        private String nodeId;
        private Duration jobInterval = Duration.ofMillis(500);
        private Duration healthInterval = Duration.ofSeconds(30);
        private Duration waitTimeout = Duration.ofSeconds(60);
        private Duration pollInterval = Duration.ofMillis(200);
        private String serverImage;
        private boolean deleteOrphanVolumes = true;

        private Builder() {
        }

        public Builder jdbcUrl(String value) {
            this.jdbcUrl = value;
            return this;
        }

        public Builder jdbcUser(String value) {
            this.jdbcUser = value;
            return this;
        }

        public Builder jdbcPassword(String value) {
            this.jdbcPassword = value;
            return this;
        }

        public Builder scalewayApiUrl(String value) {
            this.scalewayApiUrl = value;
            return this;
        }

        public Builder keyFile(Path value) {
            this.keyFile = value;
            return this;
        }

        public Builder keyText(String value) {
            this.keyText = value;
            return this;
        }

        public Builder seed(boolean value) {
            this.seed = value;
            return this;
        }

        public Builder seedFromEnvironment(boolean value) {
            this.seedFromEnvironment = value;
            return this;
        }

        public Builder secretsDir(Path value) {
            this.secretsDir = value;
            return this;
        }

        public Builder httpPort(int value) {
            this.httpPort = value;
            return this;
        }

        public Builder nodeId(String value) {
            this.nodeId = value;
            return this;
        }

        public Builder jobInterval(Duration value) {
            this.jobInterval = value;
            return this;
        }

        public Builder healthInterval(Duration value) {
            this.healthInterval = value;
            return this;
        }

        public Builder waitTimeout(Duration value) {
            this.waitTimeout = value;
            return this;
        }

        public Builder pollInterval(Duration value) {
            this.pollInterval = value;
            return this;
        }

        public Builder serverImage(String value) {
            this.serverImage = value;
            return this;
        }

        public Builder deleteOrphanVolumes(boolean value) {
            this.deleteOrphanVolumes = value;
            return this;
        }

        public OrchestratorConfig build() {
            return new OrchestratorConfig(this);
        }
    }
}
