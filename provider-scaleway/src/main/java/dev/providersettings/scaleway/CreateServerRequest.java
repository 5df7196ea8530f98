package dev.providersettings.scaleway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@link ScalewayProvider#createServer} sends. Build with {@link #builder(String, String)}; the project defaults
 * to the organization's configured project.
 */
public final class CreateServerRequest {
    private final String name;
    private final String commercialType;
    private final String image;
    private final Map<String, VolumeTemplate> volumes;
    private final List<String> tags;
    private final UUID project;
    private final Boolean dynamicIpRequired;
    private final String bootType;
    private final String securityGroup;
    private final String placementGroup;
    private final Boolean isProtected;

    private CreateServerRequest(Builder b) {
        this.name = b.name;
        this.commercialType = b.commercialType;
        this.image = b.image;
        this.volumes = Map.copyOf(b.volumes);
        this.tags = List.copyOf(b.tags);
        this.project = b.project;
        this.dynamicIpRequired = b.dynamicIpRequired;
        this.bootType = b.bootType;
        this.securityGroup = b.securityGroup;
        this.placementGroup = b.placementGroup;
        this.isProtected = b.isProtected;
    }

    /** A request for a server named {@code name} of type {@code commercialType} (e.g. {@code DEV1-S}, {@code GPU-3070-S}). */
    public static Builder builder(String name, String commercialType) {
        return new Builder(name, commercialType);
    }

    /**
     * One entry of the {@code volumes} map: an existing volume ({@code id}) or a new one ({@code size} and
     * {@code volumeType}).
     *
     * @param volumeType {@code l_ssd b_ssd unified scratch sbs_volume sbs_snapshot}
     * @param size       bytes, for a new volume
     */
    public record VolumeTemplate(String id, String name, Long size, String volumeType, Boolean boot) {

        /** A new SBS volume of {@code sizeBytes}. */
        public static VolumeTemplate newSbs(long sizeBytes, boolean boot) {
            return new VolumeTemplate(null, null, sizeBytes, "sbs_volume", boot);
        }

        /** An existing volume by id. */
        public static VolumeTemplate existing(String id, String volumeType) {
            return new VolumeTemplate(id, null, null, volumeType, null);
        }
    }

    public String name() {
        return name;
    }

    public String commercialType() {
        return commercialType;
    }

    public String image() {
        return image;
    }

    public Map<String, VolumeTemplate> volumes() {
        return volumes;
    }

    public List<String> tags() {
        return tags;
    }

    /** The project, or null for the organization's configured project. */
    public UUID project() {
        return project;
    }

    public Boolean dynamicIpRequired() {
        return dynamicIpRequired;
    }

    public String bootType() {
        return bootType;
    }

    public String securityGroup() {
        return securityGroup;
    }

    public String placementGroup() {
        return placementGroup;
    }

    public Boolean isProtected() {
        return isProtected;
    }

    /** The JSON body, with the project filled in. */
    Map<String, Object> toBody(UUID defaultProject) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("commercial_type", commercialType);
        if (image != null) {
            body.put("image", image);
        }
        if (!volumes.isEmpty()) {
            Map<String, Object> vols = new LinkedHashMap<>();
            volumes.keySet().stream().sorted((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)))
                    .forEach(k -> vols.put(k, volumes.get(k)));
            body.put("volumes", vols);
        }
        if (dynamicIpRequired != null) {
            body.put("dynamic_ip_required", dynamicIpRequired);
        }
        if (bootType != null) {
            body.put("boot_type", bootType);
        }
        body.put("project", (project == null ? defaultProject : project).toString());
        body.put("tags", tags);
        if (securityGroup != null) {
            body.put("security_group", securityGroup);
        }
        if (placementGroup != null) {
            body.put("placement_group", placementGroup);
        }
        if (isProtected != null) {
            body.put("protected", isProtected);
        }
        return body;
    }

    /** Builds a {@link CreateServerRequest}. */
    public static final class Builder {
        private final String name;
        private final String commercialType;
        private String image;
        private final Map<String, VolumeTemplate> volumes = new LinkedHashMap<>();
        private final List<String> tags = new ArrayList<>();
        private UUID project;
        private Boolean dynamicIpRequired;
        private String bootType;
        private String securityGroup;
        private String placementGroup;
        private Boolean isProtected;

        private Builder(String name, String commercialType) {
            if (name == null || name.isBlank()) {
                throw ScalewayClientException.invalidRequest("server name is " + (name == null ? "null" : "blank")
                        + ": pass a name such as 'gpu-worker-1'");
            }
            if (commercialType == null || commercialType.isBlank()) {
                throw ScalewayClientException.invalidRequest("server commercial type is missing: pass a type such as "
                        + "'DEV1-S' (list them with listServerTypes)");
            }
            this.name = name;
            this.commercialType = commercialType;
        }

        /** The image id (or label) to install. */
        public Builder image(String value) {
            this.image = value;
            return this;
        }

        /** Adds the next volume (index {@code "0"} first; index 0 is the root volume). */
        public Builder volume(VolumeTemplate value) {
            if (value == null) {
                throw ScalewayClientException.invalidRequest("volume template is null: use VolumeTemplate.newSbs(...) "
                        + "or existing(...)");
            }
            if (volumes.size() >= 16) {
                throw ScalewayClientException.invalidRequest("too many volumes: a server takes at most 16");
            }
            volumes.put(Integer.toString(volumes.size()), value);
            return this;
        }

        /** Adds tags. */
        public Builder tags(String... values) {
            tags.addAll(List.of(values));
            return this;
        }

        /** The project (default: the organization's configured project). */
        public Builder project(UUID value) {
            this.project = value;
            return this;
        }

        public Builder dynamicIpRequired(boolean value) {
            this.dynamicIpRequired = value;
            return this;
        }

        /** {@code local} or {@code rescue}. */
        public Builder bootType(String value) {
            if (value != null && !value.equals("local") && !value.equals("rescue")) {
                throw ScalewayClientException.invalidRequest("boot type '" + value + "' is invalid: use 'local' or "
                        + "'rescue'");
            }
            this.bootType = value;
            return this;
        }

        public Builder securityGroup(String value) {
            this.securityGroup = value;
            return this;
        }

        public Builder placementGroup(String value) {
            this.placementGroup = value;
            return this;
        }

        public Builder protectedServer(boolean value) {
            this.isProtected = value;
            return this;
        }

        public CreateServerRequest build() {
            return new CreateServerRequest(this);
        }
    }
}
