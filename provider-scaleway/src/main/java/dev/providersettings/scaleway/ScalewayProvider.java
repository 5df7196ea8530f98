package dev.providersettings.scaleway;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.providersettings.OrganizationId;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.internal.Identifiers;
import dev.providersettings.scaleway.internal.Json;
import dev.providersettings.scaleway.internal.ResizeCoordinator;
import dev.providersettings.scaleway.internal.Transport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The Scaleway client of one organization: its credentials plus a reference to the transport shared by every
 * organization (one {@code HttpClient}). Cheap to hold: no thread, no connection of its own. Thread-safe.
 *
 * <p>Covers the Instance API (servers, actions, server types), Block Storage (volumes with a resize that waits for
 * the new size, snapshots) and IAM (API keys, applications, users, projects). Every method throws a
 * {@link ScalewayException} on failure: a {@link ScalewayServiceException} when the API answered with an error, a
 * {@link ScalewayClientException} when there is no usable answer (an invalid argument is refused before anything is
 * sent); transient failures are retried by the factory's {@link RetryPolicy}. {@code toString} shows the project, organization and access key, never the secret key.
 */
public final class ScalewayProvider {
    /** 1 GB as Scaleway counts it. */
    public static final long GB = 1_000_000_000L;
    /** The largest Block volume: 10 TB. */
    public static final long MAX_VOLUME_BYTES = 10_000L * GB;
    /** The largest page size the list endpoints accept. */
    public static final int MAX_PAGE_SIZE = 100;

    private static final TypeFactory TYPES = Json.mapper().getTypeFactory();

    private final OrganizationId tenant;
    private final UUID projectId;
    private final Secret secretKey;
    private final String accessKey;
    private final UUID organizationId;
    private final String defaultZone;
    private final URI baseUrl;
    private final Transport transport;
    private final ScalewayProviderFactory.Options options;

    ScalewayProvider(OrganizationId tenant, UUID projectId, Secret secretKey, String accessKey, UUID organizationId,
                     String defaultZone, URI baseUrl, Transport transport, ScalewayProviderFactory.Options options) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
        this.accessKey = accessKey;
        this.organizationId = organizationId;
        this.defaultZone = Objects.requireNonNull(defaultZone, "defaultZone");
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The host's organization (tenant) these credentials belong to. */
    public OrganizationId tenant() {
        return tenant;
    }

    /** The configured project ({@code SCALEWAY_PROJECT_ID}); resources are created there by default. */
    public UUID projectId() {
        return projectId;
    }

    /** The configured Scaleway organization ({@code SCALEWAY_ORGANIZATION_ID}), if any. */
    public Optional<UUID> organizationId() {
        return Optional.ofNullable(organizationId);
    }

    /** The configured access key id ({@code SCALEWAY_ACCESS_KEY}), if any. It is never sent as authentication. */
    public Optional<String> accessKey() {
        return Optional.ofNullable(accessKey);
    }

    /** The zone of calls that do not name one ({@code SCALEWAY_DEFAULT_ZONE}). */
    public String defaultZone() {
        return defaultZone;
    }

    /** The API base URL. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** A non-reversible fingerprint of the secret key, to tell keys apart in logs. */
    public String secretKeyFingerprint() {
        return secretKey.fingerprint();
    }

    /** The shared transport (the same object for every organization of one factory). */
    Transport transport() {
        return transport;
    }

    // ---------------------------------------------------------------- Instance

    /** Creates a server ({@code 201}, state {@code stopped}). Not retried after an ambiguous failure. */
    public Server createServer(String zone, CreateServerRequest request) {
        Objects.requireNonNull(request, "request");
        return unwrap(post("instance.createServer", instance(zone) + "/servers", request.toBody(projectId), false),
                "server", Server.class);
    }

    /** The server, or {@link ScalewayNotFoundException}. */
    public Server getServer(String zone, String serverId) {
        return unwrap(get("instance.getServer", instance(zone) + "/servers/" + Identifiers.id("server id", serverId)), "server",
                Server.class);
    }

    /** All servers matching the filter, fetched lazily page by page ({@code per_page} 100, total from {@code X-Total-Count}). */
    public Paginated<Server> listServers(String zone, ServerFilter filter) {
        return listServers(zone, filter, MAX_PAGE_SIZE);
    }

    /** As {@link #listServers(String, ServerFilter)} with a page size of 1 to 100. */
    public Paginated<Server> listServers(String zone, ServerFilter filter, int pageSize) {
        String path = instance(zone) + "/servers";
        int size = Identifiers.pageSize(pageSize);
        ServerFilter f = filter == null ? ServerFilter.all() : filter;
        JavaType listType = TYPES.constructCollectionType(List.class, Server.class);
        return new Paginated<>(page -> {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("page", Integer.toString(page));
            query.put("per_page", Integer.toString(size));
            query.put("project", f.project());
            query.put("organization", f.organization());
            query.put("name", f.name());
            query.put("state", f.state());
            query.put("commercial_type", f.commercialType());
            query.put("tags", f.tags().isEmpty() ? null : String.join(",", f.tags()));
            Transport.Call call = call("instance.listServers", "GET", path, query, null, true);
            return transport.exchange(call, secretKey, response -> {
                JsonNode root = transport.readTree(call, response);
                List<Server> items = root.has("servers")
                        ? transport.convert(call, response, root.get("servers"), listType) : List.of();
                return new Page<>(page, items == null ? List.of() : items, response.totalCount());
            });
        }, size);
    }

    /**
     * Runs an action ({@code 202}) and returns its task. A {@code transient_state} answer (the server is busy) is
     * waited out and retried; a timeout or 5xx is not, because the action may have been applied: check the server.
     */
    public Task serverAction(String zone, String serverId, ServerAction action) {
        Objects.requireNonNull(action, "action");
        String path = instance(zone) + "/servers/" + Identifiers.id("server id", serverId) + "/action";
        return unwrap(post("instance.serverAction", path, Map.of("action", action.apiName()), false), "task", Task.class);
    }

    /** Deletes a stopped server ({@code 204}); its volumes stay. */
    public void deleteServer(String zone, String serverId) {
        delete("instance.deleteServer", instance(zone) + "/servers/" + Identifiers.id("server id", serverId));
    }

    /**
     * Every server type of the zone (all pages of {@code products/servers}), keyed and sorted by name.
     */
    public Map<String, ServerType> listServerTypes(String zone) {
        String path = instance(zone) + "/products/servers";
        JavaType mapType = TYPES.constructMapType(LinkedHashMap.class, String.class, ServerType.class);
        Map<String, ServerType> all = new LinkedHashMap<>();
        long total = -1;
        for (int page = 1; page <= 1000; page++) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("page", Integer.toString(page));
            query.put("per_page", Integer.toString(MAX_PAGE_SIZE));
            Transport.Call call = call("instance.listServersTypes", "GET", path, query, null, true);
            int number = page;
            Page<Map.Entry<String, ServerType>> fetched = transport.exchange(call, secretKey, response -> {
                JsonNode root = transport.readTree(call, response);
                Map<String, ServerType> byName = root.has("servers")
                        ? transport.convert(call, response, root.get("servers"), mapType) : Map.of();
                return new Page<>(number, List.copyOf(byName.entrySet()), response.totalCount());
            });
            List<Map.Entry<String, ServerType>> types = fetched.items();
            types.forEach(e -> all.put(e.getKey(), e.getValue().withName(e.getKey())));
            total = fetched.totalCount();
            if (types.isEmpty() || (total >= 0 ? all.size() >= total : types.size() < 100)) {
                break;
            }
        }
        Map<String, ServerType> sorted = new LinkedHashMap<>();
        all.keySet().stream().sorted(Comparator.naturalOrder()).forEach(k -> sorted.put(k, all.get(k)));
        return sorted;
    }

    /**
     * Polls the server until {@code condition} holds, every {@code pollInterval} of the factory, for at most
     * {@code timeout}.
     *
     * @throws ScalewayWaitException      if the time runs out ({@code WAIT_TIMED_OUT}, with the last state seen)
     * @throws ScalewayClientException    if the thread is interrupted ({@code INTERRUPTED})
     * @throws ScalewayNotFoundException  if the server disappears
     */
    public Server waitForServer(String zone, String serverId, Predicate<Server> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        return options.poller().until("server " + serverId, () -> getServer(zone, serverId), condition, Server::state,
                s -> null, timeout);
    }

    /** Polls until the server's state equals {@code state} ({@code running}, {@code stopped} ...). */
    public Server waitForServerState(String zone, String serverId, String state, Duration timeout) {
        Objects.requireNonNull(state, "state");
        return waitForServer(zone, serverId, s -> state.equals(s.state()), timeout);
    }

    /** Polls until the server is gone (404), e.g. after {@link ServerAction#TERMINATE}. */
    public void waitForServerDeleted(String zone, String serverId, Duration timeout) {
        options.poller().untilGone("server " + serverId, () -> getServer(zone, serverId).state(), timeout);
    }

    // ---------------------------------------------------------------- Block Storage

    /** The volume, or {@link ScalewayNotFoundException}. */
    public Volume getVolume(String zone, String volumeId) {
        return read(get("block.getVolume", block(zone) + "/volumes/" + Identifiers.id("volume id", volumeId)), Volume.class);
    }

    /** Volumes matching the filter, fetched lazily ({@code page_size} 100, total from {@code total_count}). */
    public Paginated<Volume> listVolumes(String zone, VolumeFilter filter) {
        return listVolumes(zone, filter, MAX_PAGE_SIZE);
    }

    /** As {@link #listVolumes(String, VolumeFilter)} with a page size of 1 to 100. */
    public Paginated<Volume> listVolumes(String zone, VolumeFilter filter, int pageSize) {
        VolumeFilter f = filter == null ? VolumeFilter.all() : filter;
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("project_id", f.projectId());
        query.put("organization_id", f.organizationId());
        query.put("name", f.name());
        query.put("product_resource_id", f.productResourceId());
        // Block repeats the parameter (tags=a&tags=b); Instance joins with commas, as the official SDKs do.
        query.put("tags", f.tags().isEmpty() ? null : f.tags());
        return blockList("block.listVolumes", block(zone) + "/volumes", "volumes", query, Volume.class, pageSize);
    }

    /** Creates a volume (empty or from a snapshot). Not retried after an ambiguous failure. */
    public Volume createVolume(String zone, CreateVolumeRequest request) {
        Objects.requireNonNull(request, "request");
        return read(post("block.createVolume", block(zone) + "/volumes", request.toBody(projectId), false), Volume.class);
    }

    /**
     * Grows a volume to {@code newSizeBytes} and waits until the API reports the new size and a terminal status,
     * for at most the factory's resize timeout. See {@link #resizeVolume(String, String, long, Duration)}.
     */
    public Volume resizeVolume(String zone, String volumeId, long newSizeBytes) {
        return resizeVolume(zone, volumeId, newSizeBytes, options.resizeTimeout());
    }

    /**
     * Grows a volume to {@code newSizeBytes} (whole GB, 10^9 bytes, at most 10 TB) and waits until the API reports
     * the new size and {@code available} or {@code in_use}. The volume may stay attached. A volume already of that
     * size is returned as is without a call to PATCH (or waited for, if that size is still being applied), so a
     * repeated resize is harmless.
     *
     * <p>A volume in {@code error}, {@code locked} or {@code deleted} is a failure, before the PATCH or while
     * waiting, even if it already shows the new size.
     *
     * <p>Concurrent calls: within one factory, one resize per (organization, zone, volume) is in flight at a time.
     * A call made while another call resizes the same volume sends no PATCH of its own: for the same size it
     * waits for that resize and returns its result (or throws its exception); for another size it waits for that
     * resize to end and then runs its own against the volume as it was left (a smaller size is then refused as a
     * shrink). If the first call was interrupted or timed out, a waiting call carries on with its own resize.
     * {@code timeout} bounds the whole call, waiting for another call included.
     *
     * @throws ScalewayClientException if the size shrinks, is not whole GB or exceeds 10 TB ({@code INVALID_REQUEST},
     *                                 nothing is sent)
     * @throws ScalewayWaitException   if the volume is or goes to {@code error}, {@code locked} or {@code deleted}
     *                                 ({@code WAIT_FAILED_STATE}), or the timeout passes ({@code WAIT_TIMED_OUT})
     */
    public Volume resizeVolume(String zone, String volumeId, long newSizeBytes, Duration timeout) {
        Identifiers.volumeSize(newSizeBytes);
        Objects.requireNonNull(timeout, "timeout");
        String z = Identifiers.zone(zone, defaultZone);
        String id = Identifiers.id("volume id", volumeId);
        return options.resizes().run(new ResizeCoordinator.Key(tenant, z, id), newSizeBytes, timeout,
                () -> resizeNow(z, id, newSizeBytes, timeout));
    }

    private Volume resizeNow(String zone, String volumeId, long newSizeBytes, Duration timeout) {
        String path = block(zone) + "/volumes/" + volumeId;
        Volume current = getVolume(zone, volumeId);
        String unusable = resizeFailure(current, volumeId, newSizeBytes, "cannot be resized");
        if (unusable != null) {
            throw new ScalewayWaitException(ScalewayClientException.Reason.WAIT_FAILED_STATE, unusable, current.status());
        }
        if (newSizeBytes < current.size()) {
            throw ScalewayClientException.invalidRequest("cannot resize volume " + volumeId + " from " + current.size()
                    + " to " + newSizeBytes + " bytes: Block Storage volumes only grow; create a smaller volume and copy "
                    + "the data instead");
        }
        if (newSizeBytes == current.size() && current.isTerminal()) {
            return current;
        }
        if (newSizeBytes != current.size()) {
            // PATCH with an absolute size is idempotent: repeating it after an ambiguous failure asks for the same
            // end state. If the volume is busy the API answers transient_state, which the retry policy waits out.
            read(call("block.updateVolume", "PATCH", path, Map.of(), Map.of("size", newSizeBytes), true), Volume.class);
        }
        // Equal size but not settled (a resize already in flight): only wait for it.
        return options.poller().until("volume " + volumeId, () -> getVolume(zone, volumeId),
                v -> v.size() == newSizeBytes && v.isTerminal(), Volume::status,
                v -> resizeFailure(v, volumeId, newSizeBytes, "went to that status while resizing"), timeout);
    }

    /** Why the volume cannot be resized, or null: {@code error}, {@code locked} and {@code deleted} are final. */
    private static String resizeFailure(Volume v, String volumeId, long newSizeBytes, String what) {
        return switch (v.status() == null ? "" : v.status()) {
            case "error", "locked", "deleted" -> "volume " + volumeId + " is in status '" + v.status() + "' and "
                    + what + " (to " + newSizeBytes + " bytes; size now " + v.size() + "); check it in the Scaleway "
                    + "console or with support";
            default -> null;
        };
    }

    /** Deletes a volume ({@code 204}); not while {@code in_use}. */
    public void deleteVolume(String zone, String volumeId) {
        delete("block.deleteVolume", block(zone) + "/volumes/" + Identifiers.id("volume id", volumeId));
    }

    /** Polls until the volume is gone (404). */
    public void waitForVolumeDeleted(String zone, String volumeId, Duration timeout) {
        options.poller().untilGone("volume " + volumeId, () -> getVolume(zone, volumeId).status(), timeout);
    }

    /** Polls the volume until {@code condition} holds. */
    public Volume waitForVolume(String zone, String volumeId, Predicate<Volume> condition, Duration timeout) {
        return options.poller().until("volume " + volumeId, () -> getVolume(zone, volumeId), condition, Volume::status,
                v -> "error".equals(v.status()) ? "volume " + volumeId + " is in status 'error'" : null, timeout);
    }

    /** Snapshots a volume (in the configured project). Not retried after an ambiguous failure. */
    public Snapshot createSnapshot(String zone, String volumeId, String name, List<String> tags) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("volume_id", Identifiers.id("volume id", volumeId));
        body.put("name", name);
        body.put("project_id", projectId.toString());
        body.put("tags", tags == null ? List.of() : tags);
        return read(post("block.createSnapshot", block(zone) + "/snapshots", body, false), Snapshot.class);
    }

    /** The snapshot, or {@link ScalewayNotFoundException}. */
    public Snapshot getSnapshot(String zone, String snapshotId) {
        return read(get("block.getSnapshot", block(zone) + "/snapshots/" + Identifiers.id("snapshot id", snapshotId)),
                Snapshot.class);
    }

    /** Snapshots, lazily, optionally of one volume ({@code volumeId} null = all readable). */
    public Paginated<Snapshot> listSnapshots(String zone, String volumeId) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("volume_id", volumeId == null ? null : Identifiers.id("volume id", volumeId));
        return blockList("block.listSnapshots", block(zone) + "/snapshots", "snapshots", query, Snapshot.class,
                MAX_PAGE_SIZE);
    }

    /** Deletes a snapshot ({@code 204}). */
    public void deleteSnapshot(String zone, String snapshotId) {
        delete("block.deleteSnapshot", block(zone) + "/snapshots/" + Identifiers.id("snapshot id", snapshotId));
    }

    /** Polls the snapshot until {@code condition} holds. */
    public Snapshot waitForSnapshot(String zone, String snapshotId, Predicate<Snapshot> condition, Duration timeout) {
        return options.poller().until("snapshot " + snapshotId, () -> getSnapshot(zone, snapshotId), condition,
                Snapshot::status,
                s -> "error".equals(s.status()) ? "snapshot " + snapshotId + " is in status 'error'" : null, timeout);
    }

    // ---------------------------------------------------------------- IAM

    /** The API key {@code accessKey} ({@code SCW...}); needs IAM read rights. */
    public ApiKey getApiKey(String accessKey) {
        if (accessKey == null || !accessKey.matches(ScalewaySettings.ACCESS_KEY_REGEX)) {
            throw ScalewayClientException.invalidRequest("access key is " + (accessKey == null ? "missing" : "malformed")
                    + ": expected 'SCW' followed by 17 upper-case letters or digits");
        }
        return read(get("iam.getApiKey", "/iam/v1alpha1/api-keys/" + accessKey), ApiKey.class);
    }

    /** An IAM application. */
    public Application getApplication(String applicationId) {
        return read(get("iam.getApplication", "/iam/v1alpha1/applications/" + Identifiers.id("application id", applicationId)),
                Application.class);
    }

    /** An IAM user. */
    public User getUser(String userId) {
        return read(get("iam.getUser", "/iam/v1alpha1/users/" + Identifiers.id("user id", userId)), User.class);
    }

    /** An Account project. */
    public Project getProject(String projectId) {
        return read(get("account.getProject", "/account/v3/projects/" + Identifiers.id("project id", projectId)),
                Project.class);
    }

    // ---------------------------------------------------------------- plumbing

    private <T> Paginated<T> blockList(String operation, String path, String field, Map<String, Object> filters,
                                       Class<T> type, int pageSize) {
        int size = Identifiers.pageSize(pageSize);
        JavaType listType = TYPES.constructCollectionType(List.class, type);
        return new Paginated<>(page -> {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("page", Integer.toString(page));
            query.put("page_size", Integer.toString(size));
            query.putAll(filters);
            Transport.Call call = call(operation, "GET", path, query, null, true);
            return transport.exchange(call, secretKey, response -> {
                JsonNode root = transport.readTree(call, response);
                List<T> items = root.has(field) && !root.get(field).isNull()
                        ? transport.convert(call, response, root.get(field), listType) : new ArrayList<>();
                long total = root.has("total_count") && root.get("total_count").canConvertToLong()
                        ? root.get("total_count").asLong() : response.totalCount();
                return new Page<>(page, items, total);
            });
        }, size);
    }

    private Transport.Call get(String operation, String path) {
        return call(operation, "GET", path, Map.of(), null, true);
    }

    private Transport.Call post(String operation, String path, Object body, boolean idempotent) {
        return call(operation, "POST", path, Map.of(), body, idempotent);
    }

    private void delete(String operation, String path) {
        transport.exchange(call(operation, "DELETE", path, Map.of(), null, true), secretKey, response -> null);
    }

    private Transport.Call call(String operation, String method, String path, Map<String, ?> query, Object body,
                                boolean idempotent) {
        return new Transport.Call(operation, method, baseUrl, path, query, body, idempotent, tenant);
    }

    private <T> T read(Transport.Call call, Class<T> type) {
        return transport.exchange(call, secretKey, response -> transport.read(call, response, Json.reader(type)));
    }

    private <T> T unwrap(Transport.Call call, String field, Class<T> type) {
        return transport.exchange(call, secretKey, response -> {
            JsonNode root = transport.readTree(call, response);
            JsonNode inner = root.get(field);
            if (inner == null || !inner.isObject()) {
                throw Transport.unexpected(call, response, "no '" + field + "' object");
            }
            return transport.convert(call, response, inner, TYPES.constructType(type));
        });
    }

    private String instance(String zone) {
        return "/instance/v1/zones/" + Identifiers.zone(zone, defaultZone);
    }

    private String block(String zone) {
        return "/block/" + options.blockApiVersion() + "/zones/" + Identifiers.zone(zone, defaultZone);
    }

    @Override
    public String toString() {
        return "ScalewayProvider[tenant=" + tenant + ", project=" + projectId + ", organization="
                + (organizationId == null ? "-" : organizationId) + ", accessKey=" + (accessKey == null ? "-" : accessKey)
                + ", secretKey=<masked " + secretKey.fingerprint() + ">, zone=" + defaultZone + ", api=" + baseUrl + "]";
    }
}
