package dev.providersettings.cli.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Connection and key ring settings, each looked up by one name in three places, first found wins:
 * the command-line flag {@code --name}, the environment variable {@code PROVIDER_SETTINGS_NAME}, the property
 * {@code provider-settings.name} of the properties file given by {@code --config} or {@code PROVIDER_SETTINGS_CONFIG}.
 * Values that are secrets ({@link #ARGV_FORBIDDEN}) have no flag: they come from the environment, the file, or a
 * file named by a flag.
 */
public final class Config {
    /** Names of the settings (see the table in {@code cli/README.md}). */
    public static final String JDBC_URL = "jdbc-url";
    public static final String JDBC_USER = "jdbc-user";
    public static final String JDBC_PASSWORD = "jdbc-password";
    public static final String JDBC_PASSWORD_FILE = "jdbc-password-file";
    public static final String SCHEMA = "schema";
    public static final String ORGANIZATIONS_TABLE = "organizations-table";
    public static final String ORGANIZATIONS_ID_COLUMN = "organizations-id-column";
    public static final String ROW_LEVEL_SECURITY = "row-level-security";
    public static final String CHANGE_FEED_JDBC_URL = "change-feed-jdbc-url";
    public static final String KEYS = "keys";
    public static final String KEYS_FILE = "keys-file";
    public static final String SCALEWAY_API_URL = "scaleway-api-url";
    public static final String SCALEWAY_ALLOW_INSECURE_HTTP = "scaleway-allow-insecure-http";
    public static final String ACTOR = "actor";
    /** The properties file itself. */
    public static final String CONFIG = "config";
    /** Settings that are secrets, accepted from the environment or the properties file only. */
    public static final Set<String> ARGV_FORBIDDEN = Set.of(JDBC_PASSWORD, KEYS);

    private static final String PROPERTY_PREFIX = "provider-settings.";

    private final Map<String, String> flags;
    private final Map<String, String> environment;
    private final Properties file;
    private final Path filePath;

    private Config(Map<String, String> flags, Map<String, String> environment, Properties file, Path filePath) {
        this.flags = flags;
        this.environment = environment;
        this.file = file;
        this.filePath = filePath;
    }

    /**
     * Reads the configuration.
     *
     * @param flags       values given on the command line, by name (absent flags missing)
     * @param environment environment variables
     * @throws CliException if the properties file is named but cannot be read
     */
    public static Config load(Map<String, String> flags, Map<String, String> environment) {
        String configured = flags.get(CONFIG);
        if (configured == null) {
            configured = blankToNull(environment.get(environmentName(CONFIG)));
        }
        Properties properties = new Properties();
        Path path = null;
        if (configured != null) {
            path = Path.of(configured);
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (NoSuchFileException e) {
                throw CliException.configuration("configuration file " + path + " does not exist: fix --config or "
                        + environmentName(CONFIG));
            } catch (IOException | IllegalArgumentException e) {
                throw CliException.configuration("configuration file " + path + " cannot be read ("
                        + e.getClass().getSimpleName() + "): check its permissions and that it is a Java properties file");
            }
            for (String name : properties.stringPropertyNames()) {
                if (!name.startsWith(PROPERTY_PREFIX)) {
                    throw CliException.configuration("configuration file " + path + ": property '" + name
                            + "' is unknown: properties are named " + PROPERTY_PREFIX + "<name>, e.g. "
                            + propertyName(JDBC_URL));
                }
            }
        }
        return new Config(Map.copyOf(flags), environment, properties, path);
    }

    /** The environment variable of a setting: {@code jdbc-url} → {@code PROVIDER_SETTINGS_JDBC_URL}. */
    public static String environmentName(String name) {
        return "PROVIDER_SETTINGS_" + name.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The property of a setting in the configuration file: {@code jdbc-url} → {@code provider-settings.jdbc-url}. */
    public static String propertyName(String name) {
        return PROPERTY_PREFIX + name;
    }

    /** The value of a setting, flag first, then environment, then file; blank values count as absent. */
    public Optional<String> get(String name) {
        String value = ARGV_FORBIDDEN.contains(name) ? null : blankToNull(flags.get(name));
        if (value == null) {
            value = blankToNull(environment.get(environmentName(name)));
        }
        if (value == null) {
            value = blankToNull(file.getProperty(propertyName(name)));
        }
        return Optional.ofNullable(value);
    }

    /** Where a setting's value came from, for messages: the flag, variable or file property (never the value). */
    public String origin(String name) {
        if (!ARGV_FORBIDDEN.contains(name) && blankToNull(flags.get(name)) != null) {
            return "--" + name;
        }
        if (blankToNull(environment.get(environmentName(name))) != null) {
            return "environment variable " + environmentName(name);
        }
        if (blankToNull(file.getProperty(propertyName(name))) != null) {
            return "property " + propertyName(name) + " of " + filePath;
        }
        return "--" + name + " / " + environmentName(name) + " / " + propertyName(name);
    }

    /** A boolean setting ({@code true}/{@code false}), default false. */
    public boolean flag(String name) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return false;
        }
        String v = value.get().strip().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw CliException.configuration(origin(name) + " is '" + value.get() + "': use true or false");
    }

    /** The environment (for seeding from environment variables and {@code PROVIDER_SETTINGS_KEYS}). */
    public Map<String, String> environment() {
        return environment;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return "Config[file=" + filePath + ", flags=" + flags.keySet() + "]";
    }
}
