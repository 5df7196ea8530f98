package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.Server;

import java.util.List;

/**
 * Claims ready instances whose last check is older than {@code healthInterval}, asks the instance's organization's
 * provider for the server, and records its state and public IP. A server that is gone is left to the
 * {@link WatchdogJob}; any other error is recorded on the instance and checked again next interval.
 */
final class HealthCheckJob implements Job {
    static final String NAME = "health-check";
    private final JobContext context;

    HealthCheckJob(JobContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int runOnce() {
        List<Instance> claimed = context.instances().claim(Instance.Status.READY, "last_health_at",
                context.config().healthInterval(), context.node(), context.lease(), 20);
        for (Instance instance : claimed) {
            check(instance);
        }
        return claimed.size();
    }

    private void check(Instance instance) {
        InstanceRepository instances = context.instances();
        try {
            ProviderResolution resolution = ProviderResolution.resolve(context, instance);
            if (!resolution.ok()) {
                instances.recordHealthError(instance.id(), context.node(), resolution.errorCode(), resolution.errorMessage());
                return;
            }
            Server server = resolution.provider().getServer(instance.zone(), instance.providerServerId());
            String ip = server.publicIp() == null ? null : server.publicIp().address();
            instances.recordHealth(instance.id(), context.node(), server.state(), ip);
            if (instance.lastHealthAt() == null || !java.util.Objects.equals(server.state(), instance.serverState()) || (ip != null && !ip.equals(instance.ip()))) {
                context.events().record(NAME, instance.id(), instance.organization(), "server " + server.id() + " is "
                        + server.state() + (ip == null ? "" : " at " + ip) + ", checked with "
                        + ProviderResolution.credentials(resolution.provider()));
            }
        } catch (ScalewayException.NotFound e) {
            instances.recordHealthError(instance.id(), context.node(), "server_not_found", e.getMessage());
        } catch (RuntimeException e) {
            instances.recordHealthError(instance.id(), context.node(), "health_check_failed", e.getMessage());
        }
    }
}
