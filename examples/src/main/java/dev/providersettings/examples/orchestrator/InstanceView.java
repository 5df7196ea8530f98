package dev.providersettings.examples.orchestrator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The JSON form of an instance in API answers (snake_case, timestamps in ISO-8601). */
@JsonInclude(JsonInclude.Include.ALWAYS)
record InstanceView(
        @JsonProperty("id") String id,
        @JsonProperty("deployment_id") String deploymentId,
        @JsonProperty("organization_id") String organizationId,
        @JsonProperty("name") String name,
        @JsonProperty("zone") String zone,
        @JsonProperty("instance_type") String instanceType,
        @JsonProperty("requested_volume_size_gb") int requestedVolumeSizeGb,
        @JsonProperty("volume_size_gb") Integer volumeSizeGb,
        @JsonProperty("status") String status,
        @JsonProperty("error_code") String errorCode,
        @JsonProperty("error_message") String errorMessage,
        @JsonProperty("server_id") String serverId,
        @JsonProperty("boot_volume_id") String bootVolumeId,
        @JsonProperty("server_state") String serverState,
        @JsonProperty("ip") String ip,
        @JsonProperty("last_health_at") String lastHealthAt,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt) {

    static InstanceView of(Instance i) {
        return new InstanceView(i.id().toString(), str(i.deploymentId()), str(i.organization()), i.name(), i.zone(),
                i.commercialType(), i.requestedVolumeSizeGb(), i.volumeSizeGb(), i.status().code(), i.errorCode(),
                i.errorMessage(), i.providerServerId(), i.bootVolumeId(), i.serverState(), i.ip(),
                str(i.lastHealthAt()), str(i.createdAt()), str(i.updatedAt()));
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }
}
