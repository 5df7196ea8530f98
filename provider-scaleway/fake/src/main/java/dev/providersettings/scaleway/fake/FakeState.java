package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.Application;
import dev.providersettings.scaleway.fake.Model.Image;
import dev.providersettings.scaleway.fake.Model.Project;
import dev.providersettings.scaleway.fake.Model.Server;
import dev.providersettings.scaleway.fake.Model.Snapshot;
import dev.providersettings.scaleway.fake.Model.User;
import dev.providersettings.scaleway.fake.Model.Volume;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the fake knows, shared by the per-API handlers. Not thread-safe on its own: only touched under the
 * {@link FakeApi} lock. Maps keep insertion order where lists and answers depend on it.
 */
final class FakeState {
    final Clock clock;
    final Duration resizeDelay;
    final Duration bootDelay;
    final Duration stopDelay;
    final Duration createDelay;
    String baseUrl = "";

    final Map<UUID, Project> projects = new LinkedHashMap<>();
    final Map<UUID, UUID> organizations = new LinkedHashMap<>(); // org id -> default project id
    final Map<String, ApiKey> keysBySecret = new HashMap<>();
    final Map<String, ApiKey> keysByAccess = new LinkedHashMap<>();
    final Map<UUID, Application> applications = new HashMap<>();
    final Map<UUID, User> users = new HashMap<>();
    final Map<UUID, Image> images = new LinkedHashMap<>();
    final Map<String, ObjectNode> serverTypes = ServerTypes.defaults();
    final Map<UUID, Volume> volumes = new LinkedHashMap<>();
    final Map<UUID, Snapshot> snapshots = new LinkedHashMap<>();
    final Map<UUID, Server> servers = new LinkedHashMap<>();

    FakeState(Clock clock, Duration resizeDelay, Duration bootDelay, Duration stopDelay, Duration createDelay) {
        this.clock = clock;
        this.resizeDelay = resizeDelay;
        this.bootDelay = bootDelay;
        this.stopDelay = stopDelay;
        this.createDelay = createDelay;
    }

    Instant now() {
        return clock.instant();
    }

    /** Whether the key may act on the project: same organization, and within its project list if it has one. */
    boolean canAccess(ApiKey k, UUID projectId) {
        Project p = projects.get(projectId);
        return p != null && p.orgId.equals(k.orgId) && (k.projects == null || k.projects.contains(projectId));
    }

    /** The organization owning a known project. */
    UUID organizationOf(UUID projectId) {
        return projects.get(projectId).orgId;
    }
}
