package dev.providersettings.spring;

import dev.providersettings.postgres.PostgresMigrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

import java.util.Objects;

/**
 * Applies the library's Flyway migrations (own history table {@value PostgresMigrations#HISTORY_TABLE}) when the
 * application context starts.
 *
 * <p>Spring Boot treats this bean as a database initializer that runs <em>after</em> Boot's own ones (Flyway,
 * Liquibase, SQL scripts), whatever order the beans are declared in: the host's migrations create its
 * {@code organizations} table first, then the library's reference it. Beans that Boot makes wait for database
 * initialization ({@code JdbcTemplate}, JPA, {@code @DependsOnDatabaseInitialization}) wait for this one too.
 */
public class ProviderSettingsSchemaInitializer implements InitializingBean {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSettingsSchemaInitializer.class);

    private final PostgresMigrations migrations;
    private volatile int applied = -1;

    /** @param migrations the configured migrations to apply */
    public ProviderSettingsSchemaInitializer(PostgresMigrations migrations) {
        this.migrations = Objects.requireNonNull(migrations, "migrations");
    }

    @Override
    public void afterPropertiesSet() {
        applied = migrations.migrate();
        if (applied > 0) {
            LOG.info("provider-settings: applied {} migration(s)", applied);
        }
    }

    /** How many migrations the start-up applied (0 when the schema was up to date), or -1 before it ran. */
    public int appliedMigrations() {
        return applied;
    }
}
