package dev.providersettings.examples.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.AesGcmSecretCipher;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.postgres.PostgresMigrations;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One orchestrator node: its own connection pool, credential store (with its change feed), provider manager, HTTP
 * API and job runner, on the database shared with the other nodes. Several nodes behave like several processes:
 * they share work through row claims and cache invalidation through the store's change feed, never through memory.
 *
 * <p>Start-up order matters: the credential store migrates first (it creates the minimal {@code organizations}
 * table), then the host's own migrations (which reference it), then seeding, then the API and the jobs.
 */
public final class OrchestratorNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorNode.class);
    /** The actor recorded in the credential store's audit trail for seeding at start-up. */
    static final String SEED_ACTOR = "orchestrator-seed";

    private final OrchestratorConfig config;
    private final HikariDataSource pool;
    private final PostgresCredentialStore store;
    private final ProviderManager manager;
    private final HostDatabase host;
    private final InstanceRepository instances;
    private final EventLog events;
    private final List<Job> jobs;
    private final JobRunner runner;
    private final ApiServer api;
    private final SeedReport seedReport;

    private OrchestratorNode(OrchestratorConfig config, HikariDataSource pool, PostgresCredentialStore store,
                             ProviderManager manager, HostDatabase host, InstanceRepository instances, EventLog events,
                             List<Job> jobs, ApiServer api, SeedReport seedReport) {
        this.config = config;
        this.pool = pool;
        this.store = store;
        this.manager = manager;
        this.host = host;
        this.instances = instances;
        this.events = events;
        this.jobs = List.copyOf(jobs);
        this.runner = new JobRunner(jobs, config.jobInterval(), config.nodeId());
        this.api = api;
        this.seedReport = seedReport;
    }

    /**
     * Starts a node: migrations (idempotent, safe when several nodes start at once), optional seeding, the HTTP
     * API. The background jobs start with {@link #startJobs()}, or run pass by pass with {@link #runJobsOnce()}.
     */
    public static OrchestratorNode start(OrchestratorConfig config, Infrastructure infrastructure) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            HikariDataSource pool = infrastructure.database().newPool("orchestrator-" + config.nodeId(), 8);
            opened.add(pool);
            migrate(pool);
            PostgresCredentialStore store = PostgresCredentialStore.builder()
                    .dataSource(pool)
                    .changeFeed(true)
                    .build();
            opened.add(store);

            ScalewayProviderFactory scaleway = ScalewayProviderFactory.builder()
                    .baseUrl(infrastructure.scalewayUrl())
                    // plain http only for the in-process fake this demo starts; a configured URL must be https
                    .allowInsecureEndpoint(infrastructure.fake().isPresent())
                    .pollInterval(config.pollInterval())
                    .resizeTimeout(config.waitTimeout())
                    .build();
            ProviderManager manager = ProviderManager.builder()
                    .store(store)
                    .registry(ProviderRegistry.builder().register(scaleway).build())
                    .cipher(new AesGcmSecretCipher(infrastructure.keyRing()))
                    .build();
            opened.add(manager);

            SeedReport seedReport = config.seed() ? seed(config, manager) : null;

            HostDatabase host = new HostDatabase(pool);
            InstanceRepository instances = new InstanceRepository(pool);
            EventLog events = new EventLog(pool, config.nodeId());
            JobContext context = new JobContext(config.nodeId(), instances, manager, config, events,
                    config.waitTimeout().multipliedBy(4).plus(Duration.ofSeconds(30)), infrastructure.serverImage());
            List<Job> jobs = List.of(
                    new ProvisioningJob(context, host.catalog()),
                    new HealthCheckJob(context),
                    new WatchdogJob(context),
                    new TerminatorJob(context),
                    new VolumeReconciliationJob(context, pool, config.healthInterval()));
            ApiServer api = new ApiServer(host, instances, config.httpPort());
            api.start();
            LOG.info("[{}] API on {}", config.nodeId(), api.baseUri());
            return new OrchestratorNode(config, pool, store, manager, host, instances, events, jobs, api, seedReport);
        } catch (IOException e) {
            closeAll(opened);
            throw new UncheckedIOException("could not start the HTTP API on port " + config.httpPort(), e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** Applies the migrations with a short-lived pool (to create organizations before any node starts). */
    public static void migrate(Infrastructure infrastructure) {
        try (HikariDataSource pool = temporaryPool(infrastructure)) {
            migrate(pool);
        }
    }

    /**
     * The credential store's migrations first (they create the minimal organizations table this host uses), then
     * the host's (which reference it). Both are idempotent and take Flyway's lock, so nodes may start together.
     */
    static void migrate(DataSource pool) {
        PostgresMigrations.builder().dataSource(pool).createOrganizationsTable(true).build().migrate();
        HostSchema.migrate(pool);
    }

    /** A small pool for one-off work outside a node (the caller closes it). */
    static HikariDataSource temporaryPool(Infrastructure infrastructure) {
        return infrastructure.database().newPool("orchestrator-setup", 2);
    }

    /**
     * Seeds the Scaleway settings of every organization from {@code <secrets dir>/<organization id>/<file>}, the
     * file being the setting's declared secret file or its key in lower case ({@code scaleway_project_id}) (and,
     * when enabled, the environment). Organizations without values are skipped and reported: they simply have no
     * credentials, which their deployments will say clearly.
     */
    static SeedReport seed(OrchestratorConfig config, ProviderManager manager) {
        List<SecretSource> sources = new ArrayList<>();
        config.secretsDir().ifPresent(dir -> sources.add(SecretSource.perOrganizationDirectory(dir)));
        if (config.seedFromEnvironment()) {
            sources.add(SecretSource.environment(System.getenv()));
        }
        SeedReport report = manager.seeder().skipIncomplete()
                .seed(SEED_ACTOR, JobContext.SCALEWAY, SecretSource.firstOf(sources.toArray(SecretSource[]::new)));
        LOG.info("seeded {} settings for {} organizations ({} skipped without values)", report.writtenCount(),
                report.organizations().size(), report.skipped().size());
        return report;
    }

    /** Starts the background jobs (one thread per job). */
    public void startJobs() {
        runner.start();
    }

    /** One pass of every job, in order, on the calling thread; returns how many items were handled. */
    public int runJobsOnce() {
        return runner.runAllOnce();
    }

    /** The node's id (its name in claims). */
    public String nodeId() {
        return config.nodeId();
    }

    /** The base URL of the HTTP API. */
    public URI apiUri() {
        return api.baseUri();
    }

    /** The start-up seeding report, or null when seeding was off. */
    public SeedReport seedReport() {
        return seedReport;
    }

    /** This node's provider manager (to write settings through its settings service, for instance). */
    public ProviderManager manager() {
        return manager;
    }

    HostDatabase host() {
        return host;
    }

    InstanceRepository instances() {
        return instances;
    }

    EventLog events() {
        return events;
    }

    List<Job> jobs() {
        return jobs;
    }

    HikariDataSource pool() {
        return pool;
    }

    @Override
    public void close() {
        runner.close();
        api.close();
        closeAll(List.of(pool, store, manager)); // closed last to first
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("could not close {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
