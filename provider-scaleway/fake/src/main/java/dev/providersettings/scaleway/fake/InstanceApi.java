package dev.providersettings.scaleway.fake;

import static dev.providersettings.scaleway.fake.Req.stringList;
import static dev.providersettings.scaleway.fake.Req.text;
import static dev.providersettings.scaleway.fake.Req.uuid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.Image;
import dev.providersettings.scaleway.fake.Model.Server;
import dev.providersettings.scaleway.fake.Model.ServerVolume;
import dev.providersettings.scaleway.fake.Model.Volume;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Instance v1 ({@code /instance/v1/zones/{zone}/...}): servers, their actions and volumes, the server-type catalog.
 * Called under the {@link FakeApi} lock.
 */
final class InstanceApi {
    private final FakeState state;
    private final BlockApi block;

    InstanceApi(FakeState state, BlockApi block) {
        this.state = state;
        this.block = block;
    }

    void addImage(UUID id, String name, String arch) {
        Image i = new Image();
        i.id = id;
        i.name = name;
        i.arch = arch;
        i.rootSnapshotId = UUID.nameUUIDFromBytes(("root-" + id).getBytes(StandardCharsets.UTF_8));
        i.created = state.now();
        state.images.put(id, i);
    }

    Resp handle(Req req, ApiKey caller, String zone, String[] rest) {
        String m = req.method();
        if (rest.length == 1 && rest[0].equals("servers")) {
            if (m.equals("GET")) {
                return listServers(req, caller, zone);
            }
            if (m.equals("POST")) {
                return createServer(req, caller, zone);
            }
        }
        if (rest.length == 2 && rest[0].equals("products") && rest[1].equals("servers") && m.equals("GET")) {
            return serverTypes(req);
        }
        if (rest.length >= 2 && rest[0].equals("servers")) {
            UUID id = uuid(rest[1], "server_id");
            if (rest.length == 2 && m.equals("GET")) {
                return Resp.json(200, Resp.wrap("server", Render.server(server(caller, zone, id))));
            }
            if (rest.length == 2 && m.equals("DELETE")) {
                return deleteServer(caller, zone, id);
            }
            if (rest.length == 3 && rest[2].equals("action") && m.equals("POST")) {
                return action(req, caller, zone, id);
            }
            if (rest.length == 3 && rest[2].equals("user_data") && m.equals("GET")) {
                server(caller, zone, id);
                ObjectNode b = Json.object();
                b.putArray("user_data");
                return Resp.json(200, b);
            }
        }
        if (rest.length == 2 && rest[0].equals("volumes") && m.equals("GET")) {
            return localVolume(caller, zone, uuid(rest[1], "volume_id"));
        }
        throw ApiError.noRoute(m, req.path());
    }

    private Server server(ApiKey caller, String zone, UUID id) {
        Server s = state.servers.get(id);
        if (s == null || !s.zone.equals(zone) || !state.canAccess(caller, s.projectId)) {
            // Another organization's server answers like a missing one: its existence is not disclosed.
            throw ApiError.notFound("instance_server", id);
        }
        return s;
    }

    private Resp localVolume(ApiKey caller, String zone, UUID id) {
        // Only local volumes are Instance volumes; an SBS volume is a Block volume (recorded: 404 instance_volume).
        for (Server s : state.servers.values()) {
            ServerVolume sv = s.volumes.values().stream().filter(v -> v.id.equals(id) && v.type.equals("l_ssd"))
                    .findFirst().orElse(null);
            if (sv != null && s.zone.equals(zone) && state.canAccess(caller, s.projectId)) {
                return Resp.json(200, Resp.wrap("volume", Render.localVolume(s, sv)));
            }
        }
        throw ApiError.notFound("instance_volume", id);
    }

    // ------------------------------------------------------------------ create

    private Resp createServer(Req req, ApiKey caller, String zone) {
        JsonNode b = req.body();
        String type = text(b, "commercial_type");
        if (type == null) {
            throw ApiError.invalidArgument("commercial_type", "required", "commercial_type is required");
        }
        if (!state.serverTypes.containsKey(type)) {
            throw ApiError.invalidArgument("commercial_type", "constraint", "unknown commercial type '" + type
                    + "', known: " + String.join(", ", state.serverTypes.keySet()));
        }
        UUID projectId;
        if (text(b, "project") != null) {
            projectId = uuid(text(b, "project"), "project");
        } else if (text(b, "organization") != null) {
            projectId = state.organizations.getOrDefault(uuid(text(b, "organization"), "organization"),
                    uuid(text(b, "organization"), "organization"));
        } else {
            throw ApiError.invalidArgument("project", "required", "one of project or organization must be set");
        }
        if (!state.canAccess(caller, projectId)) {
            throw ApiError.permissionsDenied("write", "instance_server");
        }
        Image image = null;
        if (text(b, "image") != null) {
            UUID imageId = uuid(text(b, "image"), "image");
            image = state.images.get(imageId);
            if (image == null) {
                throw ApiError.notFound("instance_image", imageId);
            }
        }
        String bootType = Optional.ofNullable(text(b, "boot_type")).orElse("local");
        if (!bootType.equals("local") && !bootType.equals("rescue")) {
            throw ApiError.invalidArgument("boot_type", "constraint", "boot_type must be local or rescue");
        }
        Instant now = state.now();
        Server s = new Server();
        s.id = UUID.randomUUID();
        s.zone = zone;
        s.name = Optional.ofNullable(text(b, "name")).orElse("srv-" + s.id.toString().substring(0, 8));
        s.commercialType = type;
        s.arch = state.serverTypes.get(type).path("arch").asText("x86_64");
        s.bootType = bootType;
        s.projectId = projectId;
        s.orgId = state.organizationOf(projectId);
        s.image = image;
        s.tags = stringList(b.get("tags"), "tags");
        s.state = "stopped";
        s.stateDetail = "";
        s.dynamicIp = !b.has("dynamic_ip_required") || b.get("dynamic_ip_required").asBoolean(true);
        s.protectedFlag = b.path("protected").asBoolean(false);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        s.macAddress = String.format("de:00:01:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256));
        s.securityGroupId = UUID.nameUUIDFromBytes(("sg-" + projectId).getBytes(StandardCharsets.UTF_8));
        s.created = now;
        s.modified = now;

        // Validate every volume before creating anything: nothing half-written.
        JsonNode vols = b.get("volumes");
        List<Runnable> creations = new ArrayList<>();
        if (vols != null && !vols.isNull()) {
            if (!vols.isObject()) {
                throw ApiError.invalidArgument("volumes", "format", "volumes must be a map keyed \"0\", \"1\", ...");
            }
            for (var e : vols.properties()) {
                creations.add(planServerVolume(s, caller, e.getKey(), e.getValue(), now));
            }
        } else if (image != null) {
            JsonNode root = Json.object().put("volume_type", "sbs_volume").put("size", 10 * BlockApi.GB)
                    .put("boot", false);
            creations.add(planServerVolume(s, caller, "0", root, now));
        }
        creations.forEach(Runnable::run);
        state.servers.put(s.id, s);
        Map<String, String> headers =
                Map.of("Location", state.baseUrl + "/instance/v1/zones/" + zone + "/servers/" + s.id);
        return new Resp(201, Resp.wrap("server", Render.server(s)), headers);
    }

    private Runnable planServerVolume(Server s, ApiKey caller, String key, JsonNode spec, Instant now) {
        if (!key.matches("\\d+")) {
            throw ApiError.invalidArgument("volumes", "format", "volume keys must be \"0\", \"1\", ...; got '" + key + "'");
        }
        boolean boot = spec.path("boot").asBoolean(false);
        String idText = text(spec, "id");
        if (idText != null) {
            UUID id = uuid(idText, "volumes." + key + ".id");
            Volume v = state.volumes.get(id);
            if (v == null || !v.zone.equals(s.zone) || !state.canAccess(caller, v.projectId)) {
                throw ApiError.notFound("volume", id);
            }
            if (!"available".equals(v.status) || v.serverId != null) {
                throw ApiError.invalidRequest("volume " + id + " should be available to be attached, it is " + v.status);
            }
            return () -> {
                BlockApi.attach(v, s, now);
                s.volumes.put(key, serverVolume(id, "sbs_volume", boot, 0, null, now));
            };
        }
        String type = Optional.ofNullable(text(spec, "volume_type")).orElse("sbs_volume");
        long size = spec.path("size").asLong(0);
        if (type.equals("sbs_volume")) {
            BlockApi.checkSize(size, "volumes." + key + ".size");
            return () -> {
                Volume v = block.newVolume(s.zone, s.projectId,
                        (s.image != null ? s.image.name : s.name) + "_sbs_volume_" + key, size, 5000, now);
                v.parentSnapshotId = key.equals("0") && s.image != null ? s.image.rootSnapshotId : null;
                v.status = "in_use";
                v.readyAt = null;
                BlockApi.attach(v, s, now);
                s.volumes.put(key, serverVolume(v.id, "sbs_volume", boot, 0, null, now));
            };
        }
        if (type.equals("l_ssd")) {
            if (size < BlockApi.GB) {
                throw ApiError.invalidArgument("volumes." + key + ".size", "constraint",
                        "a local volume needs a size of at least 1 GB");
            }
            return () -> s.volumes.put(key, serverVolume(UUID.randomUUID(), "l_ssd", boot, size,
                    s.name + "_l_ssd_" + key, now));
        }
        throw ApiError.invalidArgument("volumes." + key + ".volume_type", "constraint",
                "the fake supports volume_type sbs_volume and l_ssd, got '" + type + "'");
    }

    private static ServerVolume serverVolume(UUID id, String type, boolean boot, long size, String name, Instant now) {
        ServerVolume sv = new ServerVolume();
        sv.id = id;
        sv.type = type;
        sv.boot = boot;
        sv.size = size;
        sv.name = name;
        sv.created = now;
        return sv;
    }

    // ------------------------------------------------------------------ lists

    private Resp listServers(Req req, ApiKey caller, String zone) {
        int perPage = req.intParam("per_page", 50, 100);
        int page = req.intParam("page", 1, Integer.MAX_VALUE);
        String project = req.param("project");
        String org = req.param("organization");
        String name = req.param("name");
        String serverState = req.param("state");
        String type = req.param("commercial_type");
        List<String> tags = req.list("tags");
        List<String> ids = req.list("servers");
        Predicate<Server> keep = s -> s.zone.equals(zone) && state.canAccess(caller, s.projectId)
                && (project == null || s.projectId.toString().equals(project))
                && (org == null || s.orgId.toString().equals(org))
                && (name == null || s.name.contains(name))
                && (serverState == null || s.state.equals(serverState))
                && (type == null || s.commercialType.equals(type))
                && s.tags.containsAll(tags)
                && (ids.isEmpty() || ids.contains(s.id.toString()));
        List<Server> all = state.servers.values().stream().filter(keep)
                .sorted(Comparator.comparing((Server s) -> s.created).reversed().thenComparing(s -> s.id))
                .collect(Collectors.toList());
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("servers");
        Resp.page(all, page, perPage).forEach(s -> arr.add(Render.server(s)));
        return new Resp(200, body, Resp.pageHeaders("/servers", all.size(), page, perPage));
    }

    private Resp serverTypes(Req req) {
        int perPage = req.intParam("per_page", 50, 100);
        int page = req.intParam("page", 1, Integer.MAX_VALUE);
        List<String> names = new ArrayList<>(state.serverTypes.keySet());
        ObjectNode body = Json.object();
        ObjectNode map = body.putObject("servers");
        Resp.page(names, page, perPage).forEach(n -> map.set(n, state.serverTypes.get(n).deepCopy()));
        return new Resp(200, body, Resp.pageHeaders("/products/servers", names.size(), page, perPage));
    }

    // ------------------------------------------------------------------ state machine

    /** Starts the transition of {@link ServerAction}'s row; {@link #advance} ends it once its delay has passed. */
    private Resp action(Req req, ApiKey caller, String zone, UUID id) {
        Server s = server(caller, zone, id);
        String name = text(req.body(), "action");
        if (name == null) {
            throw ApiError.invalidArgument("action", "required", "action is required");
        }
        Instant now = state.now();
        if (s.transitionDue != null) {
            throw ApiError.transientState("instance_server", id, s.state);
        }
        ServerAction action = ServerAction.byApiName(name).orElseThrow(() -> ApiError.invalidArgument("action",
                "constraint",
                "the fake supports poweron, poweroff, stop_in_place, reboot and terminate; got '" + name + "'"));
        if (!action.allowedFrom.contains(s.state)) {
            // Recorded by third parties: HTTP 400 {"type":"invalid_request_error","message":"server should be running"}
            throw ApiError.invalidRequest("server should be " + action.allowedFrom.get(0));
        }
        s.state = action.transientState;
        s.stateDetail = action.transientDetail;
        s.nextState = action.finalState;
        s.terminating = action.removesServer();
        s.transitionDue = now.plus(delay(action));
        s.modified = now;
        return Resp.json(202, Resp.wrap("task", Render.task(id, name, zone, now)));
    }

    private Duration delay(ServerAction action) {
        return action.delay == ServerAction.Delay.BOOT ? state.bootDelay : state.stopDelay;
    }

    /** Ends every server transition that is due at {@code now}: the row's end state, or the server removed. */
    void advance(Instant now) {
        List<Server> done = new ArrayList<>();
        for (Server s : state.servers.values()) {
            if (s.transitionDue != null && !now.isBefore(s.transitionDue)) {
                if (s.terminating) {
                    done.add(s);
                    continue;
                }
                s.modified = s.transitionDue;
                s.transitionDue = null;
                s.state = s.nextState;
                s.nextState = null;
                if (s.state.equals("running")) {
                    s.stateDetail = "booting kernel";
                    s.nodeId = 1 + ThreadLocalRandom.current().nextInt(99);
                    if (s.dynamicIp && s.publicIpId == null) {
                        s.publicIpId = UUID.randomUUID();
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        s.publicIpAddress = "51.15." + r.nextInt(256) + "." + (1 + r.nextInt(254));
                    }
                } else {
                    s.stateDetail = "";
                    s.publicIpId = null;
                    s.publicIpAddress = null;
                }
            }
        }
        for (Server s : done) {
            removeServer(s, s.transitionDue);
        }
    }

    private Resp deleteServer(ApiKey caller, String zone, UUID id) {
        Server s = server(caller, zone, id);
        if (s.transitionDue != null) {
            throw ApiError.transientState("instance_server", id, s.state);
        }
        if (!s.state.equals("stopped")) {
            throw ApiError.invalidRequest("server should be stopped");
        }
        removeServer(s, state.now());
        return Resp.noContent();
    }

    /** The server is gone: its local volumes die with it, its SBS volumes are detached. */
    private void removeServer(Server s, Instant when) {
        state.servers.remove(s.id);
        for (ServerVolume sv : s.volumes.values()) {
            if (sv.type.equals("sbs_volume")) {
                BlockApi.detach(state.volumes.get(sv.id), when);
            }
        }
    }
}
