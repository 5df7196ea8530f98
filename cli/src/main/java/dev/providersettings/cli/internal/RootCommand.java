package dev.providersettings.cli.internal;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.HashMap;
import java.util.Map;

/** {@code provider-settings}: the options every command shares, and the list of commands. */
@Command(name = "provider-settings",
        mixinStandardHelpOptions = true,
        versionProvider = RootCommand.Version.class,
        description = "Operate the provider-settings credential store: migrate, check, inspect, write, seed, probe, "
                + "rotate keys and rewrap secrets.",
        subcommands = {MigrateCommand.class, DoctorCommand.class, ListCommand.class,
                SetCommand.class, UnsetCommand.class, SeedCommand.class, ProbeCommand.class, KeysCommand.class,
                RewrapCommand.class, AuditCommand.class},
        footerHeading = "%nConfiguration:%n",
        footer = {"Each option above can also be set as environment variable PROVIDER_SETTINGS_<NAME>",
                "(PROVIDER_SETTINGS_JDBC_URL) or as property provider-settings.<name> (provider-settings.jdbc-url)",
                "in the --config file: the flag wins over the variable, the variable over the file.",
                "Secrets are never flags: the database password comes from PROVIDER_SETTINGS_JDBC_PASSWORD or",
                "--jdbc-password-file, the key ring from --keys-file or PROVIDER_SETTINGS_KEYS.",
                "",
                "Exit codes: 0 success, 1 a check failed (probe, doctor, incomplete rewrap), 2 bad input,",
                "3 configuration, 4 database unavailable, 5 version conflict (nothing written), 70 internal error."},
        sortOptions = false)
public final class RootCommand {
    private final Terminal terminal;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Java properties file with provider-settings.<name> entries.")
    String config;

    @Option(names = "--jdbc-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Postgres JDBC URL, e.g. jdbc:postgresql://db:5432/app.")
    String jdbcUrl;

    @Option(names = "--jdbc-user", scope = ScopeType.INHERIT, paramLabel = "USER", description = "Database user.")
    String jdbcUser;

    @Option(names = "--jdbc-password-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File holding the database password (or PROVIDER_SETTINGS_JDBC_PASSWORD).")
    String jdbcPasswordFile;

    @Option(names = "--schema", scope = ScopeType.INHERIT, paramLabel = "SCHEMA",
            description = "Schema of the library's tables (default: the search path).")
    String schema;

    @Option(names = "--organizations-table", scope = ScopeType.INHERIT, paramLabel = "TABLE",
            description = "The host's organizations table (default organizations).")
    String organizationsTable;

    @Option(names = "--organizations-id-column", scope = ScopeType.INHERIT, paramLabel = "COLUMN",
            description = "Its uuid key column (default id).")
    String organizationsIdColumn;

    @Option(names = "--row-level-security", scope = ScopeType.INHERIT, paramLabel = "true|false",
            description = "Whether the store uses row-level security (default false).")
    String rowLevelSecurity;

    @Option(names = "--change-feed-jdbc-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "A direct (not pooled) URL for the change feed's LISTEN, if --jdbc-url goes through PgBouncer.")
    String changeFeedJdbcUrl;

    @Option(names = "--keys-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Key ring file, keyId:base64key lines (or PROVIDER_SETTINGS_KEYS).")
    String keysFile;

    @Option(names = "--scaleway-api-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Scaleway API endpoint for every organization (default https://api.scaleway.com).")
    String scalewayApiUrl;

    @Option(names = "--scaleway-allow-insecure-http", scope = ScopeType.INHERIT, paramLabel = "true|false",
            arity = "0..1", fallbackValue = "true",
            description = "Accept a plain-http Scaleway endpoint (a local fake API only).")
    String scalewayAllowInsecureHttp;

    @Option(names = "--actor", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Who writes, for the audit trail (default cli:<user name>).")
    String actor;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print results as JSON.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Stack traces on errors and the library's debug log on stderr.")
    boolean verbose;

    public RootCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    public Terminal terminal() {
        return terminal;
    }

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }

    /** The configuration from the flags given, the environment and the properties file. */
    public Config config() {
        Map<String, String> flags = new HashMap<>();
        put(flags, Config.CONFIG, config);
        put(flags, Config.JDBC_URL, jdbcUrl);
        put(flags, Config.JDBC_USER, jdbcUser);
        put(flags, Config.JDBC_PASSWORD_FILE, jdbcPasswordFile);
        put(flags, Config.SCHEMA, schema);
        put(flags, Config.ORGANIZATIONS_TABLE, organizationsTable);
        put(flags, Config.ORGANIZATIONS_ID_COLUMN, organizationsIdColumn);
        put(flags, Config.ROW_LEVEL_SECURITY, rowLevelSecurity);
        put(flags, Config.KEYS_FILE, keysFile);
        put(flags, Config.CHANGE_FEED_JDBC_URL, changeFeedJdbcUrl);
        put(flags, Config.SCALEWAY_API_URL, scalewayApiUrl);
        put(flags, Config.SCALEWAY_ALLOW_INSECURE_HTTP, scalewayAllowInsecureHttp);
        put(flags, Config.ACTOR, actor);
        return Config.load(flags, terminal.environment());
    }

    /**
     * The actor recorded in the audit trail: {@code --actor}, else {@code PROVIDER_SETTINGS_ACTOR}, else
     * {@code cli:<user name>}.
     */
    public String actor() {
        return config().get(Config.ACTOR).orElse("cli:" + System.getProperty("user.name", "unknown"));
    }

    /** A session over {@link #config()}. */
    public Session session(int poolSize) {
        return new Session(config(), poolSize);
    }

    private static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }

    /** The version from the jar manifest. */
    public static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RootCommand.class.getPackage().getImplementationVersion();
            return new String[]{"provider-settings " + (version == null ? "(development build)" : version)};
        }
    }
}
