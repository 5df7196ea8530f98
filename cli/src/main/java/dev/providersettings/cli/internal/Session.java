package dev.providersettings.cli.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.KeyRing;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresDataSources;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.postgres.PostgresSchemaOptions;
import dev.providersettings.scaleway.ScalewayProviderFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The resources one command uses, opened on first use from the {@link Config} and closed together: the connection
 * pool, the Postgres store, the provider registry, the key ring and the provider manager.
 */
public final class Session implements AutoCloseable {
    private final Config config;
    private final int poolSize;
    private HikariDataSource pool;
    private PostgresCredentialStore store;
    private ProviderRegistry registry;
    private KeyRing keyRing;
    private ProviderManager manager;

    public Session(Config config, int poolSize) {
        this.config = config;
        this.poolSize = poolSize;
    }

    public Config config() {
        return config;
    }

    /** The JDBC URL with any password parameter masked, for messages. */
    public String describeDatabase() {
        return config.get(Config.JDBC_URL).map(Session::maskUrl).orElse("(no database configured)");
    }

    /** The connection pool (opened lazily; it connects on demand). */
    public HikariDataSource dataSource() {
        if (pool == null) {
            String url = config.get(Config.JDBC_URL).orElseThrow(() -> CliException.configuration(
                    "no database configured: pass --" + Config.JDBC_URL + " jdbc:postgresql://host:5432/db, or set "
                            + Config.environmentName(Config.JDBC_URL) + ", or " + Config.propertyName(Config.JDBC_URL)
                            + " in the --config file"));
            if (!url.startsWith("jdbc:postgresql:")) {
                throw CliException.configuration(config.origin(Config.JDBC_URL) + " is not a Postgres JDBC URL: use "
                        + "jdbc:postgresql://host:5432/database");
            }
            pool = PostgresDataSources.builder().jdbcUrl(url).user(config.get(Config.JDBC_USER).orElse(null))
                    .password(password().orElse(null)).maximumPoolSize(poolSize).minimumIdle(0)
                    .connectionTimeout(Duration.ofSeconds(5)).poolName("provider-settings-cli").build();
        }
        return pool;
    }

    private Optional<String> password() {
        Optional<String> direct = config.get(Config.JDBC_PASSWORD);
        if (direct.isPresent()) {
            return direct;
        }
        Optional<String> file = config.get(Config.JDBC_PASSWORD_FILE);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(file.get());
        try {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8).stripTrailing());
        } catch (IOException e) {
            throw CliException.configuration("database password file " + path + " (" + config.origin(Config.JDBC_PASSWORD_FILE)
                    + ") cannot be read (" + e.getClass().getSimpleName() + "): check the path and its permissions");
        }
    }

    /** The schema of the library's tables, or null for the connection's search path. */
    public String schema() {
        return config.get(Config.SCHEMA).orElse(null);
    }

    public String organizationsTable() {
        return config.get(Config.ORGANIZATIONS_TABLE).orElse("organizations");
    }

    public String organizationsIdColumn() {
        return config.get(Config.ORGANIZATIONS_ID_COLUMN).orElse("id");
    }

    /** The schema options of this configuration, the same for the migrations and the store. */
    public PostgresSchemaOptions schemaOptions() {
        return PostgresSchemaOptions.defaults().withSchema(schema())
                .withOrganizationsTable(organizationsTable(), organizationsIdColumn())
                .withRowLevelSecurity(config.flag(Config.ROW_LEVEL_SECURITY));
    }

    /** A migrations runner with this configuration. */
    public PostgresMigrations.Builder migrations() {
        return PostgresMigrations.builder().dataSource(dataSource()).schemaOptions(schemaOptions());
    }

    /** The store (no change feed: a command is short-lived and reads what it needs itself). */
    public PostgresCredentialStore store() {
        if (store == null) {
            store = storeBuilder().build();
        }
        return store;
    }

    /** A store builder with this configuration, on this session's pool. */
    public PostgresCredentialStore.Builder storeBuilder() {
        return PostgresCredentialStore.builder().dataSource(dataSource()).schemaOptions(schemaOptions());
    }

    /** The providers on the class path; Scaleway with the configured endpoint. */
    public ProviderRegistry registry() {
        if (registry == null) {
            ProviderRegistry.Builder builder = ProviderRegistry.builder();
            Optional<String> url = config.get(Config.SCALEWAY_API_URL);
            if (url.isPresent()) {
                builder.register(ScalewayProviderFactory.builder().baseUrl(checkedScalewayUrl(url.get()))
                        .allowInsecureEndpoint(config.flag(Config.SCALEWAY_ALLOW_INSECURE_HTTP)).build());
            }
            registry = builder.discover(Session.class.getClassLoader()).build();
        }
        return registry;
    }

    private String checkedScalewayUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw CliException.configuration(config.origin(Config.SCALEWAY_API_URL) + " is not a URL: use e.g. "
                    + "https://api.scaleway.com");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") && !config.flag(Config.SCALEWAY_ALLOW_INSECURE_HTTP)) {
            throw CliException.configuration(config.origin(Config.SCALEWAY_API_URL) + " is plain http: secret keys "
                    + "would travel unencrypted; use https, or pass --" + Config.SCALEWAY_ALLOW_INSECURE_HTTP
                    + " for a local fake API");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw CliException.configuration(config.origin(Config.SCALEWAY_API_URL) + " must be an https URL such as "
                    + "https://api.scaleway.com");
        }
        return url;
    }

    /** The key ring: {@code keys-file}, else {@code PROVIDER_SETTINGS_KEYS} (or the file property {@code keys}). */
    public KeyRing keyRing() {
        if (keyRing == null) {
            Optional<String> file = config.get(Config.KEYS_FILE);
            if (file.isPresent()) {
                keyRing = KeyRing.fromFile(Path.of(file.get()));
            } else if (config.get(Config.KEYS).isPresent()) {
                keyRing = KeyRing.fromEnvironment(java.util.Map.of(Config.environmentName(Config.KEYS),
                        config.get(Config.KEYS).get()), Config.environmentName(Config.KEYS));
            } else {
                throw CliException.configuration("no key ring configured: pass --" + Config.KEYS_FILE
                        + " /run/secrets/provider_settings_key, or set " + Config.environmentName(Config.KEYS_FILE)
                        + " or " + Config.environmentName(Config.KEYS) + " (entries keyId:base64key)");
            }
        }
        return keyRing;
    }

    /** The provider manager over the store, registry and key ring. */
    public ProviderManager manager() {
        if (manager == null) {
            manager = ProviderManager.builder().store(store()).registry(registry()).closeRegistryOnClose(false)
                    .cipher(new AesGcmSecretCipher(keyRing())).build();
        }
        return manager;
    }

    /** Masks {@code password=} parameters and {@code user:password@} in a JDBC URL. */
    public static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1<masked>").replaceAll("//([^/@:]+):[^/@]*@", "//$1:<masked>@");
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (store != null) {
            store.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "Session[" + describeDatabase() + "]";
    }
}
