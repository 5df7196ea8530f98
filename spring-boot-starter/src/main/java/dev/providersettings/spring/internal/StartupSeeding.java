package dev.providersettings.spring.internal;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.Seeder;
import dev.providersettings.spring.SeedingProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Seeds the configured providers once every singleton exists, before the web server accepts requests: a failure
 * (a value invalid for its declaration, an organization missing required values without {@code skip-incomplete})
 * stops the start-up. Logs counts only, never values.
 */
public final class StartupSeeding implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(StartupSeeding.class);

    /** Receives each provider's seed report (the metrics binder records them). */
    @FunctionalInterface
    public interface Listener {
        /** Called after a provider was seeded. */
        void seeded(SeedReport report);
    }

    private final ProviderManager manager;
    private final SeedingProperties config;
    private final Map<String, String> environment;
    private final ObjectProvider<Listener> listeners;
    private final List<SeedReport> reports = new ArrayList<>();

    /**
     * @param manager     the manager whose seeder writes
     * @param config      {@code provider-settings.seeding.*}
     * @param environment the environment variables (a source when {@code seeding.environment} is true)
     * @param listeners   notified with each report
     */
    public StartupSeeding(ProviderManager manager, SeedingProperties config,
                          Map<String, String> environment, ObjectProvider<Listener> listeners) {
        this.manager = manager;
        this.config = config;
        this.environment = Map.copyOf(environment);
        this.listeners = listeners;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Seeder seeder = config.isSkipIncomplete() ? manager.seeder().skipIncomplete() : manager.seeder().failOnIncomplete();
        SecretSource source = source();
        List<OrganizationId> organizations = config.getOrganizations().stream().map(OrganizationId::of).toList();
        for (String provider : config.getProviders()) {
            SeedReport report = organizations.isEmpty()
                    ? seeder.seed(config.getActor(), provider, source)
                    : seeder.seed(config.getActor(), provider, source, organizations);
            synchronized (reports) {
                reports.add(report);
            }
            LOG.info("provider-settings: seeded {} for {} organization(s): {} key(s) written, {} organization(s) skipped"
                            + " for missing values", report.provider(), report.organizations().size(),
                    report.writtenCount(), report.skipped().size());
            listeners.orderedStream().forEach(listener -> listener.seeded(report));
        }
    }

    /** The reports of the start-up run, one per provider. */
    public List<SeedReport> reports() {
        synchronized (reports) {
            return List.copyOf(reports);
        }
    }

    /**
     * The organization's own directory when it has one, else the shared directories and the environment as one
     * source: all of an organization's settings come from one place, never its own key with a shared project id.
     */
    private SecretSource source() {
        List<SecretSource> shared = new ArrayList<>();
        for (Path directory : config.getDirectories()) {
            shared.add(SecretSource.directory(directory));
        }
        if (config.isEnvironment()) {
            shared.add(SecretSource.environment(environment));
        }
        List<SecretSource> chain = new ArrayList<>();
        if (config.getPerOrganizationDirectory() != null) {
            chain.add(SecretSource.perOrganizationDirectory(config.getPerOrganizationDirectory()));
        }
        if (!shared.isEmpty()) {
            chain.add(SecretSource.merged(shared.toArray(SecretSource[]::new)));
        }
        return chain.size() == 1 ? chain.get(0) : SecretSource.firstOf(chain.toArray(SecretSource[]::new));
    }
}
