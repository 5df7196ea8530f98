package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FakeBlockTest extends FakeTestBase {
    private static final String V1ALPHA1_VOLUMES = "/block/v1alpha1/zones/fr-par-1/volumes";

    private JsonNode createAvailable(String name, long size) {
        Http.Res r = f.a.post(V1ALPHA1_VOLUMES, f.volumeBody(f.orgA, name, size));
        assertThat(r.status()).isEqualTo(200);
        f.clock.advance(Duration.ofSeconds(1));
        return r.json();
    }

    @Test
    void createdVolumeIsCreatingThenAvailable() {
        Http.Res r = f.a.post(V1ALPHA1_VOLUMES, f.volumeBody(f.orgA, "data", 20_000_000_000L));
        assertThat(r.status()).isEqualTo(200);
        JsonNode v = r.json();
        assertThat(v.get("status").asText()).isEqualTo("creating");
        assertThat(v.get("size").isIntegralNumber()).isTrue();
        assertThat(v.get("size").asLong()).isEqualTo(20_000_000_000L);
        assertThat(v.get("type").asText()).isEqualTo("sbs_5k");
        assertThat(v.get("project_id").asText()).isEqualTo(f.orgA.toString());
        assertThat(v.has("kms_key_id")).as("v1alpha1 as recorded has no kms_key_id").isFalse();
        assertThat(r.header("X-Request-Id")).isNotBlank();

        f.clock.advance(Duration.ofMillis(100));
        Http.Res got = f.a.get(V1ALPHA1_VOLUMES + "/" + v.get("id").asText());
        assertThat(got.json().get("status").asText()).isEqualTo("available");
        assertThat(f.a.get("/block/v1/zones/fr-par-1/volumes/" + v.get("id").asText()).json().has("kms_key_id")).isTrue();
    }

    @Test
    void resizeAnswersOldSizeAndUpdatingThenNewSize() {
        String id = createAvailable("data", 20_000_000_000L).get("id").asText();
        Http.Res patch = f.a.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"size\":30000000000}");
        assertThat(patch.status()).isEqualTo(200);
        assertThat(patch.json().get("size").asLong()).isEqualTo(20_000_000_000L);
        assertThat(patch.json().get("status").asText()).isEqualTo("updating");
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "/" + id).json().get("status").asText()).isEqualTo("updating");

        Http.Res again = f.a.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"size\":40000000000}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asText()).isEqualTo("transient_state");
        assertThat(again.json().get("current_state").asText()).isEqualTo("updating");

        f.clock.advance(Duration.ofMillis(300));
        JsonNode after = f.a.get(V1ALPHA1_VOLUMES + "/" + id).json();
        assertThat(after.get("size").asLong()).isEqualTo(30_000_000_000L);
        assertThat(after.get("status").asText()).isEqualTo("available");
        assertThat(f.fake.volume(UUID.fromString(id)).orElseThrow().get("size").asLong()).isEqualTo(30_000_000_000L);
    }

    @Test
    void resizeRejectsShrinkFractionalGigabytesAndOutOfRangeSizes() {
        String id = createAvailable("data", 20_000_000_000L).get("id").asText();
        for (String size : new String[] {"10000000000", "25500000000", "20000000001", "11000000000000", "500000000",
                "\"big\""}) {
            Http.Res r = f.a.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"size\":" + size + "}");
            assertThat(r.status()).as("size %s", size).isEqualTo(400);
            JsonNode e = r.json();
            assertThat(e.get("type").asText()).isEqualTo("invalid_arguments");
            assertThat(e.get("details").get(0).get("argument_name").asText()).isEqualTo("size");
            assertThat(e.get("details").get(0).get("reason").asText()).isIn("constraint", "format");
            assertThat(e.get("details").get(0).get("help_message").asText()).isNotBlank();
        }
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "/" + id).json().get("size").asLong()).isEqualTo(20_000_000_000L);
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "/" + id).json().get("status").asText()).isEqualTo("available");
    }

    @Test
    void renameIsImmediateAndIopsChangeGoesThroughUpdating() {
        String id = createAvailable("data", 10_000_000_000L).get("id").asText();
        Http.Res rename = f.a.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"name\":\"renamed\",\"tags\":[\"x\"]}");
        assertThat(rename.json().get("name").asText()).isEqualTo("renamed");
        assertThat(rename.json().get("status").asText()).isEqualTo("available");
        Http.Res iops = f.a.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"perf_iops\":15000}");
        assertThat(iops.json().get("type").asText()).isEqualTo("sbs_5k");
        assertThat(iops.json().get("status").asText()).isEqualTo("updating");
        f.clock.advance(Duration.ofSeconds(1));
        JsonNode v = f.a.get(V1ALPHA1_VOLUMES + "/" + id).json();
        assertThat(v.get("type").asText()).isEqualTo("sbs_15k");
        assertThat(v.get("specs").get("perf_iops").asInt()).isEqualTo(15000);
        assertThat(f.a.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"perf_iops\":7000}").status()).isEqualTo(400);
    }

    @Test
    void deleteThenNotFoundWithTheRecordedBody() {
        String id = createAvailable("data", 10_000_000_000L).get("id").asText();
        Http.Res del = f.a.delete(V1ALPHA1_VOLUMES + "/" + id);
        assertThat(del.status()).isEqualTo(204);
        assertThat(del.body()).isEmpty();
        Http.Res gone = f.a.get(V1ALPHA1_VOLUMES + "/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo("{\"message\":\"resource is not found\",\"resource\":\"volume\",\"resource_id\":\""
                + id + "\",\"type\":\"not_found\"}");
        assertThat(f.a.delete(V1ALPHA1_VOLUMES + "/" + id).status()).isEqualTo(404);
        assertThat(f.fake.volume(UUID.fromString(id))).isEmpty();
    }

    @Test
    void creatingVolumeCannotBeDeletedAndBadInputIsRejected() {
        String id = f.a.post(V1ALPHA1_VOLUMES, f.volumeBody(f.orgA, "new", 10_000_000_000L)).json().get("id").asText();
        Http.Res del = f.a.delete(V1ALPHA1_VOLUMES + "/" + id);
        assertThat(del.status()).isEqualTo(409);
        assertThat(del.json().get("current_state").asText()).isEqualTo("creating");
        assertThat(f.a.post(V1ALPHA1_VOLUMES, "{\"project_id\":\"" + f.orgA + "\"}").json().get("details").get(0)
                .get("argument_name").asText()).isEqualTo("from_empty");
        assertThat(f.a.post(V1ALPHA1_VOLUMES, "{\"from_empty\":{\"size\":1000000000}}").json().get("details").get(0)
                .get("reason").asText()).isEqualTo("required");
        assertThat(f.a.post(V1ALPHA1_VOLUMES, "{not json").status()).isEqualTo(400);
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "/not-a-uuid").json().get("details").get(0).get("reason").asText())
                .isEqualTo("format");
        assertThat(f.a.get("/block/v1/zones/xx-yyy-9/volumes").status()).isEqualTo(400);
    }

    @Test
    void listIsPaginatedAndFiltered() {
        UUID other = UUID.randomUUID();
        f.fake.addProject(other, f.orgA);
        for (int i = 0; i < 5; i++) {
            f.a.post(V1ALPHA1_VOLUMES, f.volumeBody(f.orgA, "vol-" + i, 10_000_000_000L));
            f.clock.advance(Duration.ofMillis(10));
        }
        f.a.post(V1ALPHA1_VOLUMES, f.volumeBody(other, "elsewhere", 10_000_000_000L));
        JsonNode page1 = f.a.get(V1ALPHA1_VOLUMES + "?page=1&page_size=2&project_id=" + f.orgA).json();
        assertThat(page1.get("total_count").asInt()).isEqualTo(5);
        assertThat(page1.get("volumes")).hasSize(2);
        assertThat(page1.get("volumes").get(0).get("name").asText()).isEqualTo("vol-0");
        JsonNode page3 = f.a.get(V1ALPHA1_VOLUMES + "?page=3&page_size=2&project_id=" + f.orgA).json();
        assertThat(page3.get("volumes")).hasSize(1);
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "?page=4&page_size=2&project_id=" + f.orgA).json().get("volumes")).isEmpty();
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "?organization_id=" + f.orgA).json().get("total_count").asInt()).isEqualTo(6);
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "?name=vol-3").json().get("total_count").asInt()).isEqualTo(1);
        assertThat(f.a.get(V1ALPHA1_VOLUMES + "?order_by=created_at_desc").json().get("volumes").get(0).get("name").asText())
                .isEqualTo("elsewhere");
        Http.Res tooBig = f.a.get(V1ALPHA1_VOLUMES + "?page_size=101");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().get("details").get(0).get("argument_name").asText()).isEqualTo("page_size");
        assertThat(f.a.get("/block/v1alpha1/zones/nl-ams-1/volumes").json().get("total_count").asInt()).isZero();
    }

    @Test
    void snapshotsLifecycleAndVolumeFromSnapshot() {
        String volumeId = createAvailable("src", 20_000_000_000L).get("id").asText();
        String snaps = "/block/v1/zones/fr-par-1/snapshots";
        Http.Res created = f.a.post(snaps, "{\"volume_id\":\"" + volumeId + "\",\"name\":\"snap\",\"project_id\":\""
                + f.orgA + "\",\"tags\":[]}");
        assertThat(created.status()).isEqualTo(200);
        JsonNode s = created.json();
        assertThat(s.get("status").asText()).isEqualTo("creating");
        assertThat(s.get("size").asLong()).isEqualTo(20_000_000_000L);
        assertThat(s.get("parent_volume").get("id").asText()).isEqualTo(volumeId);
        String sid = s.get("id").asText();

        Http.Res tooEarly = f.a.post("/block/v1/zones/fr-par-1/volumes", "{\"project_id\":\"" + f.orgA
                + "\",\"from_snapshot\":{\"snapshot_id\":\"" + sid + "\"}}");
        assertThat(tooEarly.status()).isEqualTo(409);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.a.get(snaps + "/" + sid).json().get("status").asText()).isEqualTo("available");
        assertThat(f.a.get(snaps + "?volume_id=" + volumeId).json().get("total_count").asInt()).isEqualTo(1);
        assertThat(f.a.patch(snaps + "/" + sid, "{\"name\":\"renamed\"}").json().get("name").asText())
                .isEqualTo("renamed");

        Http.Res smaller = f.a.post("/block/v1/zones/fr-par-1/volumes", "{\"project_id\":\"" + f.orgA
                + "\",\"from_snapshot\":{\"snapshot_id\":\"" + sid + "\",\"size\":10000000000}}");
        assertThat(smaller.status()).isEqualTo(400);
        JsonNode restored = f.a.post("/block/v1/zones/fr-par-1/volumes", "{\"project_id\":\"" + f.orgA
                + "\",\"from_snapshot\":{\"snapshot_id\":\"" + sid + "\"}}").json();
        assertThat(restored.get("size").asLong()).isEqualTo(20_000_000_000L);
        assertThat(restored.get("parent_snapshot_id").asText()).isEqualTo(sid);

        assertThat(f.a.delete(snaps + "/" + sid).status()).isEqualTo(204);
        assertThat(f.a.get(snaps + "/" + sid).json().get("resource").asText()).isEqualTo("snapshot");
    }

    @Test
    void withoutATestClockTransitionsFollowRealTime() throws Exception {
        try (FakeScaleway fake = FakeScaleway.builder().volumeCreateDelay(Duration.ofMillis(20))
                .resizeDelay(Duration.ofMillis(50)).build().start()) {
            UUID org = UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            fake.addApiKey("SCWREALTIME000000000", secret, org, org);
            Http http = new Http(fake.baseUrl(), secret);
            String id = http.post(V1ALPHA1_VOLUMES, f.volumeBody(org, "rt", 10_000_000_000L)).json().get("id").asText();
            awaitVolume(http, id, v -> v.get("status").asText().equals("available"));
            assertThat(http.patch(V1ALPHA1_VOLUMES + "/" + id, "{\"size\":12000000000}").json().get("status").asText())
                    .isEqualTo("updating");
            JsonNode resized = awaitVolume(http, id, v -> v.get("size").asLong() == 12_000_000_000L);
            assertThat(resized.get("status").asText()).isEqualTo("available");
        }
    }

    private static JsonNode awaitVolume(Http http, String id, java.util.function.Predicate<JsonNode> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // a bound against hangs only
        while (true) {
            JsonNode v = http.get(V1ALPHA1_VOLUMES + "/" + id).json();
            if (done.test(v)) {
                return v;
            }
            assertThat(System.nanoTime()).as("volume %s never reached the expected state: %s", id, v)
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
