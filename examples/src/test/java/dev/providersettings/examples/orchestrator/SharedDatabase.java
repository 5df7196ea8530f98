package dev.providersettings.examples.orchestrator;

/**
 * One embedded Postgres for the whole test JVM (starting one takes seconds). Test classes create their own
 * organizations and users with random ids, so they never see each other's data.
 */
final class SharedDatabase {
    private static Database database;

    private SharedDatabase() {
    }

    static synchronized Database get() {
        if (database == null) {
            database = Database.start(OrchestratorConfig.builder().build());
            Runtime.getRuntime().addShutdownHook(new Thread(database::close, "embedded-postgres-stop"));
        }
        return database;
    }
}
