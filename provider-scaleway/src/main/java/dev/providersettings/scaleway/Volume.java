package dev.providersettings.scaleway;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A Block Storage volume (bare object).
 *
 * @param type   e.g. {@code sbs_5k}, {@code sbs_15k}
 * @param size   bytes (1 GB = 10^9)
 * @param status {@code creating available in_use deleting deleted resizing error snapshotting locked updating}
 */
public record Volume(
        String id,
        String name,
        String type,
        long size,
        String projectId,
        Instant createdAt,
        Instant updatedAt,
        List<VolumeReference> references,
        String parentSnapshotId,
        String status,
        List<String> tags,
        String zone,
        Specs specs,
        Instant lastDetachedAt) {

    /** Statuses a volume stays in until someone acts: waiting ends there. */
    public static final Set<String> TERMINAL_STATUSES = Set.of("available", "in_use", "error", "locked", "deleted");

    public Volume {
        references = references == null ? List.of() : List.copyOf(references);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** Whether {@link #status()} is terminal ({@link #TERMINAL_STATUSES}). */
    public boolean isTerminal() {
        return status != null && TERMINAL_STATUSES.contains(status);
    }

    /** The storage class and IOPS. */
    public record Specs(@JsonProperty("class") String storageClass, Long perfIops) {
    }
}
