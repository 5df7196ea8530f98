package dev.providersettings.examples.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * One orchestrator node: its own connection pool, HTTP API and job runner on a shared database. Several nodes
 * on one database behave like several processes: they share work through row claims, never through memory.
 */
public final class OrchestratorNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorNode.class);

    private final OrchestratorConfig config;
    private final HikariDataSource pool;
    private final HostDatabase host;
    private final InstanceRepository instances;
    private final ApiServer api;

    private OrchestratorNode(OrchestratorConfig config, HikariDataSource pool, HostDatabase host,
                             InstanceRepository instances, ApiServer api) {
        this.config = config;
        this.pool = pool;
        this.host = host;
        this.instances = instances;
        this.api = api;
    }

    /** Starts a node on {@code database}: migrates (idempotent), then serves the API. */
    public static OrchestratorNode start(OrchestratorConfig config, Database database) {
        HikariDataSource pool = database.newPool("orchestrator-" + config.nodeId(), 8);
        try {
            HostSchema.migrate(pool);
            HostDatabase host = new HostDatabase(pool);
            InstanceRepository instances = new InstanceRepository(pool);
            ApiServer api = new ApiServer(host, instances, config.httpPort());
            api.start();
            LOG.info("[{}] API on {}", config.nodeId(), api.baseUri());
            return new OrchestratorNode(config, pool, host, instances, api);
        } catch (IOException e) {
            pool.close();
            throw new UncheckedIOException("could not start the HTTP API on port " + config.httpPort(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The node's id (its name in claims). */
    public String nodeId() {
        return config.nodeId();
    }

    /** The base URL of the HTTP API. */
    public URI apiUri() {
        return api.baseUri();
    }

    HostDatabase host() {
        return host;
    }

    InstanceRepository instances() {
        return instances;
    }

    @Override
    public void close() {
        api.close();
        pool.close();
    }
}
