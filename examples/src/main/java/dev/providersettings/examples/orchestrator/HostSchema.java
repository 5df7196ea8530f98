package dev.providersettings.examples.orchestrator;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/**
 * The host's own migrations ({@code db/orchestrator}), with their own Flyway history table so they live next to
 * the credential store's migrations in one database without colliding.
 */
final class HostSchema {
    static final String LOCATION = "classpath:db/orchestrator";
    static final String HISTORY_TABLE = "orchestrator_schema_history";

    private HostSchema() {
    }

    /** Applies pending host migrations. The organizations table must already exist (the store creates it). */
    static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                // The store's tables are already in the schema; our own history table decides what is pending.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
