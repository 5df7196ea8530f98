package dev.providersettings.scaleway.fake;

import static dev.providersettings.scaleway.fake.Req.uuid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.providersettings.scaleway.fake.Model.ApiKey;
import dev.providersettings.scaleway.fake.Model.Application;
import dev.providersettings.scaleway.fake.Model.Project;
import dev.providersettings.scaleway.fake.Model.User;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * IAM v1alpha1 (API keys and their owners) and Account v3 (projects), with the seeding of organizations, projects
 * and keys they answer from, and the authentication of every request. Called under the {@link FakeApi} lock.
 */
final class IamApi {
    private static final Pattern ACCESS_KEY = Pattern.compile("SCW[A-Z0-9]{17}");

    private final FakeState state;

    IamApi(FakeState state) {
        this.state = state;
    }

    // ------------------------------------------------------------------ seeding

    void addOrganization(UUID orgId) {
        if (state.organizations.containsKey(orgId)) {
            return;
        }
        Project p = state.projects.get(orgId);
        if (p != null && !p.orgId.equals(orgId)) {
            throw new IllegalArgumentException("UUID " + orgId + " is already a project of organization " + p.orgId
                    + "; an organization's id must not be another organization's project id");
        }
        state.organizations.put(orgId, orgId);
        if (p == null) {
            putProject(orgId, orgId, "default");
        }
    }

    void addProject(UUID projectId, UUID orgId) {
        addOrganization(orgId);
        Project existing = state.projects.get(projectId);
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
        p.created = state.now();
        state.projects.put(id, p);
    }

    /**
     * Checks the form of a key pair to register, before anything is written.
     *
     * @throws IllegalArgumentException saying what is wrong (never quoting the secret)
     */
    static void checkKeyPair(String accessKey, String secretKey) {
        if (accessKey == null || !ACCESS_KEY.matcher(accessKey).matches()) {
            throw new IllegalArgumentException("access key must be 'SCW' followed by 17 characters of [A-Z0-9], got "
                    + (accessKey == null ? "null" : "a value of length " + accessKey.length()));
        }
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("secret key of access key " + accessKey + " must not be blank");
        }
    }

    void addApiKey(String accessKey, String secretKey, UUID defaultProjectId, UUID orgId, boolean user) {
        checkKeyPair(accessKey, secretKey);
        if (state.keysByAccess.containsKey(accessKey) || state.keysBySecret.containsKey(secretKey)) {
            throw new IllegalArgumentException("access key " + accessKey + " or its secret key is already registered");
        }
        addProject(defaultProjectId, orgId);
        ApiKey k = new ApiKey();
        k.accessKey = accessKey;
        k.secretKey = secretKey;
        k.defaultProjectId = defaultProjectId;
        k.orgId = orgId;
        k.created = state.now();
        if (user) {
            User u = new User();
            u.id = UUID.randomUUID();
            u.orgId = orgId;
            u.email = "user-" + u.id.toString().substring(0, 8) + "@example.com";
            u.created = state.now();
            state.users.put(u.id, u);
            k.userId = u.id;
        } else {
            Application a = new Application();
            a.id = UUID.randomUUID();
            a.orgId = orgId;
            a.name = "app-" + accessKey.toLowerCase(Locale.ROOT);
            a.created = state.now();
            state.applications.put(a.id, a);
            k.applicationId = a.id;
        }
        state.keysByAccess.put(accessKey, k);
        state.keysBySecret.put(secretKey, k);
    }

    void configureKey(String accessKey, Consumer<ApiKey> change) {
        ApiKey k = state.keysByAccess.get(accessKey);
        if (k == null) {
            throw new IllegalArgumentException("no API key with access key " + accessKey + "; add it with addApiKey first");
        }
        change.accept(k);
    }

    Optional<UUID> ownerOf(String accessKey) {
        ApiKey k = state.keysByAccess.get(accessKey);
        return k == null ? Optional.empty() : Optional.ofNullable(k.applicationId != null ? k.applicationId : k.userId);
    }

    // ------------------------------------------------------------------ authentication

    /** The key whose secret is the {@code X-Auth-Token}, else 401 {@code denied_authentication} as recorded. */
    ApiKey authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw ApiError.deniedAuthentication("invalid_argument");
        }
        ApiKey k = state.keysBySecret.get(token);
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

    // ------------------------------------------------------------------ IAM

    Resp iam(ApiKey caller, String collection, String id) {
        if (!caller.iamRead) {
            String resource = collection.equals("api-keys") ? "api_key"
                    : collection.equals("applications") ? "application" : "user";
            throw ApiError.permissionsDenied("read", resource);
        }
        switch (collection) {
            case "api-keys": {
                ApiKey k = state.keysByAccess.get(id);
                if (k == null || !k.orgId.equals(caller.orgId)) {
                    throw ApiError.notFound("api_key", id);
                }
                return Resp.json(200, Render.apiKey(k));
            }
            case "applications": {
                UUID aid = uuid(id, "application_id");
                Application a = state.applications.get(aid);
                if (a == null || !a.orgId.equals(caller.orgId)) {
                    throw ApiError.notFound("application", aid);
                }
                long keys = state.keysByAccess.values().stream().filter(k -> a.id.equals(k.applicationId)).count();
                return Resp.json(200, Render.application(a, keys));
            }
            case "users": {
                UUID uid = uuid(id, "user_id");
                User u = state.users.get(uid);
                if (u == null || !u.orgId.equals(caller.orgId)) {
                    throw ApiError.notFound("user", uid);
                }
                return Resp.json(200, Render.user(u));
            }
            default:
                throw ApiError.noRoute("GET", "/iam/v1alpha1/" + collection + "/" + id);
        }
    }

    // ------------------------------------------------------------------ Account

    Resp getProject(ApiKey caller, UUID id) {
        Project p = state.projects.get(id);
        if (p == null || !p.orgId.equals(caller.orgId)) {
            throw ApiError.notFound("project", id);
        }
        return Resp.json(200, Render.project(p));
    }

    Resp listProjects(Req req, ApiKey caller) {
        int pageSize = req.intParam("page_size", 50, 100);
        int page = req.intParam("page", 1, Integer.MAX_VALUE);
        String org = req.param("organization_id");
        List<Project> all = state.projects.values().stream()
                .filter(p -> p.orgId.equals(caller.orgId) && (org == null || p.orgId.toString().equals(org)))
                .sorted(req.<Project>order(p -> p.created, p -> p.name, p -> p.id))
                .collect(Collectors.toList());
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("projects");
        Resp.page(all, page, pageSize).forEach(p -> arr.add(Render.project(p)));
        body.put("total_count", all.size());
        return Resp.json(200, body);
    }
}
