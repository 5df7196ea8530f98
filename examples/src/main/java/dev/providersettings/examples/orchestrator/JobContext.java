package dev.providersettings.examples.orchestrator;

import dev.providersettings.ProviderManager;

import java.time.Duration;

/**
 * What every job of one node needs.
 *
 * @param node      the node's id, written in claims
 * @param instances the instances table
 * @param manager   resolves each organization's provider (never a global one)
 * @param config    timeouts and intervals
 * @param events    the event trail
 * @param lease     how long a claim lasts before another node may take the row over
 * @param image     the image UUID new servers boot from
 */
record JobContext(String node, InstanceRepository instances, ProviderManager manager, OrchestratorConfig config,
                  EventLog events, Duration lease, String image) {

    /** The provider code every job resolves. */
    static final String SCALEWAY = "scaleway";
    /** How many times a transient provider failure is retried before the instance fails. */
    static final int MAX_ATTEMPTS = 3;
}
