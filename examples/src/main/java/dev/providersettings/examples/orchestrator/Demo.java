package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;
import dev.providersettings.Secret;
import dev.providersettings.SeedReport;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.scaleway.ServerAction;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The default run (the README's main command): an orchestrator on an embedded Postgres (or
 * {@code orchestrator.jdbc.url}) and the fake Scaleway API, with two organizations that have their own Scaleway
 * credentials and one without. It seeds their credentials at start-up, deploys for each through the HTTP API, runs
 * the jobs (provision → resize → health check → terminate / watchdog → volume reconciliation), and prints which
 * credentials each Scaleway call used — access key and secret fingerprint, never the secret — and the two clear
 * errors a resolve can end in (no organization; organization without credentials). Exits 0 when every step
 * behaved as expected.
 *
 * <p>The demo registers its own API keys in the fake, so it always uses the fake; {@link OrchestratorMain} is the
 * service that talks to the real Scaleway API by configuration.
 */
public final class Demo {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private final PrintStream out;
    private final Map<UUID, String> names = new LinkedHashMap<>();
    private boolean ok = true;

    private Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(OrchestratorConfig.fromEnvironment(), System.out) ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("demo failed: " + e);
            e.printStackTrace();
            code = 2;
        }
        // Exit explicitly: a library's stray non-daemon thread must not keep the process alive.
        System.exit(code);
    }

    /**
     * Runs the walk-through, printing to {@code out}.
     *
     * @return whether every step gave the expected result
     */
    public static boolean run(OrchestratorConfig config, PrintStream out) {
        if (config.scalewayApiUrl().isPresent()) {
            throw new IllegalArgumentException("the demo registers its own API keys in the fake Scaleway API and cannot"
                    + " use orchestrator.scaleway.api.url; run OrchestratorMain to use the real API");
        }
        return new Demo(out).walkThrough(config);
    }

    private boolean walkThrough(OrchestratorConfig base) {
        long started = System.nanoTime();
        Path secrets = createTempDirectory();
        // Short intervals so every job gets its turn within seconds; the fake's transitions are short too.
        OrchestratorConfig config = base.toBuilder()
                .nodeId(base.nodeId().startsWith("node-") ? "demo-node" : base.nodeId())
                .seed(true)
                .secretsDir(secrets)
                .healthInterval(Duration.ofMillis(300))
                .pollInterval(Duration.ofMillis(100))
                .waitTimeout(Duration.ofSeconds(20))
                .build();
        out.println("provider-settings orchestrator demo");
        try (Infrastructure infra = Infrastructure.start(config)) {
            FakeScaleway fake = infra.fake().orElseThrow();
            out.println("  database : " + (infra.database().isEmbedded() ? "embedded Postgres (set orchestrator.jdbc.url to use yours)"
                    : OrchestratorConfig.maskJdbcUrl(infra.database().jdbcUrl())));
            out.println("  scaleway : fake Scaleway API at " + fake.baseUrl());
            out.println("  key ring : " + infra.keyOrigin());

            // The schemas must exist before organizations can be created and seeded at node start-up.
            OrchestratorNode.migrate(infra);
            HostDatabase host = new HostDatabase(OrchestratorNode.temporaryPool(infra));
            Tenant acme;
            Tenant globex;
            Tenant initech;
            UUID nora;
            try {
                acme = Tenant.create(host, fake, "Acme", "alice", secrets, true);
                globex = Tenant.create(host, fake, "Globex", "bob", secrets, true);
                initech = Tenant.create(host, fake, "Initech", "carol", secrets, false);
                nora = host.createUser("nora", null);
                for (Tenant t : List.of(acme, globex, initech)) {
                    names.put(t.organization.value(), t.name);
                }
            } finally {
                ((AutoCloseable) host.dataSource()).close();
            }
            section("1. Organizations, and their Scaleway credentials seeded at start-up from " + secrets);
            try (OrchestratorNode node = OrchestratorNode.start(config, infra)) {
                SeedReport report = node.seedReport();
                for (Tenant t : List.of(acme, globex, initech)) {
                    SeedReport.OrganizationResult r = report.of(t.organization).orElseThrow();
                    out.printf("  %-8s %s  %s%n", t.name, t.organization, t.accessKey == null
                            ? "no credentials: seeding skipped it (missing " + r.missing() + ")"
                            : "wrote " + r.written() + " (access key " + t.accessKey + ", secret " + fingerprint(t.secretKey) + ")");
                }
                check(report.of(acme.organization).orElseThrow().written().contains(ScalewaySettings.SECRET_KEY)
                        && report.of(globex.organization).orElseThrow().written().contains(ScalewaySettings.SECRET_KEY)
                        && report.of(initech.organization).orElseThrow().skipped(), "seeding wrote Acme and Globex, skipped Initech");

                deployments(node, acme, globex, initech, nora);
                provisioning(node, fake, acme, globex, initech);
                credentialsUsed(fake, acme, globex, initech);
                terminationAndWatchdog(node, fake, acme, globex);
                legacyInstance(node);
            }
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        } finally {
            deleteRecursively(secrets);
        }
        out.printf("%ndemo finished in %.1f s: %s%n", (System.nanoTime() - started) / 1e9,
                ok ? "every step behaved as expected" : "SOME STEPS DID NOT BEHAVE AS EXPECTED (see '[UNEXPECTED]' above)");
        return ok;
    }

    private void deployments(OrchestratorNode node, Tenant acme, Tenant globex, Tenant initech, UUID nora) {
        section("2. Deployments through the HTTP API (POST /deployments, the user in X-User-Id)");
        ApiClient api = new ApiClient(node.apiUri());
        acme.instance = deploy(api, acme, "GPU-3070-S", "fr-par-2", 120);
        globex.instance = deploy(api, globex, "L4-1-24G", "pl-waw-2", 200);
        initech.instance = deploy(api, initech, "DEV1-S", "fr-par-1", 30);
        long before = node.instances().count();
        ApiClient.Answer refused = api.deploy(nora, body("DEV1-S", "fr-par-1", 30, "nora-box"));
        long after = node.instances().count();
        out.printf("  %-6s (no organization)  -> HTTP %d %s: %s%n", "nora", refused.status(), refused.error(), refused.message());
        out.printf("  instance rows before/after nora's request: %d/%d%n", before, after);
        check(refused.status() == 422 && "missing_organization".equals(refused.error()) && before == after,
                "a user without organization gets 422 missing_organization and nothing is written");
        ApiClient.Answer bad = api.deploy(acme.user, "{\"instance_type\":\"GPU-3070-S\",\"zone\":\"fr-par-2\",\"volume_size_gb\":\"lots\",\"name\":\"x\"}");
        out.printf("  %-6s (bad request)      -> HTTP %d %s: %s%n", acme.userName, bad.status(), bad.error(), bad.message());
        check(bad.status() == 400 && node.instances().count() == after, "a malformed request gets 400 and writes nothing");
    }

    private UUID deploy(ApiClient api, Tenant tenant, String type, String zone, int sizeGb) {
        tenant.requestedGb = sizeGb;
        ApiClient.Answer answer = api.deploy(tenant.user, body(type, zone, sizeGb, tenant.name.toLowerCase(java.util.Locale.ROOT) + "-gpu"));
        out.printf("  %-6s (%s) %s %s %d GB -> HTTP %d, instance %s, organization_id %s%n", tenant.userName, tenant.name,
                type, zone, sizeGb, answer.status(), answer.body().path("instance").path("id").asText(),
                answer.body().path("instance").path("organization_id").asText());
        check(answer.status() == 201 && tenant.organization.toString()
                .equals(answer.body().path("instance").path("organization_id").asText()), "the instance carries the user's organization");
        return UUID.fromString(answer.body().path("instance").path("id").asText());
    }

    private void provisioning(OrchestratorNode node, FakeScaleway fake, Tenant acme, Tenant globex, Tenant initech) {
        section("3. Jobs: provisioning (create server, power on, resize the boot volume), then health check");
        long mark = lastEventId(node);
        await(node, () -> List.of(acme, globex, initech).stream().allMatch(t -> {
            Instance i = node.instances().find(t.instance).orElseThrow();
            return i.status() == Instance.Status.FAILED || (i.status() == Instance.Status.READY && i.lastHealthAt() != null);
        }));
        printEvents(node, mark);
        for (Tenant t : List.of(acme, globex)) {
            Instance i = node.instances().find(t.instance).orElseThrow();
            t.serverId = i.providerServerId();
            t.volumeId = i.bootVolumeId();
            long fakeSize = i.bootVolumeId() == null ? -1
                    : fake.volume(UUID.fromString(i.bootVolumeId())).map(v -> v.path("size").asLong()).orElse(-1L);
            out.printf("  %-8s instance %s, volume %s: %d GB at the fake (requested %d GB)%n", t.name, i.status().code(),
                    i.bootVolumeId(), fakeSize / ScalewayProvider.GB, t.requestedGb);
            check(i.status() == Instance.Status.READY && fakeSize == t.requestedGb * ScalewayProvider.GB,
                    t.name + " is ready and its volume has the requested size");
        }
        Instance failed = node.instances().find(initech.instance).orElseThrow();
        out.printf("  %-8s instance %s: %s: %s%n", initech.name, failed.status().code(), failed.errorCode(), failed.errorMessage());
        check(failed.status() == Instance.Status.FAILED && "missing_credentials".equals(failed.errorCode()),
                "an organization without credentials fails its instance with missing_credentials");
    }

    private void credentialsUsed(FakeScaleway fake, Tenant acme, Tenant globex, Tenant initech) {
        section("4. Which credentials each Scaleway call used (the fake's request log; tokens shown as fingerprints)");
        Map<String, Tenant> byToken = new LinkedHashMap<>();
        for (Tenant t : List.of(acme, globex)) {
            byToken.put(t.secretKey, t);
        }
        List<RecordedRequest> requests = fake.requests();
        Map<String, List<RecordedRequest>> perToken = requests.stream()
                .collect(Collectors.groupingBy(r -> String.valueOf(r.authToken()), TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<RecordedRequest>> e : perToken.entrySet()) {
            Tenant t = byToken.get(e.getKey());
            String who = t == null ? "unknown token" : t.name + ", access key " + t.accessKey;
            out.printf("  token %s (%s): %d calls: %s%n", fingerprint(e.getKey()), who, e.getValue().size(), summarize(e.getValue()));
        }
        for (Tenant t : List.of(acme, globex)) {
            List<RecordedRequest> own = requests.stream().filter(r -> t.touches(r)).toList();
            boolean allOwn = !own.isEmpty() && own.stream().allMatch(r -> t.secretKey.equals(r.authToken()));
            check(allOwn, "every call on " + t.name + "'s server and volume used " + t.name + "'s key (" + own.size() + " calls)");
        }
        out.printf("  %-8s no call at all: it has no credentials, and no one else's were used in its place%n", initech.name);
        String initechName = initech.name.toLowerCase(java.util.Locale.ROOT) + "-gpu";
        check(requests.stream().noneMatch(r -> r.body().contains(initechName)), "no Scaleway call was made for Initech's instance");
        check(!perToken.containsKey("null") && perToken.size() == 2, "only Acme's and Globex's tokens were ever sent");
    }

    private void terminationAndWatchdog(OrchestratorNode node, FakeScaleway fake, Tenant acme, Tenant globex) throws Exception {
        section("5. DELETE /instances/{id} -> terminator; a server deleted behind our back -> watchdog; orphan volume -> reconciliation");
        ApiClient api = new ApiClient(node.apiUri());
        Instance g = node.instances().find(globex.instance).orElseThrow();
        if (acme.serverId == null || g.providerServerId() == null) {
            check(false, "Acme and Globex have servers to terminate (provisioning failed above)");
            return;
        }
        ApiClient.Answer deleted = api.terminate(acme.user, acme.instance);
        out.printf("  %-6s DELETE /instances/%s -> HTTP %d, status %s%n", acme.userName, acme.instance, deleted.status(),
                deleted.body().path("status").asText());
        // Someone terminates Globex's server in the Scaleway console (with Globex's own key, of course).
        ScalewayProvider globexScaleway = node.manager().get(globex.organization, JobContext.SCALEWAY, ScalewayProvider.class);
        globexScaleway.serverAction(g.zone(), g.providerServerId(), ServerAction.TERMINATE);
        globexScaleway.waitForServerDeleted(g.zone(), g.providerServerId(), Duration.ofSeconds(20));
        out.printf("  (outside the orchestrator: Globex's server %s terminated in the console)%n", g.providerServerId());
        long mark = lastEventId(node);
        await(node, () -> {
            Instance a = node.instances().find(acme.instance).orElseThrow();
            Instance b = node.instances().find(globex.instance).orElseThrow();
            return a.status() == Instance.Status.TERMINATED && b.status() == Instance.Status.TERMINATED
                    && fake.volume(UUID.fromString(b.bootVolumeId())).isEmpty();
        });
        printEvents(node, mark);
        Instance a = node.instances().find(acme.instance).orElseThrow();
        Instance b = node.instances().find(globex.instance).orElseThrow();
        check(a.status() == Instance.Status.TERMINATED && fake.server(UUID.fromString(a.providerServerId())).isEmpty()
                        && fake.volume(UUID.fromString(a.bootVolumeId())).isEmpty(),
                "Acme's server and boot volume are gone at the fake");
        check(b.status() == Instance.Status.TERMINATED && "server_gone".equals(b.errorCode()),
                "the watchdog marked Globex's instance terminated (server_gone)");
        check(fake.volume(UUID.fromString(b.bootVolumeId())).isEmpty(),
                "volume reconciliation deleted Globex's orphan boot volume");
    }

    private void legacyInstance(OrchestratorNode node) {
        section("6. A legacy instance row without organization_id");
        UUID legacy = node.instances().insertLegacy(null, "legacy-box", "fr-par-1", "DEV1-S", 20);
        await(node, () -> node.instances().find(legacy).orElseThrow().status() != Instance.Status.PROVISIONING);
        Instance i = node.instances().find(legacy).orElseThrow();
        out.printf("  instance %s: %s: %s: %s%n", legacy, i.status().code(), i.errorCode(), i.errorMessage());
        check(i.status() == Instance.Status.FAILED && "missing_organization".equals(i.errorCode()),
                "an instance without organization fails with missing_organization; no one else's credentials are used");
    }

    // ------------------------------------------------------------------ helpers

    private static String body(String type, String zone, int sizeGb, String name) {
        return "{\"instance_type\":\"" + type + "\",\"zone\":\"" + zone + "\",\"volume_size_gb\":" + sizeGb
                + ",\"name\":\"" + name + "\"}";
    }

    private static String fingerprint(String secret) {
        return secret == null || secret.equals("null") ? "<none>" : Secret.of(secret).fingerprint();
    }

    /** "POST servers, GET server x3, PATCH volume, ..." in first-seen order. */
    private static String summarize(List<RecordedRequest> requests) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RecordedRequest r : requests) {
            counts.merge(r.method() + " " + shape(r.path()), 1, Integer::sum);
        }
        return counts.entrySet().stream().map(e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : ""))
                .collect(Collectors.joining(", "));
    }

    /** A path with ids and zones abstracted: {@code /instance/v1/zones/{zone}/servers/{id}/action}. */
    private static String shape(String path) {
        return path.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}")
                .replaceAll("/zones/[a-z]+-[a-z]+-[0-9]", "/zones/{zone}");
    }

    private void await(OrchestratorNode node, BooleanSupplier done) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                check(false, "the jobs finished the step within " + STEP_TIMEOUT.toSeconds() + " s");
                return;
            }
            node.runJobsOnce();
            sleep(50);
        }
    }

    private long lastEventId(OrchestratorNode node) {
        List<EventLog.Event> all = EventLog.since(node.pool(), 0);
        return all.isEmpty() ? 0 : all.get(all.size() - 1).id();
    }

    private void printEvents(OrchestratorNode node, long afterId) {
        for (EventLog.Event e : EventLog.since(node.pool(), afterId)) {
            String who = e.organization() == null ? "(no organization)" : names.getOrDefault(e.organization(), e.organization().toString());
            out.printf("  [%s] %s: %s%n", e.job(), who, e.message());
        }
    }

    private void section(String title) {
        out.println();
        out.println(title);
    }

    private void check(boolean condition, String expectation) {
        out.println((condition ? "  [ok] " : "  [UNEXPECTED] ") + expectation);
        ok &= condition;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("orchestrator-secrets-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
