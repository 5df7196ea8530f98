package dev.providersettings.examples.orchestrator;

import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.Server;

/**
 * A job that, every {@code healthInterval}, claims ready instances and reads each one's server with the provider of
 * the instance's organization. Subclasses say what the outcome means: a server seen, a server gone (404), an
 * organization without a usable provider, or another failure. Processing one instance never throws.
 */
abstract class ReadyServerJob extends InstanceJob {
    /**
     * @param dueColumn the timestamp column that records this job's last pass over an instance
     */
    ReadyServerJob(String name, JobContext context, String dueColumn) {
        super(name, context, Instance.Status.READY, dueColumn, context.config().healthInterval(), 20);
    }

    @Override
    final void process(Instance instance) {
        try {
            ProviderResolution resolution = ProviderResolution.resolve(context, instance);
            if (!resolution.ok()) {
                unresolved(instance, resolution);
                return;
            }
            Server server = resolution.provider().getServer(instance.zone(), instance.providerServerId());
            seen(instance, server, resolution.provider());
        } catch (ScalewayNotFoundException e) {
            gone(instance, e);
        } catch (RuntimeException e) {
            failed(instance, e);
        }
    }

    /** The instance's organization has no usable provider (no organization, no credentials, store down, ...). */
    abstract void unresolved(Instance instance, ProviderResolution resolution);

    /** The server exists; {@code provider} is the one that read it. */
    abstract void seen(Instance instance, Server server, ScalewayProvider provider);

    /** Scaleway answered 404: the server no longer exists. */
    abstract void gone(Instance instance, ScalewayNotFoundException notFound);

    /** Any other failure of the call. */
    abstract void failed(Instance instance, RuntimeException failure);
}
