package dev.providersettings.scaleway;

import dev.providersettings.scaleway.internal.Identifiers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@link ScalewayProvider#createVolume} sends: an empty volume of a size ({@link #empty}) or a volume from a
 * snapshot ({@link #fromSnapshot}). The project defaults to the organization's configured project.
 *
 * @param name       the volume name
 * @param sizeBytes  for {@link #empty}: the size; for {@link #fromSnapshot}: an optional larger size, or null
 * @param snapshotId the snapshot to restore, or null for an empty volume
 * @param perfIops   5000 or 15000, or null for the API default
 * @param projectId  the project, or null for the configured project
 * @param tags       tags
 */
public record CreateVolumeRequest(String name, Long sizeBytes, String snapshotId, Long perfIops, UUID projectId,
                                  List<String> tags) {

    public CreateVolumeRequest {
        if (name == null || name.isBlank()) {
            throw ScalewayClientException.invalidRequest("volume name is missing: pass a name such as 'data-1'");
        }
        if (snapshotId == null && sizeBytes == null) {
            throw ScalewayClientException.invalidRequest("volume '" + name + "' has neither a size nor a snapshot: use "
                    + "CreateVolumeRequest.empty(name, sizeBytes) or fromSnapshot(name, snapshotId)");
        }
        if (sizeBytes != null) {
            Identifiers.volumeSize(sizeBytes);
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** An empty volume of {@code sizeBytes} (whole GB, 10^9 bytes). */
    public static CreateVolumeRequest empty(String name, long sizeBytes) {
        return new CreateVolumeRequest(name, sizeBytes, null, null, null, List.of());
    }

    /** A volume restored from {@code snapshotId}, of the snapshot's size. */
    public static CreateVolumeRequest fromSnapshot(String name, String snapshotId) {
        return new CreateVolumeRequest(name, null, snapshotId, null, null, List.of());
    }

    /** This request with a size: the size of an empty volume, or a size larger than the snapshot's. */
    public CreateVolumeRequest withSize(long bytes) {
        return new CreateVolumeRequest(name, bytes, snapshotId, perfIops, projectId, tags);
    }

    /** This request with IOPS (5000 or 15000). */
    public CreateVolumeRequest withPerfIops(long value) {
        return new CreateVolumeRequest(name, sizeBytes, snapshotId, value, projectId, tags);
    }

    /** This request in another project. */
    public CreateVolumeRequest withProject(UUID value) {
        return new CreateVolumeRequest(name, sizeBytes, snapshotId, perfIops, value, tags);
    }

    /** This request with tags. */
    public CreateVolumeRequest withTags(String... values) {
        return new CreateVolumeRequest(name, sizeBytes, snapshotId, perfIops, projectId, List.of(values));
    }

    Map<String, Object> toBody(UUID defaultProject) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (perfIops != null) {
            body.put("perf_iops", perfIops);
        }
        body.put("project_id", (projectId == null ? defaultProject : projectId).toString());
        if (snapshotId == null) {
            body.put("from_empty", Map.of("size", sizeBytes));
        } else {
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("snapshot_id", snapshotId);
            if (sizeBytes != null) {
                from.put("size", sizeBytes);
            }
            body.put("from_snapshot", from);
        }
        body.put("tags", tags);
        return body;
    }
}
