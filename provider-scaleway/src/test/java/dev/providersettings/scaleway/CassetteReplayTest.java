package dev.providersettings.scaleway;

import dev.providersettings.OrganizationId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays recorded real API answers to the client, in recorded order per endpoint, so that the client's flows
 * (server types pagination, create, power on and wait, resize and wait, terminate and wait) run on real data.
 */
class CassetteReplayTest {
    private static final Pattern PAGE = Pattern.compile("(?:^|&)page=(\\d+)");

    /** Serves the recorded answers of each (method, path, page) in order; the last one repeats. */
    static Function<StubServer.Received, StubServer.Answer> replay(List<Cassette.Interaction> interactions) {
        Map<String, Deque<Cassette.Interaction>> queues = new HashMap<>();
        for (Cassette.Interaction it : interactions) {
            queues.computeIfAbsent(key(it.method(), it.path(), it.url().getRawQuery()), k -> new ArrayDeque<>()).add(it);
        }
        return r -> {
            Deque<Cassette.Interaction> queue = queues.get(key(r.method(), r.path(), r.query()));
            if (queue == null) {
                return StubServer.Answer.json(599, "{\"message\":\"not recorded: " + r.method() + " " + r.path() + "\"}");
            }
            Cassette.Interaction it;
            synchronized (queue) {
                it = queue.size() > 1 ? queue.poll() : queue.peek();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            it.headers().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Content-Length") && !v.isEmpty()) {
                    headers.put(k, v.get(0));
                }
            });
            return new StubServer.Answer(it.status(), headers, it.body(), 0);
        };
    }

    private static String key(String method, String path, String query) {
        String page = "";
        if (query != null) {
            Matcher m = PAGE.matcher(query);
            if (m.find()) {
                page = "?page=" + m.group(1);
            }
        }
        return method + " " + path + page;
    }

    private static ScalewayProviderFactory factory(StubServer stub, String blockVersion) {
        return ScalewayProviderFactory.builder().baseUrl(stub.baseUrl()).allowInsecureEndpoint(true).blockApiVersion(blockVersion)
                .retryPolicy(RetryPolicy.none()).pollInterval(Duration.ofMillis(1)).build();
    }

    @Test
    void recordedResizeOfADetachedVolumeWaitsPastOldSizeUntilNewSize() {
        List<Cassette.Interaction> recorded = Cassette.load("volume-update-size.cassette.yaml").subList(7, 15);
        try (StubServer stub = new StubServer(replay(recorded)); ScalewayProviderFactory f = factory(stub, "v1alpha1")) {
            ScalewayProvider p = f.create(TestSupport.settings());
            Volume v = p.resizeVolume("fr-par-1", "8c38fa15-4249-47c3-b4ea-ce379d4620dd", 30_000_000_000L);
            assertThat(v.size()).isEqualTo(30_000_000_000L);
            assertThat(v.status()).isEqualTo("available");
            List<StubServer.Received> got = stub.received();
            assertThat(got.get(1).method()).isEqualTo("PATCH");
            assertThat(got.get(1).body()).isEqualTo("{\"size\":30000000000}");
            assertThat(got.subList(2, got.size())).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
            // PATCH answered "updating" with the old size; one GET still showed it, the next showed the new size.
            assertThat(got).hasSize(4);
        }
    }

    @Test
    void recordedServerLifecycleWithAttachedRootVolumeResize() {
        List<Cassette.Interaction> recorded = Cassette.load("server-root-volume-from-image-block.cassette.yaml");
        try (StubServer stub = new StubServer(replay(recorded)); ScalewayProviderFactory f = factory(stub, "v1")) {
            ScalewayProvider p = f.create(TestSupport.settings(OrganizationId.random(), TestSupport.SECRET, null,
                    TestSupport.ORG, TestSupport.ORG));

            Map<String, ServerType> types = p.listServerTypes("fr-par-1");
            assertThat(types).hasSize(135).containsKey("DEV1-S");
            assertThat(types.get("DEV1-S").name()).isEqualTo("DEV1-S");
            assertThat(types.get("DEV1-S").supportsBlockStorage()).isTrue();

            Server created = p.createServer("fr-par-1", CreateServerRequest.builder(
                            "tf-acc-server-root-volume-from-image-block", "DEV1-S")
                    .image("fc4d4e26-849d-4e03-b933-cb1626ca8cad")
                    .volume(CreateServerRequest.VolumeTemplate.newSbs(10_000_000_000L, false))
                    .bootType("local").dynamicIpRequired(false)
                    .tags("terraform-test", "scaleway_instance_server", "root_volume_from_image_block").build());
            assertThat(created.state()).isEqualTo("stopped");
            String serverId = created.id();
            String rootVolume = created.rootVolume().id();

            Task task = p.serverAction("fr-par-1", serverId, ServerAction.POWERON);
            assertThat(task.status()).isEqualTo("pending");
            Server running = p.waitForServerState("fr-par-1", serverId, "running", Duration.ofSeconds(30));
            assertThat(running.allowedActions()).contains("poweroff", "terminate");

            Volume resized = p.resizeVolume("fr-par-1", rootVolume, 20_000_000_000L);
            assertThat(resized.size()).isEqualTo(20_000_000_000L);
            assertThat(resized.status()).isEqualTo("in_use");
            assertThat(resized.references()).singleElement()
                    .satisfies(r -> assertThat(r.productResourceId()).isEqualTo(serverId));

            p.serverAction("fr-par-1", serverId, ServerAction.TERMINATE);
            p.waitForServerDeleted("fr-par-1", serverId, Duration.ofSeconds(30));

            List<StubServer.Received> got = stub.received();
            assertThat(got).noneSatisfy(r -> assertThat(r.method() + r.path()).contains("599"));
            StubServer.Received create = got.stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/servers"))
                    .findFirst().orElseThrow();
            assertThat(create.body()).contains("\"volumes\":{\"0\":{\"size\":10000000000,\"volume_type\":\"sbs_volume\",\"boot\":false}}",
                    "\"project\":\"" + TestSupport.ORG + "\"", "\"commercial_type\":\"DEV1-S\"");
            assertThat(got.stream().filter(r -> r.path().endsWith("/action")).map(StubServer.Received::body))
                    .containsExactly("{\"action\":\"poweron\"}", "{\"action\":\"terminate\"}");
            assertThat(got.stream().filter(r -> r.method().equals("PATCH")).map(StubServer.Received::body))
                    .containsExactly("{\"size\":20000000000}");
            assertThat(got.stream().filter(r -> r.path().endsWith("/products/servers")).map(StubServer.Received::query))
                    .containsExactly("page=1&per_page=100", "page=2&per_page=100", "page=3&per_page=100");
        }
    }
}
