package dev.providersettings.scaleway;

import java.util.List;

/**
 * Filters of {@link ScalewayProvider#listVolumes}. Every component is optional (null = no filter). Without a
 * project or organization filter, the API lists what the key may read.
 */
public record VolumeFilter(String projectId, String organizationId, String name, String productResourceId,
                           List<String> tags) {

    public VolumeFilter {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** No filter. */
    public static VolumeFilter all() {
        return new VolumeFilter(null, null, null, null, List.of());
    }

    /** Volumes of one project. */
    public static VolumeFilter project(String projectId) {
        return new VolumeFilter(projectId, null, null, null, List.of());
    }

    /** Volumes attached to one server. */
    public static VolumeFilter attachedTo(String serverId) {
        return new VolumeFilter(null, null, null, serverId, List.of());
    }

    public VolumeFilter withName(String value) {
        return new VolumeFilter(projectId, organizationId, value, productResourceId, tags);
    }

    public VolumeFilter withOrganization(String value) {
        return new VolumeFilter(projectId, value, name, productResourceId, tags);
    }

    public VolumeFilter withTags(String... values) {
        return new VolumeFilter(projectId, organizationId, name, productResourceId, List.of(values));
    }
}
