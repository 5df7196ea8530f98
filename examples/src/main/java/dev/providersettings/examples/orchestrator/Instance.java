package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the host's {@code instances} table.
 *
 * @param organization null for rows without an organization (written before the multi-tenant change, or by hand):
 *                     the jobs then fail the instance rather than use anyone else's credentials
 */
record Instance(
        UUID id,
        UUID deploymentId,
        OrganizationId organization,
        String name,
        String zone,
        String commercialType,
        int requestedVolumeSizeGb,
        Status status,
        String errorCode,
        String errorMessage,
        String providerServerId,
        String bootVolumeId,
        Integer volumeSizeGb,
        boolean deleteVolumesOnTerminate,
        String serverState,
        String ip,
        Instant lastHealthAt,
        int attempts,
        String claimedBy,
        Instant claimedUntil,
        Instant createdAt,
        Instant updatedAt) {

    /** The lifecycle of an instance. */
    enum Status {
        PROVISIONING, READY, FAILED, TERMINATING, TERMINATED;

        /** The value stored in the database and shown by the API. */
        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String code) {
            return valueOf(code.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
