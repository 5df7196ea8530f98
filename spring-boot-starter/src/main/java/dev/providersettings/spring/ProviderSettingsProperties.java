package dev.providersettings.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code provider-settings.*} properties of the Spring Boot starter. Every group has working defaults except
 * the key ring, which must name where the keys are ({@code provider-settings.key-ring.file} or
 * {@code provider-settings.key-ring.environment-variable}).
 *
 * <p>{@link #validate()} runs before any bean is built from these values and throws
 * {@link ProviderSettingsPropertyException} naming the first wrong property and its fix.
 */
@ConfigurationProperties(prefix = ProviderSettingsProperties.PREFIX)
public class ProviderSettingsProperties {
    /** The common prefix of these properties. */
    public static final String PREFIX = "provider-settings";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern QUALIFIED = Pattern.compile(IDENTIFIER.pattern() + "(\\." + IDENTIFIER.pattern() + ")?");

    /** Whether the starter configures anything at all. */
    private boolean enabled = true;

    private final KeyRing keyRing = new KeyRing();
    private final Cache cache = new Cache();
    private final Store store = new Store();
    private final ChangeFeed changeFeed = new ChangeFeed();
    private final Seeding seeding = new Seeding();
    private final Scaleway scaleway = new Scaleway();
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();

    /** Whether the starter configures anything at all. */
    public boolean isEnabled() {
        return enabled;
    }

    /** Whether the starter configures anything at all. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Where the encryption keys come from. */
    public KeyRing getKeyRing() {
        return keyRing;
    }

    /** The provider cache. */
    public Cache getCache() {
        return cache;
    }

    /** The Postgres store and its migrations. */
    public Store getStore() {
        return store;
    }

    /** Cross-node invalidation through LISTEN/NOTIFY. */
    public ChangeFeed getChangeFeed() {
        return changeFeed;
    }

    /** Seeding of credentials on start-up. */
    public Seeding getSeeding() {
        return seeding;
    }

    /** The Scaleway provider's endpoint, timeouts and retries. */
    public Scaleway getScaleway() {
        return scaleway;
    }

    /** Micrometer meters. */
    public Metrics getMetrics() {
        return metrics;
    }

    /** The health indicator. */
    public Health getHealth() {
        return health;
    }

    /**
     * Checks the values that the binder cannot check by type. The key ring is checked when the starter builds
     * it (not when the application declares its own {@code SecretCipher}).
     *
     * @throws ProviderSettingsPropertyException naming the first wrong property and how to fix it
     */
    public void validate() {
        cache.validate();
        store.validate();
        changeFeed.validate();
        seeding.validate();
        scaleway.validate();
        metrics.validate();
        health.validate();
    }

    static ProviderSettingsPropertyException invalid(String property, String problem, String fix) {
        return new ProviderSettingsPropertyException(PREFIX + "." + property, problem, fix, null);
    }

    static void requirePositive(String property, Duration value, String example) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw invalid(property, "is " + value + ", not a positive duration", "set it to e.g. " + example);
        }
    }

    /** Where the AES-256 keys come from: exactly one of file, environment variable or (tests only) inline text. */
    public static class KeyRing {
        /**
         * A key file with entries keyId:base64key, one per line, the first being the primary (e.g.
         * /run/secrets/provider_settings_key).
         */
        private Path file;
        /** The name of an environment variable holding the key ring text (entries separated by new lines, ',' or ';'). */
        private String environmentVariable;
        /** The key ring text itself. For tests only: a key in a configuration file is a key in your repository. */
        private String inline;
        /**
         * The id of the key that encrypts (the primary), overriding the source's own choice (its primary=keyId entry,
         * else its first key). For rotation: roll out a new key as secondary first, then change this id.
         */
        private String primary;

        public Path getFile() {
            return file;
        }

        public void setFile(Path file) {
            this.file = file;
        }

        public String getEnvironmentVariable() {
            return environmentVariable;
        }

        public void setEnvironmentVariable(String environmentVariable) {
            this.environmentVariable = environmentVariable;
        }

        public String getInline() {
            return inline;
        }

        public void setInline(String inline) {
            this.inline = inline;
        }

        public String getPrimary() {
            return primary;
        }

        public void setPrimary(String primary) {
            this.primary = primary;
        }

        /** How many sources are set (exactly one is valid). */
        int sourceCount() {
            return (file != null ? 1 : 0) + (hasText(environmentVariable) ? 1 : 0) + (hasText(inline) ? 1 : 0);
        }

        void validate() {
            int sources = sourceCount();
            if (sources == 0) {
                throw invalid("key-ring.file", "no key ring is configured",
                        "set provider-settings.key-ring.file=/run/secrets/provider_settings_key (a file of keyId:base64key"
                                + " lines, first = primary; generate one with echo \"k1:$(head -c 32 /dev/urandom | base64)\"),"
                                + " or provider-settings.key-ring.environment-variable=PROVIDER_SETTINGS_KEYS,"
                                + " or declare your own SecretCipher bean");
            }
            if (sources > 1) {
                throw invalid("key-ring", "more than one of file, environment-variable and inline is set",
                        "keep exactly one source of keys");
            }
            if (primary != null && !dev.providersettings.KeyRing.KEY_ID_FORMAT.matcher(primary).matches()) {
                throw invalid("key-ring.primary", "'" + abbreviate(primary) + "' is not a key id",
                        "use the id of one of the ring's keys (1-64 letters, digits, '.', '_' or '-'), e.g. k2");
            }
            if (hasText(environmentVariable) && !environmentVariable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                // The value is not echoed: a common mistake is to put the keys themselves here.
                throw invalid("key-ring.environment-variable", "the value (" + environmentVariable.length()
                        + " characters) is not an environment variable name",
                        "use a name such as PROVIDER_SETTINGS_KEYS (not the keys themselves)");
            }
        }
    }

    /** The provider cache of the {@code ProviderManager}. */
    public static class Cache {
        /** The most clients each provider's cache keeps (one per organization); unbounded when not set. */
        private Long maximumSize;
        /** Safety expiry of a cached client (changes through the library or the change feed invalidate at once). */
        private Duration ttl = Duration.ofMinutes(10);
        /** After how long a client still in use is reloaded in the background while it keeps being served; 0 disables. */
        private Duration refreshAfter = Duration.ZERO;
        /** Whether cache hits are counted (the hit meter); costs each hit one increment of a shared counter. */
        private boolean recordHits = true;
        /** When an expired client's reload fails because the store is unavailable, how long the old one is still served; 0 disables. */
        private Duration staleIfError = Duration.ofMinutes(5);

        public Long getMaximumSize() {
            return maximumSize;
        }

        public void setMaximumSize(Long maximumSize) {
            this.maximumSize = maximumSize;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Duration getRefreshAfter() {
            return refreshAfter;
        }

        public void setRefreshAfter(Duration refreshAfter) {
            this.refreshAfter = refreshAfter;
        }

        public boolean isRecordHits() {
            return recordHits;
        }

        public void setRecordHits(boolean recordHits) {
            this.recordHits = recordHits;
        }

        public Duration getStaleIfError() {
            return staleIfError;
        }

        public void setStaleIfError(Duration staleIfError) {
            this.staleIfError = staleIfError;
        }

        void validate() {
            if (maximumSize != null && maximumSize < 1) {
                throw invalid("cache.maximum-size", "is " + maximumSize + ", below 1",
                        "set a positive number of clients such as 10000, or remove it for an unbounded cache");
            }
            if (ttl == null) {
                throw invalid("cache.ttl", "is empty", "set a positive duration such as 10m");
            }
            requirePositive("cache.ttl", ttl, "10m");
            if (refreshAfter == null || refreshAfter.isNegative() || refreshAfter.compareTo(ttl) >= 0) {
                throw invalid("cache.refresh-after", "is " + refreshAfter + ", not between 0 (off) and cache.ttl ("
                        + ttl + ")", "set a duration shorter than the TTL, e.g. 5m with a 10m TTL, or 0 to turn refresh off");
            }
            if (staleIfError == null || staleIfError.isNegative()) {
                throw invalid("cache.stale-if-error", "is " + staleIfError + ", not a duration of 0 or more",
                        "set e.g. 5m, or 0 to never serve an expired client");
            }
        }
    }

    /** The Postgres credential store built on the application's DataSource. */
    public static class Store {
        /** Whether the library's Flyway migrations run on start-up (own history table provider_settings_schema_history). */
        private boolean migrate = true;
        /** The schema of the library's tables; default: the connection's search path. */
        private String schema;
        /** The host's organizations table (optionally schema-qualified) that provider_settings references. */
        private String organizationsTable = "organizations";
        /** The uuid key column of the organizations table. */
        private String organizationsIdColumn = "id";
        /** With migrate: create a minimal organizations table if the host has none. */
        private boolean createOrganizationsTable;
        /** Opt-in Postgres row-level security: every statement declares the organization whose rows it may touch. */
        private boolean rowLevelSecurity;

        public boolean isMigrate() {
            return migrate;
        }

        public void setMigrate(boolean migrate) {
            this.migrate = migrate;
        }

        public String getSchema() {
            return schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public String getOrganizationsTable() {
            return organizationsTable;
        }

        public void setOrganizationsTable(String organizationsTable) {
            this.organizationsTable = organizationsTable;
        }

        public String getOrganizationsIdColumn() {
            return organizationsIdColumn;
        }

        public void setOrganizationsIdColumn(String organizationsIdColumn) {
            this.organizationsIdColumn = organizationsIdColumn;
        }

        public boolean isCreateOrganizationsTable() {
            return createOrganizationsTable;
        }

        public void setCreateOrganizationsTable(boolean createOrganizationsTable) {
            this.createOrganizationsTable = createOrganizationsTable;
        }

        public boolean isRowLevelSecurity() {
            return rowLevelSecurity;
        }

        public void setRowLevelSecurity(boolean rowLevelSecurity) {
            this.rowLevelSecurity = rowLevelSecurity;
        }

        void validate() {
            if (schema != null && !IDENTIFIER.matcher(schema).matches()) {
                throw invalid("store.schema", "'" + abbreviate(schema) + "' is not a plain SQL identifier",
                        "use letters, digits and '_' (at most 63), e.g. provider_settings, or remove it to use the search path");
            }
            if (organizationsTable == null || !QUALIFIED.matcher(organizationsTable).matches()) {
                throw invalid("store.organizations-table", "'" + abbreviate(organizationsTable)
                        + "' is not a table name", "use a name such as organizations or public.organizations");
            }
            if (organizationsIdColumn == null || !IDENTIFIER.matcher(organizationsIdColumn).matches()) {
                throw invalid("store.organizations-id-column", "'" + abbreviate(organizationsIdColumn)
                        + "' is not a column name", "use the uuid key column of the organizations table, e.g. id");
            }
            if (createOrganizationsTable && !migrate) {
                throw invalid("store.create-organizations-table", "is true while provider-settings.store.migrate is false",
                        "enable provider-settings.store.migrate, or create the organizations table yourself");
            }
        }
    }

    /** Cross-node invalidation: a Postgres trigger NOTIFYs, every node LISTENs on one dedicated connection. */
    public static class ChangeFeed {
        /** Whether this node listens for changes made by other nodes. */
        private boolean enabled = true;
        /**
         * A JDBC URL for the listening connection when the DataSource goes through a transaction pooler (PgBouncer)
         * that cannot hold a LISTEN: point it at Postgres directly. Default: the DataSource's own URL.
         */
        private String url;
        /** The user for url. */
        private String username;
        /** The password for url. */
        private String password;
        /** First delay before reconnecting a lost listening connection (doubled up to reconnect-max-delay). */
        private Duration reconnectInitialDelay = Duration.ofMillis(100);
        /** Longest delay between reconnection attempts. */
        private Duration reconnectMaxDelay = Duration.ofSeconds(5);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public Duration getReconnectInitialDelay() {
            return reconnectInitialDelay;
        }

        public void setReconnectInitialDelay(Duration reconnectInitialDelay) {
            this.reconnectInitialDelay = reconnectInitialDelay;
        }

        public Duration getReconnectMaxDelay() {
            return reconnectMaxDelay;
        }

        public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
            this.reconnectMaxDelay = reconnectMaxDelay;
        }

        void validate() {
            if (hasText(url) && !url.startsWith("jdbc:postgresql:")) {
                throw invalid("change-feed.url", "is not a Postgres JDBC URL",
                        "use jdbc:postgresql://host:5432/db pointing at Postgres itself (not at a transaction pooler)");
            }
            if (!hasText(url) && (hasText(username) || hasText(password))) {
                throw invalid("change-feed.url", "is empty while change-feed.username or change-feed.password is set",
                        "set change-feed.url too, or remove the credentials to use the DataSource's");
            }
            if (reconnectInitialDelay == null || reconnectMaxDelay == null) {
                throw invalid("change-feed.reconnect-initial-delay", "or reconnect-max-delay is empty",
                        "set both, e.g. 100ms and 5s");
            }
            requirePositive("change-feed.reconnect-initial-delay", reconnectInitialDelay, "100ms");
            if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
                throw invalid("change-feed.reconnect-max-delay", "(" + reconnectMaxDelay
                        + ") is shorter than reconnect-initial-delay (" + reconnectInitialDelay + ")",
                        "use a maximum at least as long as the initial delay, e.g. 5s");
            }
        }
    }

    /**
     * Seeding on start-up: for each provider, writes the credentials found in the sources to every organization (or
     * the listed ones), writing only what changed. All of an organization's settings come from one source: its own
     * sub-directory of the per-organization directory when it has one, else the shared directories and the
     * environment together (a file wins over a variable).
     */
    public static class Seeding {
        /** Whether credentials are seeded when the application starts. */
        private boolean enabled;
        /** The providers to seed, by code. */
        private List<String> providers = new ArrayList<>(List.of("scaleway"));
        /** A directory with one sub-directory per organization uuid holding that organization's files. */
        private Path perOrganizationDirectory;
        /** Directories of secret files shared by all organizations, e.g. /run/secrets (file scaleway_secret_key, ...). */
        private List<Path> directories = new ArrayList<>();
        /** Whether environment variables (SCALEWAY_SECRET_KEY, ...) are a source. */
        private boolean environment = true;
        /** The organizations to seed; every organization of the organizations table when empty. */
        private List<UUID> organizations = new ArrayList<>();
        /** Whether organizations lacking required values are skipped (and reported) instead of failing start-up. */
        private boolean skipIncomplete;
        /** The actor recorded in the audit trail. */
        private String actor = "provider-settings-spring-boot";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getProviders() {
            return providers;
        }

        public void setProviders(List<String> providers) {
            this.providers = providers;
        }

        public Path getPerOrganizationDirectory() {
            return perOrganizationDirectory;
        }

        public void setPerOrganizationDirectory(Path perOrganizationDirectory) {
            this.perOrganizationDirectory = perOrganizationDirectory;
        }

        public List<Path> getDirectories() {
            return directories;
        }

        public void setDirectories(List<Path> directories) {
            this.directories = directories;
        }

        public boolean isEnvironment() {
            return environment;
        }

        public void setEnvironment(boolean environment) {
            this.environment = environment;
        }

        public List<UUID> getOrganizations() {
            return organizations;
        }

        public void setOrganizations(List<UUID> organizations) {
            this.organizations = organizations;
        }

        public boolean isSkipIncomplete() {
            return skipIncomplete;
        }

        public void setSkipIncomplete(boolean skipIncomplete) {
            this.skipIncomplete = skipIncomplete;
        }

        public String getActor() {
            return actor;
        }

        public void setActor(String actor) {
            this.actor = actor;
        }

        void validate() {
            if (!enabled) {
                return;
            }
            if (providers == null || providers.isEmpty()) {
                throw invalid("seeding.providers", "is empty while seeding is enabled",
                        "list the provider codes to seed, e.g. scaleway");
            }
            if (perOrganizationDirectory == null && (directories == null || directories.isEmpty()) && !environment) {
                throw invalid("seeding.enabled", "is true but no source is configured",
                        "set seeding.per-organization-directory or seeding.directories, or enable seeding.environment");
            }
            if (actor == null || actor.isBlank()) {
                throw invalid("seeding.actor", "is blank", "name who seeds in the audit trail, e.g. deploy");
            }
        }
    }

    /** The Scaleway provider factory: one endpoint and one HTTP transport for every organization. */
    public static class Scaleway {
        /** The API endpoint for every organization: https (a private gateway), or a fake API in tests; default https://api.scaleway.com. */
        private String baseUrl;
        /**
         * Whether base-url may be plain http. Only for a fake API or a local stub in tests: every organization's secret
         * key travels in a header that plain http sends unencrypted.
         */
        private boolean allowInsecureEndpoint;
        /** Connect timeout of the shared HTTP client. */
        private Duration connectTimeout = Duration.ofSeconds(10);
        /** Timeout of each attempt, from sending to the response headers. */
        private Duration requestTimeout = Duration.ofSeconds(30);
        /** How often waits (volume resize, server state) poll. */
        private Duration pollInterval = Duration.ofSeconds(2);
        private final Retry retry = new Retry();

        public String getBaseUrl() {
            return baseUrl;
        }

        public void setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        public boolean isAllowInsecureEndpoint() {
            return allowInsecureEndpoint;
        }

        public void setAllowInsecureEndpoint(boolean allowInsecureEndpoint) {
            this.allowInsecureEndpoint = allowInsecureEndpoint;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        /** Retries of throttled and failed calls. */
        public Retry getRetry() {
            return retry;
        }

        void validate() {
            if (baseUrl != null && !baseUrl.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/\\-]*)?")) {
                throw invalid("scaleway.base-url", "'" + abbreviate(baseUrl) + "' is not an http(s) URL",
                        "use e.g. https://api.scaleway.com, or remove it to use the default");
            }
            if (baseUrl != null && baseUrl.startsWith("http://") && !allowInsecureEndpoint) {
                throw invalid("scaleway.base-url", "is plain http, which would send every organization's secret key"
                        + " unencrypted", "use https, or for a fake API in tests set"
                        + " provider-settings.scaleway.allow-insecure-endpoint=true");
            }
            requirePositive("scaleway.connect-timeout", connectTimeout, "10s");
            requirePositive("scaleway.request-timeout", requestTimeout, "30s");
            requirePositive("scaleway.poll-interval", pollInterval, "2s");
            retry.validate();
        }
    }

    /** Retries of the Scaleway transport (only calls that are safe to repeat are retried). */
    public static class Retry {
        /** Attempts per call including the first; 1 disables retries. */
        private Integer maxAttempts;
        /** First backoff delay (exponential with jitter). */
        private Duration baseDelay;
        /** Longest backoff delay. */
        private Duration maxDelay;
        /** Time budget of one call including its retries. */
        private Duration totalBudget;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getBaseDelay() {
            return baseDelay;
        }

        public void setBaseDelay(Duration baseDelay) {
            this.baseDelay = baseDelay;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public Duration getTotalBudget() {
            return totalBudget;
        }

        public void setTotalBudget(Duration totalBudget) {
            this.totalBudget = totalBudget;
        }

        boolean isCustomized() {
            return maxAttempts != null || baseDelay != null || maxDelay != null || totalBudget != null;
        }

        void validate() {
            if (maxAttempts != null && maxAttempts < 1) {
                throw invalid("scaleway.retry.max-attempts", "is " + maxAttempts + ", below 1",
                        "set 1 to disable retries, or e.g. 4");
            }
            requirePositive("scaleway.retry.base-delay", baseDelay, "200ms");
            requirePositive("scaleway.retry.max-delay", maxDelay, "10s");
            requirePositive("scaleway.retry.total-budget", totalBudget, "60s");
        }
    }

    /** Micrometer meters (registered when Micrometer is on the classpath). */
    public static class Metrics {
        /** Whether the provider-settings meters are registered. */
        private boolean enabled = true;
        private final OrganizationTag organizationTag = new OrganizationTag();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The opt-in organization tag on per-call meters. */
        public OrganizationTag getOrganizationTag() {
            return organizationTag;
        }

        void validate() {
            organizationTag.validate();
        }
    }

    /**
     * The organization tag on Scaleway call meters: off by default (one time series per organization and operation
     * quickly overwhelms a metrics backend); when on, the first {@code max-values} organizations seen get their
     * own value and every later one is tagged {@code other}.
     */
    public static class OrganizationTag {
        /** Whether Scaleway call meters carry an organization tag. */
        private boolean enabled;
        /** Distinct organization values before the rest are tagged 'other'. */
        private int maxValues = 100;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxValues() {
            return maxValues;
        }

        public void setMaxValues(int maxValues) {
            this.maxValues = maxValues;
        }

        void validate() {
            if (maxValues < 1 || maxValues > 10_000) {
                throw invalid("metrics.organization-tag.max-values", "is " + maxValues + ", outside 1..10000",
                        "keep the number of time series bounded, e.g. 100");
            }
        }
    }

    /** The {@code providerSettings} health indicator (management.health.provider-settings.enabled switches it). */
    public static class Health {
        /** How long the health check waits for its own NOTIFY to come back through the change feed. */
        private Duration changeFeedTimeout = Duration.ofSeconds(2);

        public Duration getChangeFeedTimeout() {
            return changeFeedTimeout;
        }

        public void setChangeFeedTimeout(Duration changeFeedTimeout) {
            this.changeFeedTimeout = changeFeedTimeout;
        }

        void validate() {
            if (changeFeedTimeout == null) {
                throw invalid("health.change-feed-timeout", "is empty", "set e.g. 2s");
            }
            requirePositive("health.change-feed-timeout", changeFeedTimeout, "2s");
        }
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
