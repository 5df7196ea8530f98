package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.Application;
import dev.providersettings.scaleway.fake.Model.Image;
import dev.providersettings.scaleway.fake.Model.PendingUpdate;
import dev.providersettings.scaleway.fake.Model.Project;
import dev.providersettings.scaleway.fake.Model.Server;
import dev.providersettings.scaleway.fake.Model.ServerVolume;
import dev.providersettings.scaleway.fake.Model.Snapshot;
import dev.providersettings.scaleway.fake.Model.User;
import dev.providersettings.scaleway.fake.Model.Volume;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The state and the endpoints of the fake. Every public-facing operation runs under one lock (this object):
 * a fake serves tests, so simplicity beats throughput. Time-driven transitions are applied lazily, on every
 * request and every inspection, by comparing due times with the clock: no timer threads, and a test clock
 * makes them deterministic.
 */
final class FakeApi {

    static final Set<String> ZONES = Set.of("fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3",
            "pl-waw-1", "pl-waw-2", "pl-waw-3", "it-mil-1");
    static final long GB = 1_000_000_000L;
    static final long MIN_VOLUME = GB;
    static final long MAX_VOLUME = 10_000L * GB;

    /** One parsed request. */
    record Req(String method, String path, Map<String, List<String>> query, String token, JsonNode body) {
        String param(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** All values of a list parameter, whether repeated ({@code tags=a&tags=b}) or comma-joined. */
        List<String> list(String name) {
            List<String> v = query.getOrDefault(name, List.of());
            return v.stream().flatMap(s -> Arrays.stream(s.split(","))).filter(s -> !s.isEmpty())
                    .collect(Collectors.toList());
        }
    }

    /** One answer: status, JSON body (null = no body) and extra headers. */
    record Resp(int status, JsonNode body, Map<String, String> headers) {
        static Resp json(int status, JsonNode body) {
            return new Resp(status, body, Map.of());
        }
    }

    private final Clock clock;
    private final Duration resizeDelay;
    private final Duration bootDelay;
    private final Duration stopDelay;
    private final Duration createDelay;
    private String baseUrl = "";

    private final Map<UUID, Project> projects = new LinkedHashMap<>();
    private final Map<UUID, UUID> organizations = new LinkedHashMap<>(); // org id -> default project id
    private final Map<String, ApiKey> keysBySecret = new HashMap<>();
    private final Map<String, ApiKey> keysByAccess = new LinkedHashMap<>();
    private final Map<UUID, Application> applications = new HashMap<>();
    private final Map<UUID, User> users = new HashMap<>();
    private final Map<UUID, Image> images = new LinkedHashMap<>();
    private final Map<String, ObjectNode> serverTypes = ServerTypes.defaults();
    private final Map<UUID, Volume> volumes = new LinkedHashMap<>();
    private final Map<UUID, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<UUID, Server> servers = new LinkedHashMap<>();

    FakeApi(Clock clock, Duration resizeDelay, Duration bootDelay, Duration stopDelay, Duration createDelay) {
        this.clock = clock;
        this.resizeDelay = resizeDelay;
        this.bootDelay = bootDelay;
        this.stopDelay = stopDelay;
        this.createDelay = createDelay;
        addImage(UUID.fromString("fc4d4e26-849d-4e03-b933-cb1626ca8cad"), "Ubuntu 20.04 Focal Fossa", "x86_64");
        addImage(UUID.fromString("5c3b1a7e-5e0b-4c8a-9a7e-0d4f1a2b3c4d"), "Ubuntu 22.04 Jammy Jellyfish", "x86_64");
    }

    Instant now() {
        return clock.instant();
    }

    synchronized void baseUrl(String url) {
        this.baseUrl = url;
    }

    // ------------------------------------------------------------------ seeding (public API of FakeScaleway)

    synchronized void addOrganization(UUID orgId) {
        if (organizations.containsKey(orgId)) {
            return;
        }
        Project p = projects.get(orgId);
        if (p != null && !p.orgId.equals(orgId)) {
            throw new IllegalArgumentException("UUID " + orgId + " is already a project of organization " + p.orgId
                    + "; an organization's id must not be another organization's project id");
        }
        organizations.put(orgId, orgId);
        if (p == null) {
            putProject(orgId, orgId, "default");
        }
    }

    synchronized void addProject(UUID projectId, UUID orgId) {
        addOrganization(orgId);
        Project existing = projects.get(projectId);
        if (existing != null) {
            if (!existing.orgId.equals(orgId)) {
                throw new IllegalArgumentException("project " + projectId + " already belongs to organization "
                        + existing.orgId + ", not " + orgId);
            }
            return;
        }
        putProject(projectId, orgId, "project-" + projectId.toString().substring(0, 8));
    }

    private void putProject(UUID id, UUID orgId, String name) {
        Project p = new Project();
        p.id = id;
        p.orgId = orgId;
        p.name = name;
        p.created = now();
        projects.put(id, p);
    }

    synchronized void addApiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID orgId, boolean user) {
        if (accessKey == null || !accessKey.matches("SCW[A-Z0-9]{17}")) {
            throw new IllegalArgumentException("access key must be 'SCW' followed by 17 characters of [A-Z0-9], got "
                    + (accessKey == null ? "null" : "a value of length " + accessKey.length()));
        }
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("secret key of access key " + accessKey + " must not be blank");
        }
        if (keysByAccess.containsKey(accessKey) || keysBySecret.containsKey(secretKey)) {
            throw new IllegalArgumentException("access key " + accessKey + " or its secret key is already registered");
        }
        addProject(defaultProjectId, orgId);
        ApiKey k = new ApiKey();
        k.accessKey = accessKey;
        k.secretKey = secretKey;
        k.defaultProjectId = defaultProjectId;
        k.orgId = orgId;
        k.created = now();
        if (user) {
            User u = new User();
            u.id = UUID.randomUUID();
            u.orgId = orgId;
            u.email = "user-" + u.id.toString().substring(0, 8) + "@example.com";
            u.created = now();
            users.put(u.id, u);
            k.userId = u.id;
        } else {
            Application a = new Application();
            a.id = UUID.randomUUID();
            a.orgId = orgId;
            a.name = "app-" + accessKey.toLowerCase(Locale.ROOT);
            a.created = now();
            applications.put(a.id, a);
            k.applicationId = a.id;
        }
        keysByAccess.put(accessKey, k);
        keysBySecret.put(secretKey, k);
    }

    synchronized void configureKey(String accessKey, java.util.function.Consumer<ApiKey> change) {
        ApiKey k = keysByAccess.get(accessKey);
        if (k == null) {
            throw new IllegalArgumentException("no API key with access key " + accessKey + "; add it with addApiKey first");
        }
        change.accept(k);
    }

    synchronized Optional<UUID> ownerOf(String accessKey) {
        ApiKey k = keysByAccess.get(accessKey);
        return k == null ? Optional.empty() : Optional.ofNullable(k.applicationId != null ? k.applicationId : k.userId);
    }

    synchronized void addImage(UUID id, String name, String arch) {
        Image i = new Image();
        i.id = id;
        i.name = name;
        i.arch = arch;
        i.rootSnapshotId = UUID.nameUUIDFromBytes(("root-" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        i.created = now();
        images.put(id, i);
    }

    synchronized void addServerType(String name, ObjectNode definition) {
        serverTypes.put(name, definition.deepCopy());
    }

    synchronized Set<String> serverTypeNames() {
        return Set.copyOf(serverTypes.keySet());
    }

    synchronized Optional<JsonNode> inspectVolume(UUID id) {
        tick();
        Volume v = volumes.get(id);
        return v == null ? Optional.empty() : Optional.of(renderVolume(v, true));
    }

    synchronized Optional<JsonNode> inspectServer(UUID id) {
        tick();
        Server s = servers.get(id);
        return s == null ? Optional.empty() : Optional.of(renderServer(s));
    }

    synchronized Optional<JsonNode> inspectSnapshot(UUID id) {
        tick();
        Snapshot s = snapshots.get(id);
        return s == null ? Optional.empty() : Optional.of(renderSnapshot(s));
    }

    // ------------------------------------------------------------------ dispatch

    synchronized Resp handle(Req req) {
        tick();
        ApiKey caller = authenticate(req.token());
        String[] p = req.path().split("/");
        // p[0] is "" because the path starts with '/'
        if (p.length >= 5 && p[1].equals("instance") && p[2].equals("v1") && p[3].equals("zones")) {
            return instance(req, caller, zone(p[4]), Arrays.copyOfRange(p, 5, p.length));
        }
        if (p.length >= 5 && p[1].equals("block") && (p[2].equals("v1alpha1") || p[2].equals("v1"))
                && p[3].equals("zones")) {
            return block(req, caller, p[2].equals("v1"), zone(p[4]), Arrays.copyOfRange(p, 5, p.length));
        }
        if (p.length == 5 && p[1].equals("iam") && p[2].equals("v1alpha1") && req.method().equals("GET")) {
            return iam(caller, p[3], p[4]);
        }
        if (p.length >= 4 && p[1].equals("account") && p[2].equals("v3") && p[3].equals("projects")
                && req.method().equals("GET")) {
            return p.length == 4 ? listProjects(req, caller) : getProject(caller, uuid(p[4], "project_id"));
        }
        throw ApiError.noRoute(req.method(), req.path());
    }

    private ApiKey authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw ApiError.deniedAuthentication("invalid_argument");
        }
        ApiKey k = keysBySecret.get(token);
        if (k == null) {
            try {
                UUID.fromString(token);
            } catch (IllegalArgumentException e) {
                throw ApiError.deniedAuthentication("invalid_argument");
            }
            throw ApiError.deniedAuthentication("not_found");
        }
        if (k.expired) {
            throw ApiError.deniedAuthentication("expired");
        }
        return k;
    }

    private static String zone(String zone) {
        if (!ZONES.contains(zone)) {
            throw ApiError.invalidArgument("zone", "constraint", "unknown zone '" + zone + "', expected one of "
                    + ZONES.stream().sorted().collect(Collectors.joining(", ")));
        }
        return zone;
    }

    private static UUID uuid(String text, String argument) {
        try {
            UUID u = UUID.fromString(text);
            if (!u.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidArgument(argument, "format", "must be a valid UUID");
        }
    }

    /** Whether the key may act on the project: same organization, and within its project list if it has one. */
    private boolean canAccess(ApiKey k, UUID projectId) {
        Project p = projects.get(projectId);
        return p != null && p.orgId.equals(k.orgId) && (k.projects == null || k.projects.contains(projectId));
    }

    // ------------------------------------------------------------------ time

    private void tick() {
        Instant now = now();
        for (Volume v : volumes.values()) {
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
        for (Snapshot s : snapshots.values()) {
            if ("creating".equals(s.status) && !now.isBefore(s.readyAt)) {
                s.status = "available";
                s.updated = s.readyAt;
            }
        }
        List<Server> done = new ArrayList<>();
        for (Server s : servers.values()) {
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
            finishTermination(s);
        }
    }

    private void finishTermination(Server s) {
        servers.remove(s.id);
        for (ServerVolume sv : s.volumes.values()) {
            if (sv.type.equals("sbs_volume")) {
                detach(volumes.get(sv.id), s.transitionDue);
            }
            // local volumes die with the server (terminate deletes local volumes)
        }
    }

    private static void detach(Volume v, Instant when) {
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

    // ------------------------------------------------------------------ Instance API

    private Resp instance(Req req, ApiKey caller, String zone, String[] rest) {
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
                return Resp.json(200, wrap("server", renderServer(server(caller, zone, id))));
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
            return instanceVolume(caller, zone, uuid(rest[1], "volume_id"));
        }
        throw ApiError.noRoute(m, req.path());
    }

    private Server server(ApiKey caller, String zone, UUID id) {
        Server s = servers.get(id);
        if (s == null || !s.zone.equals(zone) || !canAccess(caller, s.projectId)) {
            // Another organization's server answers like a missing one: its existence is not disclosed.
            throw ApiError.notFound("instance_server", id);
        }
        return s;
    }

    private Resp instanceVolume(ApiKey caller, String zone, UUID id) {
        // Only local volumes are Instance volumes; an SBS volume is a Block volume (recorded: 404 instance_volume).
        for (Server s : servers.values()) {
            ServerVolume sv = s.volumes.values().stream().filter(v -> v.id.equals(id) && v.type.equals("l_ssd"))
                    .findFirst().orElse(null);
            if (sv != null && s.zone.equals(zone) && canAccess(caller, s.projectId)) {
                return Resp.json(200, wrap("volume", renderLocalVolume(s, sv)));
            }
        }
        throw ApiError.notFound("instance_volume", id);
    }

    private Resp createServer(Req req, ApiKey caller, String zone) {
        JsonNode b = req.body();
        String type = text(b, "commercial_type");
        if (type == null) {
            throw ApiError.invalidArgument("commercial_type", "required", "commercial_type is required");
        }
        if (!serverTypes.containsKey(type)) {
            throw ApiError.invalidArgument("commercial_type", "constraint", "unknown commercial type '" + type
                    + "', known: " + String.join(", ", serverTypes.keySet()));
        }
        UUID projectId;
        if (text(b, "project") != null) {
            projectId = uuid(text(b, "project"), "project");
        } else if (text(b, "organization") != null) {
            projectId = organizations.getOrDefault(uuid(text(b, "organization"), "organization"),
                    uuid(text(b, "organization"), "organization"));
        } else {
            throw ApiError.invalidArgument("project", "required", "one of project or organization must be set");
        }
        if (!canAccess(caller, projectId)) {
            throw ApiError.permissionsDenied("write", "instance_server");
        }
        Image image = null;
        if (text(b, "image") != null) {
            UUID imageId = uuid(text(b, "image"), "image");
            image = images.get(imageId);
            if (image == null) {
                throw ApiError.notFound("instance_image", imageId);
            }
        }
        String bootType = Optional.ofNullable(text(b, "boot_type")).orElse("local");
        if (!bootType.equals("local") && !bootType.equals("rescue")) {
            throw ApiError.invalidArgument("boot_type", "constraint", "boot_type must be local or rescue");
        }
        Instant now = now();
        Server s = new Server();
        s.id = UUID.randomUUID();
        s.zone = zone;
        s.name = Optional.ofNullable(text(b, "name")).orElse("srv-" + s.id.toString().substring(0, 8));
        s.commercialType = type;
        s.arch = serverTypes.get(type).path("arch").asText("x86_64");
        s.bootType = bootType;
        s.projectId = projectId;
        s.orgId = projects.get(projectId).orgId;
        s.image = image;
        s.tags = stringList(b.get("tags"), "tags");
        s.state = "stopped";
        s.stateDetail = "";
        s.dynamicIp = !b.has("dynamic_ip_required") || b.get("dynamic_ip_required").asBoolean(true);
        s.protectedFlag = b.path("protected").asBoolean(false);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        s.macAddress = String.format("de:00:01:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256));
        s.securityGroupId = UUID.nameUUIDFromBytes(("sg-" + projectId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
            JsonNode root = Json.object().put("volume_type", "sbs_volume").put("size", 10 * GB).put("boot", false);
            creations.add(planServerVolume(s, caller, "0", root, now));
        }
        creations.forEach(Runnable::run);
        servers.put(s.id, s);
        Map<String, String> headers = Map.of("Location", baseUrl + "/instance/v1/zones/" + zone + "/servers/" + s.id);
        return new Resp(201, wrap("server", renderServer(s)), headers);
    }

    private Runnable planServerVolume(Server s, ApiKey caller, String key, JsonNode spec, Instant now) {
        if (!key.matches("\\d+")) {
            throw ApiError.invalidArgument("volumes", "format", "volume keys must be \"0\", \"1\", ...; got '" + key + "'");
        }
        boolean boot = spec.path("boot").asBoolean(false);
        String idText = text(spec, "id");
        if (idText != null) {
            UUID id = uuid(idText, "volumes." + key + ".id");
            Volume v = volumes.get(id);
            if (v == null || !v.zone.equals(s.zone) || !canAccess(caller, v.projectId)) {
                throw ApiError.notFound("volume", id);
            }
            if (!"available".equals(v.status) || v.serverId != null) {
                throw ApiError.invalidRequest("volume " + id + " should be available to be attached, it is " + v.status);
            }
            return () -> {
                attach(v, s, now);
                s.volumes.put(key, serverVolume(id, "sbs_volume", boot, 0, null, now));
            };
        }
        String type = Optional.ofNullable(text(spec, "volume_type")).orElse("sbs_volume");
        long size = spec.path("size").asLong(0);
        if (type.equals("sbs_volume")) {
            checkSize(size, "volumes." + key + ".size");
            return () -> {
                Volume v = newVolume(s.zone, s.projectId,
                        (s.image != null ? s.image.name : s.name) + "_sbs_volume_" + key, size, 5000, now);
                v.parentSnapshotId = key.equals("0") && s.image != null ? s.image.rootSnapshotId : null;
                v.status = "in_use";
                v.readyAt = null;
                attach(v, s, now);
                s.volumes.put(key, serverVolume(v.id, "sbs_volume", boot, 0, null, now));
            };
        }
        if (type.equals("l_ssd")) {
            if (size < GB) {
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

    private static void attach(Volume v, Server s, Instant now) {
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

    private Resp listServers(Req req, ApiKey caller, String zone) {
        int perPage = intParam(req, "per_page", 50, 100);
        int page = intParam(req, "page", 1, Integer.MAX_VALUE);
        String project = req.param("project");
        String org = req.param("organization");
        String name = req.param("name");
        String state = req.param("state");
        String type = req.param("commercial_type");
        List<String> tags = req.list("tags");
        List<String> ids = req.list("servers");
        Predicate<Server> keep = s -> s.zone.equals(zone) && canAccess(caller, s.projectId)
                && (project == null || s.projectId.toString().equals(project))
                && (org == null || s.orgId.toString().equals(org))
                && (name == null || s.name.contains(name))
                && (state == null || s.state.equals(state))
                && (type == null || s.commercialType.equals(type))
                && s.tags.containsAll(tags)
                && (ids.isEmpty() || ids.contains(s.id.toString()));
        List<Server> all = servers.values().stream().filter(keep)
                .sorted(Comparator.comparing((Server s) -> s.created).reversed().thenComparing(s -> s.id))
                .collect(Collectors.toList());
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("servers");
        page(all, page, perPage).forEach(s -> arr.add(renderServer(s)));
        return new Resp(200, body, pageHeaders("/servers", all.size(), page, perPage));
    }

    private Resp serverTypes(Req req) {
        int perPage = intParam(req, "per_page", 50, 100);
        int page = intParam(req, "page", 1, Integer.MAX_VALUE);
        List<String> names = new ArrayList<>(serverTypes.keySet());
        ObjectNode body = Json.object();
        ObjectNode map = body.putObject("servers");
        page(names, page, perPage).forEach(n -> map.set(n, serverTypes.get(n).deepCopy()));
        return new Resp(200, body, pageHeaders("/products/servers", names.size(), page, perPage));
    }

    /** {@code X-Total-Count} and a {@code Link} header shaped like the recorded ones. */
    private static Map<String, String> pageHeaders(String path, int total, int page, int perPage) {
        int last = Math.max(1, (total + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        if (page > 1) {
            links.add(link(path, 1, perPage, "first"));
            links.add(link(path, Math.min(page - 1, last), perPage, "previous"));
        }
        if (page < last) {
            links.add(link(path, page + 1, perPage, "next"));
        }
        links.add(link(path, last, perPage, "last"));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Total-Count", Integer.toString(total));
        h.put("Link", String.join(",", links));
        return h;
    }

    private static String link(String path, int page, int perPage, String rel) {
        return "<" + path + "?page=" + page + "&per_page=" + perPage + "&>; rel=\"" + rel + "\"";
    }

    private static <T> List<T> page(List<T> all, int page, int perPage) {
        long from = (long) (page - 1) * perPage;
        if (from >= all.size()) {
            return List.of();
        }
        return all.subList((int) from, (int) Math.min(all.size(), from + perPage));
    }

    private static int intParam(Req req, String name, int dflt, int max) {
        String v = req.param(name);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiError.invalidArgument(name, "format", name + " must be an integer");
        }
        if (n < 1 || n > max) {
            throw ApiError.invalidArgument(name, "constraint", name + " must be between 1 and " + max);
        }
        return n;
    }

    private Resp action(Req req, ApiKey caller, String zone, UUID id) {
        Server s = server(caller, zone, id);
        String action = text(req.body(), "action");
        if (action == null) {
            throw ApiError.invalidArgument("action", "required", "action is required");
        }
        Instant now = now();
        if (s.transitionDue != null) {
            throw ApiError.transientState("instance_server", id, s.state);
        }
        switch (action) {
            case "poweron":
                requireState(s, "stopped", "stopped in place");
                s.state = "starting";
                s.stateDetail = "allocating node";
                s.nextState = "running";
                s.transitionDue = now.plus(bootDelay);
                break;
            case "poweroff":
                requireState(s, "running", "stopped in place");
                s.state = "stopping";
                s.stateDetail = "stopping";
                s.nextState = "stopped";
                s.transitionDue = now.plus(stopDelay);
                break;
            case "stop_in_place":
                requireState(s, "running");
                s.state = "stopping";
                s.stateDetail = "stopping";
                s.nextState = "stopped in place";
                s.transitionDue = now.plus(stopDelay);
                break;
            case "reboot":
                requireState(s, "running");
                s.stateDetail = "rebooting";
                s.nextState = "running";
                s.transitionDue = now.plus(bootDelay);
                break;
            case "terminate":
                requireState(s, "running");
                s.state = "stopping";
                s.stateDetail = "terminating";
                s.terminating = true;
                s.transitionDue = now.plus(stopDelay);
                break;
            default:
                throw ApiError.invalidArgument("action", "constraint",
                        "the fake supports poweron, poweroff, stop_in_place, reboot and terminate; got '" + action + "'");
        }
        s.modified = now;
        ObjectNode task = Json.object();
        task.put("id", UUID.randomUUID().toString());
        task.put("description", "server_" + action);
        task.put("status", "pending");
        task.put("href_from", "/servers/" + id + "/action");
        task.put("href_result", "/servers/" + id);
        task.put("started_at", Json.instanceTime(now));
        task.putNull("terminated_at");
        task.put("progress", 0);
        task.put("zone", zone);
        return Resp.json(202, wrap("task", task));
    }

    private static void requireState(Server s, String... allowed) {
        if (!Arrays.asList(allowed).contains(s.state)) {
            // Recorded by third parties: HTTP 400 {"type":"invalid_request_error","message":"server should be running"}
            throw ApiError.invalidRequest("server should be " + allowed[0]);
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
        servers.remove(id);
        Instant now = now();
        for (ServerVolume sv : s.volumes.values()) {
            if (sv.type.equals("sbs_volume")) {
                detach(volumes.get(sv.id), now);
            }
        }
        return new Resp(204, null, Map.of());
    }

    private ObjectNode renderServer(Server s) {
        ObjectNode n = Json.object();
        n.put("id", s.id.toString());
        n.put("name", s.name);
        n.put("arch", s.arch);
        n.put("commercial_type", s.commercialType);
        n.put("boot_type", s.bootType);
        n.put("organization", s.orgId.toString());
        n.put("project", s.projectId.toString());
        n.put("hostname", s.name);
        if (s.image == null) {
            n.putNull("image");
        } else {
            n.set("image", renderImage(s.image, s.zone));
        }
        ObjectNode vols = n.putObject("volumes");
        s.volumes.forEach((k, sv) -> {
            if (sv.type.equals("l_ssd")) {
                vols.set(k, renderLocalVolume(s, sv));
                return;
            }
            ObjectNode v = vols.putObject(k);
            v.put("boot", sv.boot);
            v.put("volume_type", "sbs_volume");
            v.put("id", sv.id.toString());
            v.put("state", "available"); // recorded: "available" even while attached to a running server
            v.put("zone", s.zone);
        });
        n.set("tags", Json.strings(s.tags));
        n.put("state", s.state);
        n.put("protected", s.protectedFlag);
        n.put("state_detail", s.stateDetail);
        if (s.publicIpId == null) {
            n.putNull("public_ip");
            n.putArray("public_ips");
        } else {
            n.set("public_ip", renderIp(s));
            n.putArray("public_ips").add(renderIp(s));
        }
        n.put("mac_address", s.macAddress);
        n.put("routed_ip_enabled", true);
        n.putNull("ipv6");
        n.putArray("extra_networks");
        n.put("dynamic_ip_required", s.dynamicIp);
        n.put("enable_ipv6", false);
        n.putNull("private_ip");
        n.put("creation_date", Json.instanceTime(s.created));
        n.put("modification_date", Json.instanceTime(s.modified));
        n.putNull("bootscript");
        ObjectNode sg = n.putObject("security_group");
        sg.put("id", s.securityGroupId.toString());
        sg.put("name", "Default security group");
        if (s.state.equals("running") || (s.state.equals("stopping") && s.nodeId > 0)) {
            ObjectNode loc = n.putObject("location");
            loc.put("zone_id", s.zone);
            loc.put("platform_id", "14");
            loc.put("cluster_id", "16");
            loc.put("hypervisor_id", "301");
            loc.put("node_id", Integer.toString(s.nodeId));
        } else {
            n.putNull("location");
        }
        n.putArray("maintenances");
        n.set("allowed_actions", Json.strings(allowedActions(s)));
        n.putNull("placement_group");
        n.putArray("private_nics");
        n.put("zone", s.zone);
        n.putArray("filesystems");
        n.put("end_of_service", false);
        n.put("dns", s.id + ".pub.instances.scw.cloud");
        return n;
    }

    private static List<String> allowedActions(Server s) {
        if (s.transitionDue != null) {
            return List.of("stop_in_place", "backup");
        }
        switch (s.state) {
            case "running":
                return List.of("poweroff", "terminate", "reboot", "stop_in_place", "backup");
            case "stopped in place":
                return List.of("poweron", "poweroff", "backup");
            default:
                return List.of("poweron", "backup");
        }
    }

    private static ObjectNode renderIp(Server s) {
        ObjectNode ip = Json.object();
        ip.put("id", s.publicIpId.toString());
        ip.put("address", s.publicIpAddress);
        ip.put("dynamic", true);
        ip.put("gateway", "62.210.0.1");
        ip.put("netmask", "32");
        ip.put("family", "inet");
        ip.put("provisioning_mode", "dhcp");
        ip.putArray("tags");
        ip.put("state", "attached");
        ip.put("ipam_id", UUID.nameUUIDFromBytes(s.publicIpId.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        return ip;
    }

    private static ObjectNode renderImage(Image i, String zone) {
        ObjectNode n = Json.object();
        n.put("id", i.id.toString());
        n.put("name", i.name);
        String scaleway = "51b656e3-4865-41e8-adbc-0c45bdd780db"; // the public images' owner, as recorded
        n.put("organization", scaleway);
        n.put("project", scaleway);
        ObjectNode root = n.putObject("root_volume");
        root.put("volume_type", "sbs_snapshot");
        root.put("id", i.rootSnapshotId.toString());
        root.put("size", 0);
        root.put("name", "");
        n.putObject("extra_volumes");
        n.put("public", true);
        n.put("arch", i.arch);
        n.put("creation_date", Json.instanceTime(i.created));
        n.put("modification_date", Json.instanceTime(i.created));
        n.putNull("default_bootscript");
        n.put("from_server", "");
        n.put("state", "available");
        n.putArray("tags");
        n.put("zone", zone);
        return n;
    }

    private ObjectNode renderLocalVolume(Server s, ServerVolume sv) {
        ObjectNode v = Json.object();
        v.put("boot", sv.boot);
        v.put("id", sv.id.toString());
        v.put("name", sv.name);
        v.putNull("export_uri");
        v.put("size", sv.size);
        v.put("volume_type", "l_ssd");
        v.put("creation_date", Json.instanceTime(sv.created));
        v.put("modification_date", Json.instanceTime(sv.created));
        v.put("organization", s.orgId.toString());
        v.put("project", s.projectId.toString());
        v.putArray("tags");
        ObjectNode srv = v.putObject("server");
        srv.put("id", s.id.toString());
        srv.put("name", s.name);
        v.put("state", "available");
        v.put("zone", s.zone);
        return v;
    }

    // ------------------------------------------------------------------ Block API

    private Resp block(Req req, ApiKey caller, boolean v1, String zone, String[] rest) {
        String m = req.method();
        if (rest.length == 1 && rest[0].equals("volumes")) {
            if (m.equals("GET")) {
                return listVolumes(req, caller, v1, zone);
            }
            if (m.equals("POST")) {
                return Resp.json(200, renderVolume(createVolume(req.body(), caller, zone), v1));
            }
        }
        if (rest.length == 2 && rest[0].equals("volumes")) {
            UUID id = uuid(rest[1], "volume_id");
            switch (m) {
                case "GET":
                    return Resp.json(200, renderVolume(volume(caller, zone, id), v1));
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
                    s.updated = now();
                    return Resp.json(200, renderSnapshot(s));
                case "DELETE":
                    if ("creating".equals(s.status)) {
                        throw ApiError.transientState("snapshot", id, s.status);
                    }
                    snapshots.remove(id);
                    return new Resp(204, null, Map.of());
                default:
                    break;
            }
        }
        throw ApiError.noRoute(m, req.path());
    }

    private Volume volume(ApiKey caller, String zone, UUID id) {
        Volume v = volumes.get(id);
        if (v == null || !v.zone.equals(zone) || !canAccess(caller, v.projectId)) {
            throw ApiError.notFound("volume", id);
        }
        return v;
    }

    private Snapshot snapshot(ApiKey caller, String zone, UUID id) {
        Snapshot s = snapshots.get(id);
        if (s == null || !s.zone.equals(zone) || !canAccess(caller, s.projectId)) {
            throw ApiError.notFound("snapshot", id);
        }
        return s;
    }

    private Volume newVolume(String zone, UUID projectId, String name, long size, int iops, Instant now) {
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
        v.readyAt = now.plus(createDelay);
        volumes.put(v.id, v);
        return v;
    }

    private Volume createVolume(JsonNode b, ApiKey caller, String zone) {
        String projectText = text(b, "project_id");
        if (projectText == null) {
            throw ApiError.invalidArgument("project_id", "required", "project_id is required");
        }
        UUID projectId = uuid(projectText, "project_id");
        if (!canAccess(caller, projectId)) {
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
                size, iops, now());
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

    private static void checkSize(long size, String argument) {
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
        Instant now = now();
        if (text(b, "name") != null) {
            v.name = text(b, "name");
        }
        if (b.has("tags") && !b.get("tags").isNull()) {
            v.tags = stringList(b.get("tags"), "tags");
        }
        v.updated = now;
        if (newSize != null || newIops != null) {
            PendingUpdate u = new PendingUpdate();
            u.due = now.plus(resizeDelay);
            u.newSize = newSize;
            u.newIops = newIops;
            u.resumeStatus = v.status;
            v.pending = u;
            // Recorded: the PATCH answer already says "updating" but still shows the old size and class.
            v.status = "updating";
        }
        return renderVolume(v, v1);
    }

    private Resp deleteVolume(Volume v) {
        if (v.serverId != null || "in_use".equals(v.status)) {
            throw ApiError.preconditionFailed("resource_still_in_use",
                    "the volume is attached to server " + v.serverId + "; detach it or terminate the server first");
        }
        if (!"available".equals(v.status) && !"error".equals(v.status)) {
            throw ApiError.transientState("volume", v.id, v.status);
        }
        volumes.remove(v.id);
        return new Resp(204, null, Map.of());
    }

    private Resp listVolumes(Req req, ApiKey caller, boolean v1, String zone) {
        int pageSize = intParam(req, "page_size", 50, 100);
        int page = intParam(req, "page", 1, Integer.MAX_VALUE);
        String project = req.param("project_id");
        String org = req.param("organization_id");
        String name = req.param("name");
        String resource = req.param("product_resource_id");
        List<String> tags = req.list("tags");
        Comparator<Volume> order = order(req.param("order_by"), v -> v.created, v -> v.name, v -> v.id);
        List<Volume> all = volumes.values().stream()
                .filter(v -> v.zone.equals(zone) && canAccess(caller, v.projectId)
                        && (project == null || v.projectId.toString().equals(project))
                        && (org == null || projects.get(v.projectId).orgId.toString().equals(org))
                        && (name == null || v.name.contains(name))
                        && (resource == null || (v.serverId != null && v.serverId.toString().equals(resource)))
                        && v.tags.containsAll(tags))
                .sorted(order).collect(Collectors.toList());
        ObjectNode body = Json.object();
        body.put("total_count", all.size());
        ArrayNode arr = body.putArray("volumes");
        page(all, page, pageSize).forEach(v -> arr.add(renderVolume(v, v1)));
        return Resp.json(200, body);
    }

    private static <T> Comparator<T> order(String orderBy, java.util.function.Function<T, Instant> created,
            java.util.function.Function<T, String> name, java.util.function.Function<T, UUID> id) {
        String o = orderBy == null ? "created_at_asc" : orderBy;
        Comparator<T> c;
        switch (o) {
            case "created_at_asc":
                c = Comparator.comparing(created);
                break;
            case "created_at_desc":
                c = Comparator.comparing(created).reversed();
                break;
            case "name_asc":
                c = Comparator.comparing(name);
                break;
            case "name_desc":
                c = Comparator.comparing(name).reversed();
                break;
            default:
                throw ApiError.invalidArgument("order_by", "constraint",
                        "order_by must be created_at_asc, created_at_desc, name_asc or name_desc");
        }
        return c.thenComparing(id);
    }

    private ObjectNode renderVolume(Volume v, boolean v1) {
        ObjectNode n = Json.object();
        n.put("id", v.id.toString());
        n.put("name", v.name);
        n.put("type", v.perfIops >= 15000 ? "sbs_15k" : "sbs_5k");
        n.put("size", v.size);
        n.put("project_id", v.projectId.toString());
        n.put("created_at", Json.blockTime(v.created));
        n.put("updated_at", Json.blockTime(v.updated));
        ArrayNode refs = n.putArray("references");
        if (v.serverId != null) {
            ObjectNode r = refs.addObject();
            r.put("id", v.referenceId.toString());
            r.put("product_resource_type", "instance_server");
            r.put("product_resource_id", v.serverId.toString());
            r.put("created_at", Json.blockTime(v.referenceCreated));
            r.put("type", "exclusive");
            r.put("status", "attached");
        }
        if (v.parentSnapshotId == null) {
            n.putNull("parent_snapshot_id");
        } else {
            n.put("parent_snapshot_id", v.parentSnapshotId.toString());
        }
        n.put("status", v.status);
        n.set("tags", Json.strings(v.tags));
        ObjectNode specs = n.putObject("specs");
        specs.put("perf_iops", v.perfIops);
        specs.put("class", "sbs");
        n.put("last_detached_at", Json.blockTime(v.lastDetachedAt));
        if (v1) {
            n.putNull("kms_key_id"); // recorded in block/v1 (2026) but not in the v1alpha1 recording (2025)
        }
        n.put("zone", v.zone);
        return n;
    }

    private Snapshot createSnapshot(JsonNode b, ApiKey caller, String zone) {
        String vid = text(b, "volume_id");
        if (vid == null) {
            throw ApiError.invalidArgument("volume_id", "required", "volume_id is required");
        }
        Volume v = volume(caller, zone, uuid(vid, "volume_id"));
        UUID projectId = text(b, "project_id") == null ? v.projectId : uuid(text(b, "project_id"), "project_id");
        if (!canAccess(caller, projectId)) {
            throw ApiError.permissionsDenied("write", "snapshot");
        }
        if (!"available".equals(v.status) && !"in_use".equals(v.status)) {
            throw ApiError.transientState("volume", v.id, v.status);
        }
        Instant now = now();
        Snapshot s = new Snapshot();
        s.id = UUID.randomUUID();
        s.zone = zone;
        s.name = Optional.ofNullable(text(b, "name")).orElse("snp-" + s.id.toString().substring(0, 8));
        s.size = v.size;
        s.projectId = projectId;
        s.parentVolumeId = v.id;
        s.parentVolumeName = v.name;
        s.parentVolumeType = v.perfIops >= 15000 ? "sbs_15k" : "sbs_5k";
        s.created = now;
        s.updated = now;
        s.readyAt = now.plus(createDelay);
        s.status = "creating";
        s.tags = stringList(b.get("tags"), "tags");
        snapshots.put(s.id, s);
        return s;
    }

    private Resp listSnapshots(Req req, ApiKey caller, String zone) {
        int pageSize = intParam(req, "page_size", 50, 100);
        int page = intParam(req, "page", 1, Integer.MAX_VALUE);
        String volumeId = req.param("volume_id");
        String project = req.param("project_id");
        String org = req.param("organization_id");
        String name = req.param("name");
        List<Snapshot> all = snapshots.values().stream()
                .filter(s -> s.zone.equals(zone) && canAccess(caller, s.projectId)
                        && (volumeId == null || s.parentVolumeId.toString().equals(volumeId))
                        && (project == null || s.projectId.toString().equals(project))
                        && (org == null || projects.get(s.projectId).orgId.toString().equals(org))
                        && (name == null || s.name.contains(name)))
                .sorted(order(req.param("order_by"), s -> s.created, s -> s.name, s -> s.id))
                .collect(Collectors.toList());
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("snapshots");
        page(all, page, pageSize).forEach(s -> arr.add(renderSnapshot(s)));
        body.put("total_count", all.size());
        return Resp.json(200, body);
    }

    private ObjectNode renderSnapshot(Snapshot s) {
        ObjectNode n = Json.object();
        n.put("id", s.id.toString());
        n.put("name", s.name);
        ObjectNode pv = n.putObject("parent_volume");
        pv.put("id", s.parentVolumeId.toString());
        pv.put("name", s.parentVolumeName);
        pv.put("type", s.parentVolumeType);
        Volume parent = volumes.get(s.parentVolumeId);
        pv.put("status", parent == null ? "deleted" : parent.status);
        n.put("size", s.size);
        n.put("project_id", s.projectId.toString());
        n.put("created_at", Json.blockTime(s.created));
        n.put("updated_at", Json.blockTime(s.updated));
        n.putArray("references");
        n.put("status", s.status);
        n.set("tags", Json.strings(s.tags));
        n.put("zone", s.zone);
        n.put("class", "sbs");
        return n;
    }

    // ------------------------------------------------------------------ IAM and Account

    private Resp iam(ApiKey caller, String collection, String id) {
        if (!caller.iamRead) {
            String resource = collection.equals("api-keys") ? "api_key"
                    : collection.equals("applications") ? "application" : "user";
            throw ApiError.permissionsDenied("read", resource);
        }
        switch (collection) {
            case "api-keys": {
                ApiKey k = keysByAccess.get(id);
                if (k == null || !k.orgId.equals(caller.orgId)) {
                    throw ApiError.notFound("api_key", id);
                }
                ObjectNode n = Json.object();
                n.put("access_key", k.accessKey);
                n.putNull("secret_key"); // the secret is only ever shown when a key is created
                if (k.applicationId != null) {
                    n.put("application_id", k.applicationId.toString());
                } else {
                    n.put("user_id", k.userId.toString());
                }
                n.put("description", "");
                n.put("created_at", Json.blockTime(k.created));
                n.put("updated_at", Json.blockTime(k.created));
                n.putNull("expires_at");
                n.put("default_project_id", k.defaultProjectId.toString());
                n.put("editable", true);
                n.put("deletable", true);
                n.put("managed", false);
                n.put("creation_ip", "");
                return Resp.json(200, n);
            }
            case "applications": {
                UUID aid = uuid(id, "application_id");
                Application a = applications.get(aid);
                if (a == null || !a.orgId.equals(caller.orgId)) {
                    throw ApiError.notFound("application", aid);
                }
                ObjectNode n = Json.object();
                n.put("id", a.id.toString());
                n.put("name", a.name);
                n.put("description", "");
                n.put("created_at", Json.blockTime(a.created));
                n.put("updated_at", Json.blockTime(a.created));
                n.put("organization_id", a.orgId.toString());
                n.put("editable", true);
                n.put("deletable", true);
                n.put("managed", false);
                n.put("nb_api_keys", keysByAccess.values().stream().filter(k -> a.id.equals(k.applicationId)).count());
                n.putArray("tags");
                return Resp.json(200, n);
            }
            case "users": {
                UUID uid = uuid(id, "user_id");
                User u = users.get(uid);
                if (u == null || !u.orgId.equals(caller.orgId)) {
                    throw ApiError.notFound("user", uid);
                }
                ObjectNode n = Json.object();
                n.put("id", u.id.toString());
                n.put("email", u.email);
                n.put("username", u.email);
                n.put("organization_id", u.orgId.toString());
                n.put("created_at", Json.blockTime(u.created));
                n.put("updated_at", Json.blockTime(u.created));
                n.put("deletable", true);
                n.putNull("last_login_at");
                n.put("type", "member");
                n.put("status", "activated");
                n.put("mfa", false);
                n.put("account_root_user_id", u.id.toString());
                n.putArray("tags");
                n.put("locked", false);
                return Resp.json(200, n);
            }
            default:
                throw ApiError.noRoute("GET", "/iam/v1alpha1/" + collection + "/" + id);
        }
    }

    private Resp getProject(ApiKey caller, UUID id) {
        Project p = projects.get(id);
        if (p == null || !p.orgId.equals(caller.orgId)) {
            throw ApiError.notFound("project", id);
        }
        return Resp.json(200, renderProject(p));
    }

    private Resp listProjects(Req req, ApiKey caller) {
        int pageSize = intParam(req, "page_size", 50, 100);
        int page = intParam(req, "page", 1, Integer.MAX_VALUE);
        String org = req.param("organization_id");
        List<Project> all = projects.values().stream()
                .filter(p -> p.orgId.equals(caller.orgId) && (org == null || p.orgId.toString().equals(org)))
                .sorted(order(req.param("order_by"), p -> p.created, p -> p.name, p -> p.id))
                .collect(Collectors.toList());
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("projects");
        page(all, page, pageSize).forEach(p -> arr.add(renderProject(p)));
        body.put("total_count", all.size());
        return Resp.json(200, body);
    }

    private static ObjectNode renderProject(Project p) {
        ObjectNode n = Json.object();
        n.put("created_at", Json.blockTime(p.created));
        n.put("description", "");
        n.put("id", p.id.toString());
        n.put("name", p.name);
        n.put("organization_id", p.orgId.toString());
        n.putObject("qualification").put("architecture_type", "unknown_architecture_type");
        n.put("updated_at", Json.blockTime(p.created));
        return n;
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode wrap(String name, JsonNode inner) {
        ObjectNode n = Json.object();
        n.set(name, inner);
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> stringList(JsonNode n, String argument) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw ApiError.invalidArgument(argument, "format", argument + " must be an array of strings");
        }
        n.forEach(e -> out.add(e.asText()));
        return out;
    }
}
