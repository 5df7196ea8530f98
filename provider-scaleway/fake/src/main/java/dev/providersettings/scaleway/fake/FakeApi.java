package dev.providersettings.scaleway.fake;

import static dev.providersettings.scaleway.fake.Req.uuid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.Server;
import dev.providersettings.scaleway.fake.Model.Snapshot;
import dev.providersettings.scaleway.fake.Model.Volume;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The fake's engine: routes each request to the API it belongs to ({@link InstanceApi}, {@link BlockApi},
 * {@link IamApi}) over one {@link FakeState}. Every operation runs under one lock (this object): a fake serves tests,
 * so simplicity beats throughput. Time-driven transitions are applied lazily, on every request and every inspection,
 * by comparing due times with the clock: no timer threads, and a test clock makes them deterministic.
 */
final class FakeApi {

    static final Set<String> ZONES = Set.of("fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3",
            "pl-waw-1", "pl-waw-2", "pl-waw-3", "it-mil-1");

    private final FakeState state;
    private final IamApi iam;
    private final BlockApi block;
    private final InstanceApi instance;

    FakeApi(Clock clock, Duration resizeDelay, Duration bootDelay, Duration stopDelay, Duration createDelay) {
        this.state = new FakeState(clock, resizeDelay, bootDelay, stopDelay, createDelay);
        this.iam = new IamApi(state);
        this.block = new BlockApi(state);
        this.instance = new InstanceApi(state, block);
        instance.addImage(UUID.fromString("fc4d4e26-849d-4e03-b933-cb1626ca8cad"), "Ubuntu 20.04 Focal Fossa", "x86_64");
        instance.addImage(UUID.fromString("5c3b1a7e-5e0b-4c8a-9a7e-0d4f1a2b3c4d"), "Ubuntu 22.04 Jammy Jellyfish",
                "x86_64");
    }

    synchronized void baseUrl(String url) {
        state.baseUrl = url;
    }

    // ------------------------------------------------------------------ seeding (public API of FakeScaleway)

    synchronized void addOrganization(UUID orgId) {
        iam.addOrganization(orgId);
    }

    synchronized void addProject(UUID projectId, UUID orgId) {
        iam.addProject(projectId, orgId);
    }

    synchronized void addApiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID orgId, boolean user) {
        iam.addApiKey(accessKey, secretKey, defaultProjectId, orgId, user);
    }

    synchronized void configureKey(String accessKey, Consumer<ApiKey> change) {
        iam.configureKey(accessKey, change);
    }

    synchronized Optional<UUID> ownerOf(String accessKey) {
        return iam.ownerOf(accessKey);
    }

    synchronized void addImage(UUID id, String name, String arch) {
        instance.addImage(id, name, arch);
    }

    synchronized void addServerType(String name, ObjectNode definition) {
        state.serverTypes.put(name, definition.deepCopy());
    }

    synchronized Set<String> serverTypeNames() {
        return Set.copyOf(state.serverTypes.keySet());
    }

    // ------------------------------------------------------------------ inspection

    synchronized Optional<JsonNode> inspectVolume(UUID id) {
        tick();
        Volume v = state.volumes.get(id);
        return v == null ? Optional.empty() : Optional.of(Render.volume(v, true));
    }

    synchronized Optional<JsonNode> inspectServer(UUID id) {
        tick();
        Server s = state.servers.get(id);
        return s == null ? Optional.empty() : Optional.of(Render.server(s));
    }

    synchronized Optional<JsonNode> inspectSnapshot(UUID id) {
        tick();
        Snapshot s = state.snapshots.get(id);
        return s == null ? Optional.empty() : Optional.of(block.renderSnapshot(s));
    }

    // ------------------------------------------------------------------ dispatch

    synchronized Resp handle(Req req) {
        tick();
        ApiKey caller = iam.authenticate(req.token());
        String[] p = req.path().split("/");
        // p[0] is "" because the path starts with '/'
        if (p.length >= 5 && p[1].equals("instance") && p[2].equals("v1") && p[3].equals("zones")) {
            return instance.handle(req, caller, zone(p[4]), Arrays.copyOfRange(p, 5, p.length));
        }
        if (p.length >= 5 && p[1].equals("block") && (p[2].equals("v1alpha1") || p[2].equals("v1"))
                && p[3].equals("zones")) {
            return block.handle(req, caller, p[2].equals("v1"), zone(p[4]), Arrays.copyOfRange(p, 5, p.length));
        }
        if (p.length == 5 && p[1].equals("iam") && p[2].equals("v1alpha1") && req.method().equals("GET")) {
            return iam.iam(caller, p[3], p[4]);
        }
        if (p.length >= 4 && p[1].equals("account") && p[2].equals("v3") && p[3].equals("projects")
                && req.method().equals("GET")) {
            return p.length == 4 ? iam.listProjects(req, caller) : iam.getProject(caller, uuid(p[4], "project_id"));
        }
        throw ApiError.noRoute(req.method(), req.path());
    }

    private static String zone(String zone) {
        if (!ZONES.contains(zone)) {
            throw ApiError.invalidArgument("zone", "constraint", "unknown zone '" + zone + "', expected one of "
                    + ZONES.stream().sorted().collect(Collectors.joining(", ")));
        }
        return zone;
    }

    /** Applies every transition due by now; volumes first, since a server that ends detaches its volumes. */
    private void tick() {
        Instant now = state.now();
        block.advance(now);
        instance.advance(now);
    }
}
