package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.Server;


/**
 * Claims ready instances whose last check is older than {@code healthInterval}, asks the instance's organization's
 * provider for the server, and records its state and public IP. A server that is gone is left to the
 * {@link WatchdogJob}; any other error is recorded on the instance and checked again next interval.
 */
final class HealthCheckJob extends InstanceJob {
    static final String NAME = "health-check";

    HealthCheckJob(JobContext context) {
        super(NAME, context, Instance.Status.READY, "last_health_at", context.config().healthInterval(), 20);
    }

    @Override
    void process(Instance instance) {
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
