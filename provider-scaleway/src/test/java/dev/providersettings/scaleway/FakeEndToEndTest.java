package dev.providersettings.scaleway;

import dev.providersettings.scaleway.ScalewayClientException.Reason;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every operation of the client against the fake Scaleway API, with two organizations on one factory. */
class FakeEndToEndTest {
    private static final String ZONE = "fr-par-1";
    private static final String IMAGE = "fc4d4e26-849d-4e03-b933-cb1626ca8cad";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final UUID ORG_A = UUID.randomUUID();
    private static final UUID ORG_B = UUID.randomUUID();
    private static final UUID PROJECT_A2 = UUID.randomUUID();
    private static final String AK_A = "SCWAAAAAAAAAAAAAAAAA";
    private static final String AK_A_USER = "SCWAAAAAAAAAAAAAAUSR";
    private static final String AK_B = "SCWBBBBBBBBBBBBBBBBB";
    private static final String AK_NOIAM = "SCWNNNNNNNNNNNNNNNNN";
    private static final String SK_A = UUID.randomUUID().toString();
    private static final String SK_A_USER = UUID.randomUUID().toString();
    private static final String SK_B = UUID.randomUUID().toString();
    private static final String SK_NOIAM = UUID.randomUUID().toString();

    private static FakeScaleway fake;
    private static ScalewayProviderFactory factory;
    private ScalewayProvider a;
    private ScalewayProvider b;

    @BeforeAll
    static void start() {
        fake = FakeScaleway.builder().resizeDelay(Duration.ofMillis(150)).serverBootDelay(Duration.ofMillis(150))
                .serverStopDelay(Duration.ofMillis(150)).volumeCreateDelay(Duration.ofMillis(50)).build().start();
        fake.addOrganization(ORG_A).addOrganization(ORG_B).addProject(PROJECT_A2, ORG_A);
        fake.addApiKey(AK_A, SK_A, ORG_A, ORG_A);
        fake.addUserApiKey(AK_A_USER, SK_A_USER, ORG_A, ORG_A);
        fake.addApiKey(AK_B, SK_B, ORG_B, ORG_B);
        fake.addApiKey(AK_NOIAM, SK_NOIAM, ORG_A, ORG_A).iamReadAllowed(AK_NOIAM, false);
        factory = ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true)
                .retryPolicy(RetryPolicy.builder().baseDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(50))
                        .throttledBaseDelay(Duration.ofMillis(5)).throttledMaxDelay(Duration.ofMillis(50))
                        .maxThrottledAttempts(4).build())
                .requestTimeout(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).build();
    }

    @AfterAll
    static void stop() {
        factory.close();
        fake.close();
    }

    @BeforeEach
    void providers() {
        fake.faults().clear();
        a = factory.create(settings(SK_A, AK_A, ORG_A, ORG_A));
        b = factory.create(settings(SK_B, AK_B, ORG_B, ORG_B));
    }

    private static ProviderSettings settings(String secret, String accessKey, UUID org, UUID project) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ScalewaySettings.PROJECT_ID, project.toString());
        values.put(ScalewaySettings.SECRET_KEY, Secret.of(secret));
        values.put(ScalewaySettings.ACCESS_KEY, accessKey);
        values.put(ScalewaySettings.ORGANIZATION_ID, org.toString());
        return ProviderSettings.of(OrganizationId.random(), ScalewayProviderFactory.CODE, values);
    }

    private static long requests(String method, String pathPart) {
        return fake.requests().stream().filter(r -> r.method().equals(method) && r.path().contains(pathPart)).count();
    }

    @Test
    void serverLifecycleWithRootVolumeResize() {
        Map<String, ServerType> types = a.listServerTypes(ZONE);
        assertThat(types).containsKey("DEV1-S");
        assertThat(types.get("DEV1-S").name()).isEqualTo("DEV1-S");

        Server created = a.createServer(ZONE, CreateServerRequest.builder("e2e-lifecycle", "DEV1-S").image(IMAGE)
                .volume(CreateServerRequest.VolumeTemplate.newSbs(20_000_000_000L, false))
                .tags("e2e", "lifecycle").dynamicIpRequired(false).bootType("local").build());
        assertThat(created.state()).isEqualTo("stopped");
        assertThat(created.project()).isEqualTo(ORG_A.toString());
        assertThat(created.tags()).containsExactly("e2e", "lifecycle");
        assertThat(created.creationDate()).isNotNull();
        String id = created.id();

        Task task = a.serverAction(ZONE, id, ServerAction.POWERON);
        assertThat(task.status()).isEqualTo("pending");
        assertThat(task.hrefResult()).endsWith(id);
        Server running = a.waitForServerState(ZONE, id, "running", WAIT);
        assertThat(running.allowedActions()).contains("poweroff", "terminate");
        assertThat(a.getServer(ZONE, id).state()).isEqualTo("running");

        String rootVolume = running.rootVolume().id();
        Volume before = a.getVolume(ZONE, rootVolume);
        assertThat(before.size()).isEqualTo(20_000_000_000L);
        assertThat(before.status()).isEqualTo("in_use");
        Volume resized = a.resizeVolume(ZONE, rootVolume, 30_000_000_000L);
        assertThat(resized.size()).isEqualTo(30_000_000_000L);
        assertThat(resized.status()).isEqualTo("in_use");
        assertThat(resized.references()).anySatisfy(r -> assertThat(r.productResourceId()).isEqualTo(id));

        long patches = requests("PATCH", rootVolume);
        assertThat(a.resizeVolume(ZONE, rootVolume, 30_000_000_000L).size()).isEqualTo(30_000_000_000L);
        assertThatThrownBy(() -> a.resizeVolume(ZONE, rootVolume, 25_000_000_000L))
                .satisfies(TestSupport.client(Reason.INVALID_REQUEST)).hasMessageContaining("only grow");
        assertThat(requests("PATCH", rootVolume)).isEqualTo(patches);

        a.serverAction(ZONE, id, ServerAction.TERMINATE);
        a.waitForServerDeleted(ZONE, id, WAIT);
        assertThatThrownBy(() -> a.getServer(ZONE, id)).isInstanceOf(ScalewayNotFoundException.class)
                .satisfies(e -> assertThat(((ScalewayServiceException) e).resourceId()).isEqualTo(id));
        // terminate only detaches SBS volumes
        Volume detached = a.waitForVolume(ZONE, rootVolume, v -> "available".equals(v.status()), WAIT);
        assertThat(detached.size()).isEqualTo(30_000_000_000L);
        a.deleteVolume(ZONE, rootVolume);
        a.waitForVolumeDeleted(ZONE, rootVolume, WAIT);
    }

    @Test
    void powerOffAndDeleteAStoppedServer() {
        Server s = a.createServer(ZONE, CreateServerRequest.builder("e2e-delete", "DEV1-S").image(IMAGE).build());
        a.serverAction(ZONE, s.id(), ServerAction.POWERON);
        // An action while the server is starting answers transient_state; the client waits and retries it.
        RetryPolicy patient = RetryPolicy.builder().transientStateDelay(Duration.ofMillis(100)).maxAttempts(6).build();
        try (ScalewayProviderFactory f = ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true).retryPolicy(patient)
                .pollInterval(Duration.ofMillis(20)).build()) {
            ScalewayProvider p = f.create(settings(SK_A, AK_A, ORG_A, ORG_A));
            fake.clearRequests();
            Task off = p.serverAction(ZONE, s.id(), ServerAction.POWEROFF);
            assertThat(off.status()).isEqualTo("pending");
            assertThat(requests("POST", "/action")).isGreaterThan(1);
        }
        a.waitForServerState(ZONE, s.id(), "stopped", WAIT);
        a.deleteServer(ZONE, s.id());
        assertThatThrownBy(() -> a.getServer(ZONE, s.id())).isInstanceOf(ScalewayNotFoundException.class);
        String volume = s.rootVolume().id();
        a.waitForVolume(ZONE, volume, v -> "available".equals(v.status()), WAIT);
        a.deleteVolume(ZONE, volume);
    }

    @Test
    void volumesAndSnapshots() {
        Volume v = a.createVolume(ZONE, CreateVolumeRequest.empty("e2e-data", 10_000_000_000L).withTags("data"));
        assertThat(v.projectId()).isEqualTo(ORG_A.toString());
        assertThat(v.tags()).containsExactly("data");
        v = a.waitForVolume(ZONE, v.id(), x -> "available".equals(x.status()), WAIT);
        String volumeId = v.id();
        assertThat(a.listVolumes(ZONE, VolumeFilter.project(ORG_A.toString()).withName("e2e-data")).toList())
                .extracting(Volume::id).contains(volumeId);

        Snapshot snap = a.createSnapshot(ZONE, volumeId, "e2e-snap", List.of("nightly"));
        assertThat(snap.parentVolume().id()).isEqualTo(volumeId);
        snap = a.waitForSnapshot(ZONE, snap.id(), s -> "available".equals(s.status()), WAIT);
        assertThat(a.getSnapshot(ZONE, snap.id()).name()).isEqualTo("e2e-snap");
        assertThat(a.listSnapshots(ZONE, volumeId).toList()).extracting(Snapshot::id).containsExactly(snap.id());

        Volume restored = a.createVolume(ZONE, CreateVolumeRequest.fromSnapshot("e2e-restored", snap.id()));
        assertThat(restored.parentSnapshotId()).isEqualTo(snap.id());
        restored = a.waitForVolume(ZONE, restored.id(), x -> "available".equals(x.status()), WAIT);
        assertThat(restored.size()).isEqualTo(10_000_000_000L);
        Volume grown = a.resizeVolume(ZONE, restored.id(), 12_000_000_000L, WAIT);
        assertThat(grown.size()).isEqualTo(12_000_000_000L);
        assertThat(grown.status()).isEqualTo("available");

        a.deleteSnapshot(ZONE, snap.id());
        String snapId = snap.id();
        assertThatThrownBy(() -> a.getSnapshot(ZONE, snapId)).isInstanceOf(ScalewayNotFoundException.class);
        a.deleteVolume(ZONE, restored.id());
        a.deleteVolume(ZONE, volumeId);
        assertThatThrownBy(() -> a.getVolume(ZONE, volumeId)).isInstanceOf(ScalewayNotFoundException.class)
                .satisfies(e -> assertThat(((ScalewayServiceException) e).resource()).isEqualTo("volume"));
    }

    @Test
    void resizeRejectsBadSizesBeforeSendingAnything() {
        fake.clearRequests();
        String id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> a.resizeVolume(ZONE, id, 15_500_000_000L)).satisfies(TestSupport.client(Reason.INVALID_REQUEST))
                .hasMessageContaining("whole number of GB").hasMessageContaining("16000000000");
        assertThatThrownBy(() -> a.resizeVolume(ZONE, id, 11_000_000_000_000L)).satisfies(TestSupport.client(Reason.INVALID_REQUEST))
                .hasMessageContaining("10 TB");
        assertThatThrownBy(() -> a.resizeVolume(ZONE, id, 0)).satisfies(TestSupport.client(Reason.INVALID_REQUEST));
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void listsAreLazyAndFollowTheTotal() {
        UUID project = UUID.randomUUID();
        fake.addProject(project, ORG_A);
        for (int i = 0; i < 7; i++) {
            a.createServer(ZONE, CreateServerRequest.builder("page-" + i, "DEV1-S").project(project).build());
        }
        for (int i = 0; i < 5; i++) {
            a.createVolume(ZONE, CreateVolumeRequest.empty("pv-" + i, 1_000_000_000L).withProject(project));
        }
        fake.clearRequests();
        Paginated<Server> servers = a.listServers(ZONE, ServerFilter.project(project.toString()), 3);
        assertThat(fake.requests()).isEmpty();
        Iterator<Server> it = servers.iterator();
        assertThat(it.next().name()).startsWith("page-");
        assertThat(requests("GET", "/servers")).isEqualTo(1);
        assertThat(servers.toList()).hasSize(7).extracting(Server::project).containsOnly(project.toString());
        assertThat(requests("GET", "/servers")).isEqualTo(1 + 3);
        assertThat(servers.totalCount()).isEqualTo(7);
        assertThat(fake.requests()).filteredOn(r -> r.path().endsWith("/servers"))
                .allSatisfy(r -> assertThat(r.query()).contains("per_page=3"));

        fake.clearRequests();
        Paginated<Volume> volumes = a.listVolumes(ZONE, VolumeFilter.project(project.toString()), 2);
        assertThat(volumes.stream().limit(3).count()).isEqualTo(3);
        assertThat(requests("GET", "/volumes")).isEqualTo(2);
        assertThat(volumes.toList()).hasSize(5);
        assertThat(volumes.page(1).totalCount()).isEqualTo(5);
        assertThat(b.listVolumes(ZONE, VolumeFilter.project(project.toString())).toList()).isEmpty();
    }

    @Test
    void listFiltersReachTheApi() {
        UUID project = UUID.randomUUID();
        fake.addProject(project, ORG_A);
        Server tagged = a.createServer(ZONE, CreateServerRequest.builder("filter-gpu", "DEV1-S").image(IMAGE)
                .project(project).tags("gpu", "team-x").build());
        a.createServer(ZONE, CreateServerRequest.builder("filter-cpu", "DEV1-S").project(project).tags("cpu").build());
        assertThat(a.listServers(ZONE, ServerFilter.project(project.toString()).withTags("gpu", "team-x")).toList())
                .extracting(Server::id).containsExactly(tagged.id());
        assertThat(a.listServers(ZONE, ServerFilter.project(project.toString()).withName("filter-cpu")
                .withState("stopped")).toList()).extracting(Server::name).containsExactly("filter-cpu");
        assertThat(fake.requests()).anySatisfy(r -> assertThat(r.query()).contains("tags=gpu%2Cteam-x"));

        Volume data = a.createVolume(ZONE, CreateVolumeRequest.empty("filter-data", 1_000_000_000L)
                .withProject(project).withTags("db", "prod"));
        a.createVolume(ZONE, CreateVolumeRequest.empty("filter-other", 1_000_000_000L).withProject(project).withTags("db"));
        assertThat(a.listVolumes(ZONE, VolumeFilter.project(project.toString()).withTags("db", "prod")).toList())
                .extracting(Volume::id).containsExactly(data.id());
        assertThat(fake.requests()).anySatisfy(r -> assertThat(r.query()).contains("tags=db&tags=prod"));
        assertThat(a.listVolumes(ZONE, VolumeFilter.attachedTo(tagged.id())).toList())
                .extracting(Volume::id).containsExactly(tagged.rootVolume().id());
        assertThat(a.listVolumes(ZONE, VolumeFilter.all().withOrganization(ORG_A.toString()).withName("filter-"))
                .toList()).extracting(Volume::name).containsExactlyInAnyOrder("filter-data", "filter-other");
    }

    @Test
    void organizationsAreIsolatedAndEachRequestCarriesItsOwnToken() throws Exception {
        Volume mine = a.createVolume(ZONE, CreateVolumeRequest.empty("a-private", 1_000_000_000L));
        assertThatThrownBy(() -> b.getVolume(ZONE, mine.id())).isInstanceOf(ScalewayNotFoundException.class);
        assertThatThrownBy(() -> b.createVolume(ZONE, CreateVolumeRequest.empty("x", 1_000_000_000L).withProject(ORG_A)))
                .isInstanceOf(ScalewayAccessDeniedException.class);

        fake.clearRequests();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ScalewayProvider p = i % 2 == 0 ? a : b;
            String name = (p == a ? "conc-a-" : "conc-b-") + i;
            futures.add(pool.submit(() -> p.createVolume(ZONE, CreateVolumeRequest.empty(name, 1_000_000_000L)).projectId()));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo((i % 2 == 0 ? ORG_A : ORG_B).toString());
        }
        pool.shutdown();
        List<RecordedRequest> creates = fake.requests().stream().filter(r -> r.method().equals("POST")).toList();
        assertThat(creates).hasSize(30).allSatisfy(r -> {
            if (r.body().contains("conc-a-")) {
                assertThat(r.usedToken(SK_A)).isTrue();
                assertThat(r.body()).contains(ORG_A.toString());
            } else {
                assertThat(r.usedToken(SK_B)).isTrue();
                assertThat(r.body()).contains(ORG_B.toString());
            }
        });
        assertThat(a.listVolumes(ZONE, VolumeFilter.all().withName("conc-b-0")).toList()).isEmpty();
    }

    @Test
    void probePassesForApplicationAndUserKeys() {
        ProbeResult app = factory.probe(settings(SK_A, AK_A, ORG_A, PROJECT_A2));
        assertThat(app.passed()).as(app.message()).isTrue();
        assertThat(app.message()).contains(ORG_A.toString(), "application").doesNotContain(SK_A);
        ProbeResult user = factory.probe(settings(SK_A_USER, AK_A_USER, ORG_A, ORG_A));
        assertThat(user.passed()).as(user.message()).isTrue();
        assertThat(user.message()).contains("user");
    }

    @Test
    void probeNamesTheFailedCheck() {
        assertThat(factory.probe(settings(SK_A, "SCWZZZZZZZZZZZZZZZZZ", ORG_A, ORG_A)).failedCheck())
                .isEqualTo("access_key_exists");
        ProbeResult wrongSecret = factory.probe(settings(UUID.randomUUID().toString(), AK_A, ORG_A, ORG_A));
        assertThat(wrongSecret.failedCheck()).isEqualTo("secret_key_accepted");
        ProbeResult noIam = factory.probe(settings(SK_NOIAM, AK_NOIAM, ORG_A, ORG_A));
        assertThat(noIam.failedCheck()).isEqualTo("iam_read_permission");
        assertThat(noIam.message()).contains("IAM read").doesNotContain(SK_NOIAM);
        ProbeResult wrongOrg = factory.probe(settings(SK_B, AK_B, ORG_A, ORG_B));
        assertThat(wrongOrg.failedCheck()).isEqualTo("organization_matches");
        assertThat(wrongOrg.message()).contains(ORG_B.toString(), ORG_A.toString());
        ProbeResult foreignProject = factory.probe(settings(SK_A, AK_A, ORG_A, ORG_B));
        assertThat(foreignProject.failedCheck()).isEqualTo("project_in_organization");
        Map<String, Object> noAccessKey = new LinkedHashMap<>();
        noAccessKey.put(ScalewaySettings.PROJECT_ID, ORG_A.toString());
        noAccessKey.put(ScalewaySettings.SECRET_KEY, Secret.of(SK_A));
        assertThat(factory.probe(ProviderSettings.of(OrganizationId.random(), ScalewayProviderFactory.CODE, noAccessKey))
                .failedCheck()).isEqualTo("access_key_present");
        assertThat(a.getApiKey(AK_A).defaultProjectId()).isEqualTo(ORG_A.toString());
        assertThat(a.getProject(ORG_A.toString()).organizationId()).isEqualTo(ORG_A.toString());
    }

    @Test
    void faultsFromTheFakeAreHandled() {
        Volume v = a.createVolume(ZONE, CreateVolumeRequest.empty("faults", 1_000_000_000L));
        fake.clearRequests();
        fake.faults().rateLimit(3);
        assertThat(a.getVolume(ZONE, v.id()).id()).isEqualTo(v.id());
        assertThat(fake.requests()).hasSize(4);

        fake.clearRequests();
        fake.faults().rateLimit(10);
        assertThatThrownBy(() -> a.getVolume(ZONE, v.id())).isInstanceOf(ScalewayThrottledException.class);
        assertThat(fake.requests()).hasSize(4);
        fake.faults().clear();

        fake.clearRequests();
        fake.faults().serverError(1, 503);
        assertThatThrownBy(() -> a.createVolume(ZONE, CreateVolumeRequest.empty("never-twice", 1_000_000_000L)))
                .satisfies(TestSupport.service(ScalewayErrorType.SERVER_ERROR));
        assertThat(fake.requests()).hasSize(1);

        fake.clearRequests();
        fake.faults().dropConnection(1);
        assertThat(a.getVolume(ZONE, v.id()).id()).isEqualTo(v.id());
        assertThat(fake.requests()).hasSize(2);

        fake.faults().malformedJson(1);
        assertThatThrownBy(() -> a.getVolume(ZONE, v.id())).satisfies(TestSupport.client(Reason.UNREADABLE_RESPONSE))
                .hasMessageContaining("GET /block/v1/zones/fr-par-1/volumes/" + v.id());

        try (ScalewayProviderFactory impatient = ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true)
                .requestTimeout(Duration.ofMillis(200)).retryPolicy(RetryPolicy.none()).build()) {
            fake.faults().slow(Duration.ofMillis(1000), 1);
            ScalewayProvider p = impatient.create(settings(SK_A, AK_A, ORG_A, ORG_A));
            assertThatThrownBy(() -> p.getVolume(ZONE, v.id())).isInstanceOf(ScalewayTransportException.class)
                    .hasMessageContaining("request timeout");
        }
    }
}
