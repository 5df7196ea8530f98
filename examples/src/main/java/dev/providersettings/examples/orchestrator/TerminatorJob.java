package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.Server;
import dev.providersettings.scaleway.ServerAction;
import dev.providersettings.scaleway.Volume;

import java.util.List;

/**
 * Claims instances in {@code terminating}, and with the instance's organization's provider terminates the server
 * (a running server is terminated, a stopped one deleted; SBS volumes are detached either way), then deletes the
 * boot volume when the instance says {@code delete_volumes_on_terminate}. A server or volume already gone counts as
 * done, so the job can be repeated after any failure. An instance that never got a server is terminated at once.
 */
final class TerminatorJob extends InstanceJob {
    static final String NAME = "terminator";

    TerminatorJob(JobContext context) {
        super(NAME, context, Instance.Status.TERMINATING, null, null, 5);
    }

    @Override
    void process(Instance instance) {
        InstanceRepository instances = context.instances();
        if (instance.providerServerId() == null && instance.bootVolumeId() == null) {
            if (instances.markTerminated(instance.id(), context.node(), null, null)) {
                context.events().record(NAME, instance.id(), instance.organization(), "terminated (it had no server)");
            }
            return;
        }
        ProviderResolution resolution = ProviderResolution.resolve(context, instance);
        if (!resolution.ok()) {
            // Without that organization's credentials its resources cannot be touched: keep the instance in
            // terminating with the reason, so an operator sees it, and try again later.
            instances.releaseWithError(instance.id(), context.node(), resolution.errorCode(), resolution.errorMessage());
            return;
        }
        ScalewayProvider scaleway = resolution.provider();
        String zone = instance.zone();
        try {
            if (instance.providerServerId() != null) {
                removeServer(scaleway, zone, instance.providerServerId());
            }
            String volumeMessage = "";
            if (instance.deleteVolumesOnTerminate() && instance.bootVolumeId() != null) {
                volumeMessage = deleteVolume(scaleway, zone, instance.bootVolumeId());
            }
            if (instances.markTerminated(instance.id(), context.node(), null, null)) {
                context.events().record(NAME, instance.id(), instance.organization(), "terminated server "
                        + instance.providerServerId() + volumeMessage + " with " + ProviderResolution.credentials(scaleway));
            }
        } catch (RuntimeException e) {
            String message = "termination not finished, will retry: " + e.getMessage();
            instances.releaseWithError(instance.id(), context.node(), "termination_pending", message);
            context.events().record(NAME, instance.id(), instance.organization(), message);
        }
    }

    private void removeServer(ScalewayProvider scaleway, String zone, String serverId) {
        Server server;
        try {
            server = scaleway.getServer(zone, serverId);
        } catch (ScalewayNotFoundException e) {
            return;
        }
        switch (server.state() == null ? "" : server.state()) {
            case "running":
                scaleway.serverAction(zone, serverId, ServerAction.TERMINATE);
                break;
            case "stopped":
            case "stopped in place":
                scaleway.deleteServer(zone, serverId);
                break;
            default:
                // starting / stopping / locked: wait for a stable state first (bounded), then act.
                server = scaleway.waitForServer(zone, serverId, s -> List.of("running", "stopped", "stopped in place")
                        .contains(s.state()), context.config().waitTimeout());
                removeServer(scaleway, zone, serverId);
                return;
        }
        scaleway.waitForServerDeleted(zone, serverId, context.config().waitTimeout());
    }

    private String deleteVolume(ScalewayProvider scaleway, String zone, String volumeId) {
        try {
            // Terminating detaches SBS volumes asynchronously; a volume can only be deleted once available.
            Volume volume = scaleway.waitForVolume(zone, volumeId, v -> !"in_use".equals(v.status()) && v.isTerminal(),
                    context.config().waitTimeout());
            scaleway.deleteVolume(zone, volume.id());
            scaleway.waitForVolumeDeleted(zone, volumeId, context.config().waitTimeout());
            return " and deleted its boot volume " + volumeId;
        } catch (ScalewayNotFoundException e) {
            return " (boot volume " + volumeId + " was already gone)";
        }
    }
}
