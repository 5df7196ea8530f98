package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.CreateServerRequest;
import dev.providersettings.scaleway.ScalewayAccessDeniedException;
import dev.providersettings.scaleway.ScalewayCapacityException;
import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayTransportException;
import dev.providersettings.scaleway.ScalewayWaitException;
import dev.providersettings.scaleway.Server;
import dev.providersettings.scaleway.ServerAction;
import dev.providersettings.scaleway.ServerFilter;
import dev.providersettings.scaleway.ServerVolume;
import dev.providersettings.scaleway.Volume;


/**
 * Provisioning ({@code process_create}): claims instances in {@code provisioning}, reads each one's
 * organization, resolves that organization's Scaleway provider, creates the server with an SBS boot volume, powers
 * it on, finds the boot volume and resizes it to the requested size through the Block Storage API (waiting until
 * the new size is reported), then marks the instance ready.
 *
 * <p>No organization, or an organization without credentials, fails the instance at once with a clear error code
 * and message; no other organization's credentials are ever tried. Transient provider failures are retried on a
 * later pass (up to {@link JobContext#MAX_ATTEMPTS}); every wait is bounded by {@code waitTimeout}. The server id is
 * recorded as soon as it exists, and the server is tagged with the instance id, so a retry (or another node taking
 * over an expired claim) continues with that server — even when the create's answer was lost — instead of creating
 * a second one.
 */
final class ProvisioningJob extends InstanceJob {
    static final String NAME = "provisioning";
    private final HostDatabase.Catalog catalog;

    ProvisioningJob(JobContext context, HostDatabase.Catalog catalog) {
        super(NAME, context, Instance.Status.PROVISIONING, null, null, 5);
        this.catalog = catalog;
    }

    @Override
    void process(Instance instance) {
        processCreate(instance);
    }

    /** Provisions one claimed instance; never throws. */
    void processCreate(Instance instance) {
        InstanceRepository instances = context.instances();
        ProviderResolution resolution = ProviderResolution.resolve(context, instance);
        if (!resolution.ok()) {
            if (resolution.retryable() && instance.attempts() < JobContext.MAX_ATTEMPTS) {
                instances.release(instance.id(), context.node());
                return;
            }
            fail(instance, resolution.errorCode(), resolution.errorMessage());
            return;
        }
        ScalewayProvider scaleway = resolution.provider();
        String zone = instance.zone();
        try {
            String serverId = instance.providerServerId();
            if (serverId == null) {
                // A server created by an earlier attempt whose answer was lost (timeout, crash before recording it)
                // carries this instance's tag: adopt it instead of creating a second one.
                Server earlier = scaleway.listServers(zone, ServerFilter.project(scaleway.projectId().toString())
                        .withTags(instanceTag(instance))).stream().findFirst().orElse(null);
                if (earlier != null) {
                    serverId = earlier.id();
                    ServerVolume root = earlier.rootVolume();
                    if (!instances.recordServer(instance.id(), context.node(), serverId, root == null ? null : root.id())) {
                        return;
                    }
                    context.events().record(NAME, instance.id(), instance.organization(), "adopted server " + serverId
                            + " created by an earlier attempt, with " + ProviderResolution.credentials(scaleway));
                }
            }
            if (serverId == null) {
                // The boot volume starts at the type's smallest size (what the image needs) and is then grown to the
                // requested size through the Block Storage API.
                HostDatabase.Catalog.InstanceType type = catalog.instanceTypes().get(instance.commercialType());
                long bootBytes = (type == null ? 20 : type.minVolumeSizeGb()) * ScalewayProvider.GB;
                Server created = scaleway.createServer(zone, CreateServerRequest.builder(instance.name(), instance.commercialType())
                        .image(context.image())
                        .volume(CreateServerRequest.VolumeTemplate.newSbs(bootBytes, true))
                        .tags("provider-settings-example", instanceTag(instance))
                        .build());
                serverId = created.id();
                ServerVolume root = created.rootVolume();
                if (!instances.recordServer(instance.id(), context.node(), serverId, root == null ? null : root.id())) {
                    context.events().record(NAME, instance.id(), instance.organization(),
                            "lost the claim after creating server " + serverId + "; the node holding it continues");
                    return;
                }
                context.events().record(NAME, instance.id(), instance.organization(), "created server " + serverId
                        + " (" + instance.commercialType() + " in " + zone + ") with "
                        + ProviderResolution.credentials(scaleway));
            }
            Server server = scaleway.getServer(zone, serverId);
            if ("stopped".equals(server.state()) || "stopped in place".equals(server.state())) {
                scaleway.serverAction(zone, serverId, ServerAction.POWERON);
            }
            server = scaleway.waitForServerState(zone, serverId, "running", context.config().waitTimeout());
            ServerVolume root = server.rootVolume();
            if (root == null || !"sbs_volume".equals(root.volumeType())) {
                fail(instance, "no_boot_volume", "server " + serverId + " has no SBS boot volume to resize"
                        + " (volumes: " + server.volumes().keySet() + "); check the instance type and image");
                return;
            }
            long wanted = instance.requestedVolumeSizeGb() * ScalewayProvider.GB;
            Volume volume = scaleway.resizeVolume(zone, root.id(), wanted, context.config().waitTimeout());
            context.events().record(NAME, instance.id(), instance.organization(), "resized boot volume " + root.id()
                    + " to " + volume.size() / ScalewayProvider.GB + " GB with " + ProviderResolution.credentials(scaleway));
            String ip = server.publicIp() == null ? null : server.publicIp().address();
            if (instances.markReady(instance.id(), context.node(), root.id(), (int) (volume.size() / ScalewayProvider.GB),
                    server.state(), ip)) {
                context.events().record(NAME, instance.id(), instance.organization(), "ready, server " + serverId
                        + " running" + (ip == null ? "" : " at " + ip));
            }
        } catch (ScalewayCapacityException e) {
            // Quota used up or zone out of stock: another pass would fail the same way; the user picks another type,
            // zone, or asks for a larger quota.
            fail(instance, "no_capacity", "Scaleway cannot provide " + instance.commercialType() + " in " + zone
                    + " for this organization now: " + e.getMessage());
        } catch (ScalewayAccessDeniedException e) {
            fail(instance, "credentials_refused", "Scaleway refused this organization's credentials: "
                    + e.getMessage());
        } catch (ScalewayException e) {
            if (isTransient(e) && instance.attempts() < JobContext.MAX_ATTEMPTS) {
                context.events().record(NAME, instance.id(), instance.organization(), "transient provider error, will"
                        + " retry (attempt " + instance.attempts() + " of " + JobContext.MAX_ATTEMPTS + "): " + e.getMessage());
                instances.release(instance.id(), context.node());
            } else {
                fail(instance, "provider_error", "Scaleway refused or failed the provisioning: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            // A bug or an unexpected answer: fail this instance clearly, never the loop.
            fail(instance, "internal_error", "provisioning failed unexpectedly: " + e);
        }
    }

    /**
     * Worth another pass: retryable errors (network, 429, 5xx), waits that ran out of time, and a create whose answer
     * was lost (the next pass adopts the server if it was created, by its tag).
     */
    static boolean isTransient(ScalewayException e) {
        return e.isRetryable() || (e instanceof ScalewayWaitException w && w.timedOut())
                || e instanceof ScalewayTransportException;
    }

    /** The tag that ties a server to its instance row. */
    static String instanceTag(Instance instance) {
        return "instance=" + instance.id();
    }

    private void fail(Instance instance, String code, String message) {
        if (context.instances().markFailed(instance.id(), context.node(), code, message)) {
            context.events().record(NAME, instance.id(), instance.organization(), "failed: " + code + ": " + message);
        }
    }
}
