package dev.providersettings.postgres.testing;

import dev.providersettings.exception.ConfigurationException;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** One Postgres 17 container (Testcontainers) per JVM; needs Docker. */
final class ContainerServer implements TestServer {
    private static ContainerServer instance;
    private final PostgreSQLContainer container;

    private ContainerServer(PostgreSQLContainer container) {
        this.container = container;
    }

    static synchronized ContainerServer shared() {
        if (instance == null) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            try {
                container.start();
            } catch (RuntimeException e) {
                throw new ConfigurationException("provider-settings.test.db=testcontainers but the Postgres container"
                        + " could not start (is a Docker engine running and reachable?): " + e.getMessage()
                        + "; remove the property to use the embedded Postgres instead", e);
            }
            instance = new ContainerServer(container);
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "provider-settings-container-stop"));
        }
        return instance;
    }

    @Override
    public String jdbcUrl() {
        return container.getJdbcUrl();
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }
}
