package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.Server;

import java.util.Objects;

/**
 * Claims ready instances whose last check is older than {@code healthInterval}, asks the instance's organization's
 * provider for the server, and records its state and public IP. A server that is gone is left to the
 * {@link WatchdogJob}; any other error is recorded on the instance and checked again next interval.
 */
final class HealthCheckJob extends ReadyServerJob {
    static final String NAME = "health-check";

    HealthCheckJob(JobContext context) {
        super(NAME, context, "last_health_at");
    }

    @Override
    void unresolved(Instance instance, ProviderResolution resolution) {
        context.instances().recordHealthError(instance.id(), context.node(), resolution.errorCode(),
                resolution.errorMessage());
    }

    @Override
    void seen(Instance instance, Server server, ScalewayProvider provider) {
        String ip = server.publicIp() == null ? null : server.publicIp().address();
        context.instances().recordHealth(instance.id(), context.node(), server.state(), ip);
        if (instance.lastHealthAt() == null || !Objects.equals(server.state(), instance.serverState())
                || (ip != null && !ip.equals(instance.ip()))) {
            context.events().record(NAME, instance.id(), instance.organization(), "server " + server.id() + " is "
                    + server.state() + (ip == null ? "" : " at " + ip) + ", checked with "
                    + ProviderResolution.credentials(provider));
        }
    }

    @Override
    void gone(Instance instance, ScalewayNotFoundException notFound) {
        context.instances().recordHealthError(instance.id(), context.node(), "server_not_found", notFound.getMessage());
    }

    @Override
    void failed(Instance instance, RuntimeException failure) {
        context.instances().recordHealthError(instance.id(), context.node(), "health_check_failed",
                failure.getMessage());
    }
}
