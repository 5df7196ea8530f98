package dev.providersettings.scaleway;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An Instance server ({@code {"server":{...}}} unwrapped). Nullable fields are null when the API omits them.
 *
 * @param state one of {@code running}, {@code stopped}, {@code stopped in place}, {@code starting},
 *              {@code stopping}, {@code locked}
 * @param volumes the attached volumes keyed {@code "0"}, {@code "1"} ...; an SBS volume's id is its Block API id
 */
public record Server(
        String id,
        String name,
        String organization,
        String project,
        String commercialType,
        String state,
        String stateDetail,
        List<String> allowedActions,
        List<String> tags,
        Image image,
        Map<String, ServerVolume> volumes,
        PublicIp publicIp,
        List<PublicIp> publicIps,
        String privateIp,
        Ipv6 ipv6,
        Location location,
        Instant creationDate,
        Instant modificationDate,
        String bootType,
        String arch,
        String zone,
        String hostname,
        Boolean dynamicIpRequired,
        @JsonProperty("protected") Boolean isProtected) {

    public Server {
        allowedActions = allowedActions == null ? List.of() : List.copyOf(allowedActions);
        tags = tags == null ? List.of() : List.copyOf(tags);
        volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
        publicIps = publicIps == null ? List.of() : List.copyOf(publicIps);
    }

    /** The volume marked {@code boot}, else the volume at index {@code "0"}, else null. */
    public ServerVolume rootVolume() {
        return volumes.values().stream().filter(v -> Boolean.TRUE.equals(v.boot())).findFirst()
                .orElse(volumes.get("0"));
    }

    /** The image a server was created from (a subset of its fields). */
    public record Image(String id, String name, String arch, String state, String zone, Instant creationDate) {
    }

    /** A public IP attached to a server. */
    public record PublicIp(String id, String address, String family, Boolean dynamic, String state) {
    }

    /** The server's IPv6 address, if enabled. */
    public record Ipv6(String address, String gateway, String netmask) {
    }

    /** Where the server runs (set once it has started). */
    public record Location(String zoneId, String platformId, String clusterId, String hypervisorId, String nodeId) {
    }
}
