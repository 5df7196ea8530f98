package dev.providersettings.scaleway;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/** A Block Storage snapshot. */
public record Snapshot(
        String id,
        String name,
        ParentVolume parentVolume,
        Long size,
        String projectId,
        Instant createdAt,
        Instant updatedAt,
        List<VolumeReference> references,
        String status,
        List<String> tags,
        String zone,
        @JsonProperty("class") String storageClass) {

    public Snapshot {
        references = references == null ? List.of() : List.copyOf(references);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The volume a snapshot was taken of. */
    public record ParentVolume(String id, String name, String type, String status) {
    }
}
