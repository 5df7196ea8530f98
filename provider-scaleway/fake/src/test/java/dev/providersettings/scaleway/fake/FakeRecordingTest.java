package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeRecordingTest extends FakeTestBase {
    @Test
    void recordsEveryRequestWithItsTokenAndMasksTheTokenWhenPrinted() {
        f.a.get(VOLUMES + "?page=1");
        f.b.post(VOLUMES, f.volumeBody(f.orgB, "b", 10_000_000_000L));
        f.a.as(null).get(VOLUMES);
        List<RecordedRequest> rs = f.fake.requests();
        assertThat(rs).hasSize(3);
        assertThat(rs.get(0).method()).isEqualTo("GET");
        assertThat(rs.get(0).path()).isEqualTo(VOLUMES);
        assertThat(rs.get(0).query()).isEqualTo("page=1");
        assertThat(rs.get(0).usedToken(f.secretA)).isTrue();
        assertThat(rs.get(1).usedToken(f.secretB)).isTrue();
        assertThat(rs.get(1).body()).contains("\"from_empty\"");
        assertThat(rs.get(1).time()).isEqualTo(f.clock.instant());
        assertThat(rs.get(2).authToken()).isNull();
        assertThat(rs.get(0).toString()).doesNotContain(f.secretA).contains("<masked>");
        assertThatThrownBy(() -> rs.add(rs.get(0))).isInstanceOf(UnsupportedOperationException.class);
        f.fake.clearRequests();
        assertThat(f.fake.requests()).isEmpty();
        assertThat(f.fake.toString()).contains(f.fake.baseUrl());
    }

    @Test
    void inspectionReturnsCopies() {
        String id = f.a.post(VOLUMES, f.volumeBody(f.orgA, "a", 10_000_000_000L)).json().get("id").asText();
        var copy = (com.fasterxml.jackson.databind.node.ObjectNode) f.fake.volume(UUID.fromString(id)).orElseThrow();
        copy.put("size", 1);
        assertThat(f.fake.volume(UUID.fromString(id)).orElseThrow().get("size").asLong()).isEqualTo(10_000_000_000L);
        assertThat(f.fake.server(UUID.randomUUID())).isEmpty();
        assertThat(f.fake.snapshot(UUID.randomUUID())).isEmpty();
    }

    @Test
    void twoOrganizationsWorkConcurrentlyEachSeeingOnlyItsOwn() throws Exception {
        int perOrg = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> jobs = new java.util.ArrayList<>();
            for (int i = 0; i < perOrg; i++) {
                int n = i;
                jobs.add(() -> f.a.post(VOLUMES, f.volumeBody(f.orgA, "a-" + n, 10_000_000_000L)).status());
                jobs.add(() -> f.b.post(VOLUMES, f.volumeBody(f.orgB, "b-" + n, 10_000_000_000L)).status());
                jobs.add(() -> f.a.get(VOLUMES).status());
                jobs.add(() -> f.b.get("/instance/v1/zones/fr-par-1/servers").status());
            }
            for (Future<Integer> r : pool.invokeAll(jobs, 60, TimeUnit.SECONDS)) {
                assertThat(r.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        var aList = f.a.get(VOLUMES + "?page_size=100").json();
        var bList = f.b.get(VOLUMES + "?page_size=100").json();
        assertThat(aList.get("total_count").asInt()).isEqualTo(perOrg);
        assertThat(bList.get("total_count").asInt()).isEqualTo(perOrg);
        aList.get("volumes").forEach(v -> assertThat(v.get("name").asText()).startsWith("a-"));
        bList.get("volumes").forEach(v -> assertThat(v.get("project_id").asText()).isEqualTo(f.orgB.toString()));
        assertThat(f.fake.requests()).hasSize(perOrg * 4 + 2);
        long aRequests = f.fake.requests().stream().filter(r -> r.usedToken(f.secretA)).count();
        assertThat(aRequests).isEqualTo(perOrg * 2 + 1);
    }

    @Test
    void builderValidatesAndAFixedPortWorks() throws Exception {
        assertThatThrownBy(() -> FakeScaleway.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FakeScaleway.builder().resizeDelay(java.time.Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resizeDelay");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (FakeScaleway fixed = FakeScaleway.builder().port(port).build().start()) {
            assertThat(fixed.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(fixed.port()).isEqualTo(port);
            assertThatThrownBy(() -> FakeScaleway.builder().port(port).build().start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(Integer.toString(port));
        }
    }
}
