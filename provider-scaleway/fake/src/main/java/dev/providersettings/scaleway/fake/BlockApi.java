package dev.providersettings.scaleway.fake;

import static dev.providersettings.scaleway.fake.Req.stringList;
import static dev.providersettings.scaleway.fake.Req.text;
import static dev.providersettings.scaleway.fake.Req.uuid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.PendingUpdate;
import dev.providersettings.scaleway.fake.Model.Server;
import dev.providersettings.scaleway.fake.Model.Snapshot;
import dev.providersettings.scaleway.fake.Model.Volume;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Block Storage v1alpha1 and v1 ({@code /block/{v}/zones/{zone}/...}): volumes and snapshots, bare objects.
 * Called under the {@link FakeApi} lock.
 */
final class BlockApi {
    static final long GB = 1_000_000_000L;
    static final long MIN_VOLUME = GB;
    static final long MAX_VOLUME = 10_000L * GB;

    private final FakeState state;

    BlockApi(FakeState state) {
        this.state = state;
    }

    Resp handle(Req req, ApiKey caller, boolean v1, String zone, String[] rest) {
        String m = req.method();
        if (rest.length == 1 && rest[0].equals("volumes")) {
            if (m.equals("GET")) {
                return listVolumes(req, caller, v1, zone);
            }
            if (m.equals("POST")) {
                return Resp.json(200, Render.volume(createVolume(req.body(), caller, zone), v1));
            }
        }
        if (rest.length == 2 && rest[0].equals("volumes")) {
            UUID id = uuid(rest[1], "volume_id");
            switch (m) {
                case "GET":
                    return Resp.json(200, Render.volume(volume(caller, zone, id), v1));
                case "PATCH":
                    return Resp.json(200, updateVolume(req.body(), volume(caller, zone, id), v1));
                case "DELETE":
                    return deleteVolume(volume(caller, zone, id));
                default:
                    break;
            }
        }
        if (rest.length == 1 && rest[0].equals("snapshots")) {
            if (m.equals("GET")) {
                return listSnapshots(req, caller, zone);
            }
            if (m.equals("POST")) {
                return Resp.json(200, renderSnapshot(createSnapshot(req.body(), caller, zone)));
            }
        }
        if (rest.length == 2 && rest[0].equals("snapshots")) {
            UUID id = uuid(rest[1], "snapshot_id");
            Snapshot s = snapshot(caller, zone, id);
            switch (m) {
                case "GET":
                    return Resp.json(200, renderSnapshot(s));
                case "PATCH":
                    if (text(req.body(), "name") != null) {
                        s.name = text(req.body(), "name");
                    }
                    if (req.body().has("tags")) {
                        s.tags = stringList(req.body().get("tags"), "tags");
                    }
                    s.updated = state.now();
                    return Resp.json(200, renderSnapshot(s));
                case "DELETE":
                    if ("creating".equals(s.status)) {
                        throw ApiError.transientState("snapshot", id, s.status);
                    }
                    state.snapshots.remove(id);
                    return Resp.noContent();
                default:
                    break;
            }
        }
        throw ApiError.noRoute(m, req.path());
    }

    /** Ends the volume and snapshot transitions due at {@code now}: creation, resize and IOPS changes. */
    void advance(Instant now) {
        for (Volume v : state.volumes.values()) {
            if ("creating".equals(v.status) && v.readyAt != null && !now.isBefore(v.readyAt)) {
                v.status = v.serverId != null ? "in_use" : "available";
                v.updated = v.readyAt;
                v.readyAt = null;
            }
            PendingUpdate u = v.pending;
            if (u != null && !now.isBefore(u.due)) {
                if (u.newSize != null) {
                    v.size = u.newSize;
                }
                if (u.newIops != null) {
                    v.perfIops = u.newIops;
                }
                v.status = v.serverId != null ? "in_use" : u.resumeStatus;
                v.updated = u.due;
                v.pending = null;
            }
        }
        for (Snapshot s : state.snapshots.values()) {
            if ("creating".equals(s.status) && !now.isBefore(s.readyAt)) {
                s.status = "available";
                s.updated = s.readyAt;
            }
        }
    }

    ObjectNode renderSnapshot(Snapshot s) {
        return Render.snapshot(s, state.volumes.get(s.parentVolumeId));
    }

    // ------------------------------------------------------------------ attachment (driven by Instance)

    static void attach(Volume v, Server s, Instant now) {
        v.serverId = s.id;
        v.referenceId = UUID.randomUUID();
        v.referenceCreated = now;
        v.updated = now;
        if (v.pending == null) {
            v.status = "in_use";
        } else {
            v.pending.resumeStatus = "in_use";
        }
    }

    static void detach(Volume v, Instant when) {
        if (v == null) {
            return;
        }
        v.serverId = null;
        v.referenceId = null;
        v.referenceCreated = null;
        v.lastDetachedAt = when;
        v.updated = when;
        if (v.pending == null && !"creating".equals(v.status)) {
            v.status = "available";
        } else if (v.pending != null) {
            v.pending.resumeStatus = "available";
        }
    }

    // ------------------------------------------------------------------ volumes

    private Volume volume(ApiKey caller, String zone, UUID id) {
        Volume v = state.volumes.get(id);
        if (v == null || !v.zone.equals(zone) || !state.canAccess(caller, v.projectId)) {
            throw ApiError.notFound("volume", id);
        }
        return v;
    }

    Volume newVolume(String zone, UUID projectId, String name, long size, int iops, Instant now) {
        Volume v = new Volume();
        v.id = UUID.randomUUID();
        v.zone = zone;
        v.projectId = projectId;
        v.name = name;
        v.size = size;
        v.perfIops = iops;
        v.created = now;
        v.updated = now;
        v.status = "creating";
        v.readyAt = now.plus(state.createDelay);
        state.volumes.put(v.id, v);
        return v;
    }

    private Volume createVolume(JsonNode b, ApiKey caller, String zone) {
        String projectText = text(b, "project_id");
        if (projectText == null) {
            throw ApiError.invalidArgument("project_id", "required", "project_id is required");
        }
        UUID projectId = uuid(projectText, "project_id");
        if (!state.canAccess(caller, projectId)) {
            throw ApiError.permissionsDenied("write", "volume");
        }
        int iops = iops(b);
        List<String> tags = stringList(b.get("tags"), "tags");
        JsonNode empty = b.get("from_empty");
        JsonNode fromSnapshot = b.get("from_snapshot");
        long size;
        UUID parent = null;
        if (empty != null && !empty.isNull() && fromSnapshot != null && !fromSnapshot.isNull()) {
            throw ApiError.invalidArgument("from_empty", "constraint", "set only one of from_empty and from_snapshot");
        } else if (empty != null && !empty.isNull()) {
            size = sizeOf(empty.get("size"), "from_empty.size");
            checkSize(size, "from_empty.size");
        } else if (fromSnapshot != null && !fromSnapshot.isNull()) {
            String sid = text(fromSnapshot, "snapshot_id");
            if (sid == null) {
                throw ApiError.invalidArgument("from_snapshot.snapshot_id", "required", "snapshot_id is required");
            }
            Snapshot s = snapshot(caller, zone, uuid(sid, "from_snapshot.snapshot_id"));
            if (!"available".equals(s.status)) {
                throw ApiError.transientState("snapshot", s.id, s.status);
            }
            size = fromSnapshot.hasNonNull("size") ? sizeOf(fromSnapshot.get("size"), "from_snapshot.size") : s.size;
            checkSize(size, "from_snapshot.size");
            if (size < s.size) {
                throw ApiError.invalidArgument("from_snapshot.size", "constraint",
                        "size must be at least the snapshot's size (" + s.size + " bytes)");
            }
            parent = s.id;
        } else {
            throw ApiError.invalidArgument("from_empty", "required", "one of from_empty or from_snapshot is required");
        }
        Volume v = newVolume(zone, projectId,
                Optional.ofNullable(text(b, "name")).orElse("vol-" + UUID.randomUUID().toString().substring(0, 8)),
                size, iops, state.now());
        v.tags = tags;
        v.parentSnapshotId = parent;
        return v;
    }

    private static int iops(JsonNode b) {
        if (!b.hasNonNull("perf_iops")) {
            return 5000;
        }
        int iops = b.get("perf_iops").asInt();
        if (iops != 5000 && iops != 15000) {
            throw ApiError.invalidArgument("perf_iops", "constraint", "perf_iops must be 5000 or 15000");
        }
        return iops;
    }

    private static long sizeOf(JsonNode n, String argument) {
        if (n == null || n.isNull()) {
            throw ApiError.invalidArgument(argument, "required", argument + " is required, in bytes");
        }
        // The Go SDK sends sizes as JSON numbers; also accept a numeric string, as protobuf JSON does for uint64.
        if (n.isIntegralNumber() || (n.isTextual() && n.asText().matches("\\d{1,18}"))) {
            return n.asLong();
        }
        throw ApiError.invalidArgument(argument, "format", argument + " must be a whole number of bytes");
    }

    static void checkSize(long size, String argument) {
        if (size < MIN_VOLUME || size > MAX_VOLUME) {
            throw ApiError.invalidArgument(argument, "constraint",
                    "size must be between 1 GB (1000000000 bytes) and 10 TB (10000000000000 bytes)");
        }
        if (size % GB != 0) {
            throw ApiError.invalidArgument(argument, "constraint",
                    "size must be a multiple of 1 GB (1000000000 bytes)");
        }
    }

    private ObjectNode updateVolume(JsonNode b, Volume v, boolean v1) {
        Long newSize = null;
        Integer newIops = null;
        if (b.has("size") && !b.get("size").isNull()) {
            long size = sizeOf(b.get("size"), "size");
            checkSize(size, "size");
            if (size < v.size) {
                throw ApiError.invalidArgument("size", "constraint",
                        "the volume size can only be increased (current size " + v.size + " bytes)");
            }
            if (size != v.size) {
                newSize = size;
            }
        }
        if (b.hasNonNull("perf_iops")) {
            int iops = iops(b);
            if (iops != v.perfIops) {
                newIops = iops;
            }
        }
        if (newSize != null || newIops != null) {
            if (!"available".equals(v.status) && !"in_use".equals(v.status)) {
                throw ApiError.transientState("volume", v.id, v.status);
            }
        }
        Instant now = state.now();
        if (text(b, "name") != null) {
            v.name = text(b, "name");
        }
        if (b.has("tags") && !b.get("tags").isNull()) {
            v.tags = stringList(b.get("tags"), "tags");
        }
        v.updated = now;
        if (newSize != null || newIops != null) {
            PendingUpdate u = new PendingUpdate();
            u.due = now.plus(state.resizeDelay);
            u.newSize = newSize;
            u.newIops = newIops;
            u.resumeStatus = v.status;
            v.pending = u;
            // Recorded: the PATCH answer already says "updating" but still shows the old size and class.
            v.status = "updating";
        }
        return Render.volume(v, v1);
    }

    private Resp deleteVolume(Volume v) {
        if (v.serverId != null || "in_use".equals(v.status)) {
            throw ApiError.preconditionFailed("resource_still_in_use",
                    "the volume is attached to server " + v.serverId + "; detach it or terminate the server first");
        }
        if (!"available".equals(v.status) && !"error".equals(v.status)) {
            throw ApiError.transientState("volume", v.id, v.status);
        }
        state.volumes.remove(v.id);
        return Resp.noContent();
    }

    private Resp listVolumes(Req req, ApiKey caller, boolean v1, String zone) {
        int pageSize = req.intParam("page_size", 50, 100);
        int page = req.intParam("page", 1, Integer.MAX_VALUE);
        String project = req.param("project_id");
        String org = req.param("organization_id");
        String name = req.param("name");
        String resource = req.param("product_resource_id");
        List<String> tags = req.list("tags");
        List<Volume> all = state.volumes.values().stream()
                .filter(v -> v.zone.equals(zone) && state.canAccess(caller, v.projectId)
                        && (project == null || v.projectId.toString().equals(project))
                        && (org == null || state.organizationOf(v.projectId).toString().equals(org))
                        && (name == null || v.name.contains(name))
                        && (resource == null || (v.serverId != null && v.serverId.toString().equals(resource)))
                        && v.tags.containsAll(tags))
                .sorted(req.<Volume>order(v -> v.created, v -> v.name, v -> v.id)).collect(Collectors.toList());
        ObjectNode body = Json.object();
        body.put("total_count", all.size());
        ArrayNode arr = body.putArray("volumes");
        Resp.page(all, page, pageSize).forEach(v -> arr.add(Render.volume(v, v1)));
        return Resp.json(200, body);
    }

    // ------------------------------------------------------------------ snapshots

    private Snapshot snapshot(ApiKey caller, String zone, UUID id) {
        Snapshot s = state.snapshots.get(id);
        if (s == null || !s.zone.equals(zone) || !state.canAccess(caller, s.projectId)) {
            throw ApiError.notFound("snapshot", id);
        }
        return s;
    }

    private Snapshot createSnapshot(JsonNode b, ApiKey caller, String zone) {
        String vid = text(b, "volume_id");
        if (vid == null) {
            throw ApiError.invalidArgument("volume_id", "required", "volume_id is required");
        }
        Volume v = volume(caller, zone, uuid(vid, "volume_id"));
        UUID projectId = text(b, "project_id") == null ? v.projectId : uuid(text(b, "project_id"), "project_id");
        if (!state.canAccess(caller, projectId)) {
            throw ApiError.permissionsDenied("write", "snapshot");
        }
        if (!"available".equals(v.status) && !"in_use".equals(v.status)) {
            throw ApiError.transientState("volume", v.id, v.status);
        }
        Instant now = state.now();
        Snapshot s = new Snapshot();
        s.id = UUID.randomUUID();
        s.zone = zone;
        s.name = Optional.ofNullable(text(b, "name")).orElse("snp-" + s.id.toString().substring(0, 8));
        s.size = v.size;
        s.projectId = projectId;
        s.parentVolumeId = v.id;
        s.parentVolumeName = v.name;
        s.parentVolumeType = Render.volumeType(v);
        s.created = now;
        s.updated = now;
        s.readyAt = now.plus(state.createDelay);
        s.status = "creating";
        s.tags = stringList(b.get("tags"), "tags");
        state.snapshots.put(s.id, s);
        return s;
    }

    private Resp listSnapshots(Req req, ApiKey caller, String zone) {
        int pageSize = req.intParam("page_size", 50, 100);
        int page = req.intParam("page", 1, Integer.MAX_VALUE);
        String volumeId = req.param("volume_id");
        String project = req.param("project_id");
        String org = req.param("organization_id");
        String name = req.param("name");
        List<Snapshot> all = state.snapshots.values().stream()
                .filter(s -> s.zone.equals(zone) && state.canAccess(caller, s.projectId)
                        && (volumeId == null || s.parentVolumeId.toString().equals(volumeId))
                        && (project == null || s.projectId.toString().equals(project))
                        && (org == null || state.organizationOf(s.projectId).toString().equals(org))
                        && (name == null || s.name.contains(name)))
                .sorted(req.<Snapshot>order(s -> s.created, s -> s.name, s -> s.id))
                .collect(Collectors.toList());
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("snapshots");
        Resp.page(all, page, pageSize).forEach(s -> arr.add(renderSnapshot(s)));
        body.put("total_count", all.size());
        return Resp.json(200, body);
    }
}
