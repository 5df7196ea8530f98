package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayException;

import java.util.List;

/**
 * Claims ready instances not watched for {@code healthInterval} and checks, with the instance's organization's
 * provider, that the server still exists. A server deleted behind the orchestrator's back (404) turns the instance
 * {@code terminated} with error {@code server_gone}. Other errors leave the instance as it is for the next pass.
 */
final class WatchdogJob implements Job {
    static final String NAME = "watchdog";
    private final JobContext context;

    WatchdogJob(JobContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int runOnce() {
        List<Instance> claimed = context.instances().claim(Instance.Status.READY, "last_watchdog_at",
                context.config().healthInterval(), context.node(), context.lease(), 20);
        for (Instance instance : claimed) {
            watch(instance);
        }
        return claimed.size();
    }

    private void watch(Instance instance) {
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
