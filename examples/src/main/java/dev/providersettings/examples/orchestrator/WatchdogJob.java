package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayException;


/**
 * Claims ready instances not watched for {@code healthInterval} and checks, with the instance's organization's
 * provider, that the server still exists. A server deleted behind the orchestrator's back (404) turns the instance
 * {@code terminated} with error {@code server_gone}. Other errors leave the instance as it is for the next pass.
 */
final class WatchdogJob extends InstanceJob {
    static final String NAME = "watchdog";

    WatchdogJob(JobContext context) {
        super(NAME, context, Instance.Status.READY, "last_watchdog_at", context.config().healthInterval(), 20);
    }

    @Override
    void process(Instance instance) {
        InstanceRepository instances = context.instances();
        try {
            ProviderResolution resolution = ProviderResolution.resolve(context, instance);
            if (!resolution.ok()) {
                instances.recordWatchdog(instance.id(), context.node());
                return;
            }
            resolution.provider().getServer(instance.zone(), instance.providerServerId());
            instances.recordWatchdog(instance.id(), context.node());
        } catch (ScalewayException.NotFound e) {
            String message = "server " + instance.providerServerId() + " no longer exists at Scaleway (deleted outside"
                    + " the orchestrator); the instance is terminated";
            if (instances.markTerminated(instance.id(), context.node(), "server_gone", message)) {
                context.events().record(NAME, instance.id(), instance.organization(), message);
            }
        } catch (RuntimeException e) {
            instances.recordWatchdog(instance.id(), context.node());
        }
    }
}
