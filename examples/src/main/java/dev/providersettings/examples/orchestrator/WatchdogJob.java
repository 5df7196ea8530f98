package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.Server;

/**
 * Claims ready instances not watched for {@code healthInterval} and checks, with the instance's organization's
 * provider, that the server still exists. A server deleted behind the orchestrator's back (404) turns the instance
 * {@code terminated} with error {@code server_gone}. Other errors leave the instance as it is for the next pass.
 */
final class WatchdogJob extends ReadyServerJob {
    static final String NAME = "watchdog";

    WatchdogJob(JobContext context) {
        super(NAME, context, "last_watchdog_at");
    }

    @Override
    void unresolved(Instance instance, ProviderResolution resolution) {
        context.instances().recordWatchdog(instance.id(), context.node());
    }

    @Override
    void seen(Instance instance, Server server, ScalewayProvider provider) {
        context.instances().recordWatchdog(instance.id(), context.node());
    }

    @Override
    void gone(Instance instance, ScalewayNotFoundException notFound) {
        String message = "server " + instance.providerServerId() + " no longer exists at Scaleway (deleted outside"
                + " the orchestrator); the instance is terminated";
        if (context.instances().markTerminated(instance.id(), context.node(), "server_gone", message)) {
            context.events().record(NAME, instance.id(), instance.organization(), message);
        }
    }

    @Override
    void failed(Instance instance, RuntimeException failure) {
        context.instances().recordWatchdog(instance.id(), context.node());
    }
}
