package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FakeInstanceTest extends FakeTestBase {
    private static final String SERVERS = "/instance/v1/zones/fr-par-1/servers";

    private JsonNode create(String name) {
        Http.Res r = f.a.post(SERVERS, f.serverBody(f.orgA, name));
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("server");
    }

    private String state(String id) {
        return f.a.get(SERVERS + "/" + id).json().get("server").get("state").asText();
    }

    private Http.Res action(String id, String action) {
        return f.a.post(SERVERS + "/" + id + "/action", "{\"action\":\"" + action + "\"}");
    }

    @Test
    void createAnswers201WithLocationAndCreatesAnAttachedBlockVolume() {
        Http.Res r = f.a.post(SERVERS, f.serverBody(f.orgA, "gpu-1"));
        assertThat(r.status()).isEqualTo(201);
        JsonNode s = r.json().get("server");
        String id = s.get("id").asText();
        assertThat(r.header("Location")).isEqualTo(f.fake.baseUrl() + SERVERS + "/" + id);
        assertThat(s.get("state").asText()).isEqualTo("stopped");
        assertThat(s.get("organization").asText()).isEqualTo(f.orgA.toString());
        assertThat(s.get("allowed_actions")).extracting(JsonNode::asText).containsExactly("poweron", "backup");
        JsonNode vol = s.get("volumes").get("0");
        assertThat(vol.get("volume_type").asText()).isEqualTo("sbs_volume");

        JsonNode block = f.a.get("/block/v1/zones/fr-par-1/volumes/" + vol.get("id").asText()).json();
        assertThat(block.get("status").asText()).isEqualTo("in_use");
        assertThat(block.get("name").asText()).isEqualTo("Ubuntu 20.04 Focal Fossa_sbs_volume_0");
        assertThat(block.get("references").get(0).get("product_resource_id").asText()).isEqualTo(id);
        assertThat(block.get("references").get(0).get("product_resource_type").asText()).isEqualTo("instance_server");
        assertThat(f.a.get("/block/v1/zones/fr-par-1/volumes?product_resource_id=" + id).json()
                .get("total_count").asInt()).isEqualTo(1);
        // recorded: an SBS volume is not an Instance volume
        Http.Res instanceVolume = f.a.get("/instance/v1/zones/fr-par-1/volumes/" + vol.get("id").asText());
        assertThat(instanceVolume.status()).isEqualTo(404);
        assertThat(instanceVolume.json().get("resource").asText()).isEqualTo("instance_volume");
        assertThat(f.fake.server(UUID.fromString(id))).isPresent();
    }

    @Test
    void poweronGoesStartingThenRunningWithPublicIpAndRejectsRepeats() {
        String id = create("gpu-1").get("id").asText();
        Http.Res task = action(id, "poweron");
        assertThat(task.status()).isEqualTo(202);
        JsonNode t = task.json().get("task");
        assertThat(t.get("status").asText()).isEqualTo("pending");
        assertThat(t.get("href_result").asText()).isEqualTo("/servers/" + id);
        assertThat(t.get("terminated_at").isNull()).isTrue();
        assertThat(state(id)).isEqualTo("starting");

        Http.Res busy = action(id, "poweron");
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().get("type").asText()).isEqualTo("transient_state");
        assertThat(busy.json().get("resource").asText()).isEqualTo("instance_server");
        assertThat(busy.json().get("current_state").asText()).isEqualTo("starting");

        f.clock.advance(Duration.ofMillis(500));
        JsonNode running = f.a.get(SERVERS + "/" + id).json().get("server");
        assertThat(running.get("state").asText()).isEqualTo("running");
        assertThat(running.get("public_ip").get("address").asText()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(running.get("public_ips")).hasSize(1);
        assertThat(running.get("location").isObject()).isTrue();

        Http.Res again = action(id, "poweron");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(again.json().get("message").asText()).isEqualTo("server should be stopped");
        Http.Res unknown = action(id, "explode");
        assertThat(unknown.status()).isEqualTo(400);
    }

    @Test
    void poweroffStopsAndDeleteDetachesTheVolume() {
        JsonNode s = create("gpu-1");
        String id = s.get("id").asText();
        String volumeId = s.get("volumes").get("0").get("id").asText();
        action(id, "poweron");
        f.clock.advance(Duration.ofSeconds(1));
        Http.Res deleteRunning = f.a.delete(SERVERS + "/" + id);
        assertThat(deleteRunning.status()).isEqualTo(400);
        assertThat(deleteRunning.json().get("message").asText()).isEqualTo("server should be stopped");

        assertThat(action(id, "poweroff").status()).isEqualTo(202);
        assertThat(state(id)).isEqualTo("stopping");
        f.clock.advance(Duration.ofSeconds(1));
        JsonNode stopped = f.a.get(SERVERS + "/" + id).json().get("server");
        assertThat(stopped.get("state").asText()).isEqualTo("stopped");
        assertThat(stopped.get("public_ip").isNull()).isTrue();

        assertThat(f.a.delete(SERVERS + "/" + id).status()).isEqualTo(204);
        assertThat(f.a.get(SERVERS + "/" + id).status()).isEqualTo(404);
        JsonNode vol = f.a.get("/block/v1/zones/fr-par-1/volumes/" + volumeId).json();
        assertThat(vol.get("status").asText()).isEqualTo("available");
        assertThat(vol.get("references")).isEmpty();
    }

    @Test
    void terminateDeletesLocalVolumesAndDetachesSbsVolumes() {
        String body = "{\"name\":\"mixed\",\"commercial_type\":\"DEV1-S\",\"project\":\"" + f.orgA + "\","
                + "\"image\":\"fc4d4e26-849d-4e03-b933-cb1626ca8cad\",\"volumes\":{"
                + "\"0\":{\"size\":20000000000,\"volume_type\":\"l_ssd\",\"boot\":true},"
                + "\"1\":{\"size\":50000000000,\"volume_type\":\"sbs_volume\"}}}";
        JsonNode s = f.a.post(SERVERS, body).json().get("server");
        String id = s.get("id").asText();
        String local = s.get("volumes").get("0").get("id").asText();
        String sbs = s.get("volumes").get("1").get("id").asText();
        assertThat(s.get("volumes").get("0").get("size").asLong()).isEqualTo(20_000_000_000L);
        assertThat(f.a.get("/instance/v1/zones/fr-par-1/volumes/" + local).json().get("volume").get("volume_type")
                .asText()).isEqualTo("l_ssd");

        Http.Res stoppedTerminate = action(id, "terminate");
        assertThat(stoppedTerminate.status()).isEqualTo(400);
        assertThat(stoppedTerminate.json().get("message").asText()).isEqualTo("server should be running");

        action(id, "poweron");
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(action(id, "terminate").status()).isEqualTo(202);
        JsonNode stopping = f.a.get(SERVERS + "/" + id).json().get("server");
        assertThat(stopping.get("state").asText()).isEqualTo("stopping");
        assertThat(stopping.get("state_detail").asText()).isEqualTo("terminating");
        f.clock.advance(Duration.ofSeconds(1));

        Http.Res gone = f.a.get(SERVERS + "/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("resource").asText()).isEqualTo("instance_server");
        assertThat(f.a.get("/instance/v1/zones/fr-par-1/volumes/" + local).status()).isEqualTo(404);
        JsonNode vol = f.a.get("/block/v1/zones/fr-par-1/volumes/" + sbs).json();
        assertThat(vol.get("status").asText()).isEqualTo("available");
        assertThat(vol.get("last_detached_at").isTextual()).isTrue();
        assertThat(f.a.delete("/block/v1/zones/fr-par-1/volumes/" + sbs).status()).isEqualTo(204);
    }

    @Test
    void attachedVolumeCanBeResizedButNotDeleted() {
        JsonNode s = create("gpu-1");
        String volumeId = s.get("volumes").get("0").get("id").asText();
        String path = "/block/v1/zones/fr-par-1/volumes/" + volumeId;
        Http.Res del = f.a.delete(path);
        assertThat(del.status()).isEqualTo(412);
        assertThat(del.json().get("type").asText()).isEqualTo("precondition_failed");
        assertThat(del.json().get("precondition").asText()).isEqualTo("resource_still_in_use");

        Http.Res patch = f.a.patch(path, "{\"size\":20000000000}");
        assertThat(patch.json().get("status").asText()).isEqualTo("updating");
        assertThat(patch.json().get("size").asLong()).isEqualTo(10_000_000_000L);
        f.clock.advance(Duration.ofMillis(300));
        JsonNode v = f.a.get(path).json();
        assertThat(v.get("status").asText()).isEqualTo("in_use");
        assertThat(v.get("size").asLong()).isEqualTo(20_000_000_000L);
    }

    @Test
    void existingVolumeCanBeAttachedAtCreation() {
        String vid = f.a.post("/block/v1/zones/fr-par-1/volumes", f.volumeBody(f.orgA, "data", 10_000_000_000L))
                .json().get("id").asText();
        String body = "{\"name\":\"att\",\"commercial_type\":\"PRO2-XS\",\"project\":\"" + f.orgA
                + "\",\"volumes\":{\"0\":{\"id\":\"" + vid + "\",\"boot\":true}}}";
        assertThat(f.a.post(SERVERS, body).status()).as("volume still creating").isEqualTo(400);
        f.clock.advance(Duration.ofSeconds(1));
        Http.Res r = f.a.post(SERVERS, body);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("server").get("image").isNull()).isTrue();
        assertThat(f.a.get("/block/v1/zones/fr-par-1/volumes/" + vid).json().get("status").asText()).isEqualTo("in_use");
    }

    @Test
    void createValidatesItsInputAndWritesNothingOnError() {
        assertThat(f.a.post(SERVERS, "{\"project\":\"" + f.orgA + "\"}").json().get("details").get(0)
                .get("argument_name").asText()).isEqualTo("commercial_type");
        assertThat(f.a.post(SERVERS, "{\"commercial_type\":\"NOPE\",\"project\":\"" + f.orgA + "\"}").status())
                .isEqualTo(400);
        assertThat(f.a.post(SERVERS, "{\"commercial_type\":\"DEV1-S\"}").json().get("details").get(0)
                .get("argument_name").asText()).isEqualTo("project");
        Http.Res badImage = f.a.post(SERVERS, "{\"commercial_type\":\"DEV1-S\",\"project\":\"" + f.orgA
                + "\",\"image\":\"" + UUID.randomUUID() + "\"}");
        assertThat(badImage.status()).isEqualTo(404);
        assertThat(badImage.json().get("resource").asText()).isEqualTo("instance_image");
        Http.Res badSecondVolume = f.a.post(SERVERS, "{\"commercial_type\":\"DEV1-S\",\"project\":\"" + f.orgA
                + "\",\"volumes\":{\"0\":{\"size\":10000000000,\"volume_type\":\"sbs_volume\"},"
                + "\"1\":{\"size\":10000000000,\"volume_type\":\"b_ssd\"}}}");
        assertThat(badSecondVolume.status()).isEqualTo(400);
        assertThat(f.a.get("/block/v1/zones/fr-par-1/volumes").json().get("total_count").asInt())
                .as("no half-created server volume").isZero();
        assertThat(f.a.get(SERVERS).header("X-Total-Count")).isEqualTo("0");
        Http.Res byOrg = f.a.post(SERVERS, "{\"commercial_type\":\"DEV1-S\",\"organization\":\"" + f.orgA + "\"}");
        assertThat(byOrg.status()).isEqualTo(201);
        assertThat(byOrg.json().get("server").get("project").asText()).isEqualTo(f.orgA.toString());
    }

    @Test
    void listHasTotalCountLinkAndFilters() {
        for (int i = 0; i < 5; i++) {
            create("node-" + i);
            f.clock.advance(Duration.ofMillis(10));
        }
        f.a.post(SERVERS, "{\"name\":\"other\",\"commercial_type\":\"PRO2-XS\",\"project\":\"" + f.orgA
                + "\",\"tags\":[\"cpu\"]}");
        Http.Res p1 = f.a.get(SERVERS + "?page=1&per_page=2");
        assertThat(p1.header("X-Total-Count")).isEqualTo("6");
        assertThat(p1.json().get("servers")).hasSize(2);
        assertThat(p1.json().has("total_count")).as("Instance lists carry the total only in the header").isFalse();
        assertThat(p1.header("Link")).isEqualTo("</servers?page=2&per_page=2&>; rel=\"next\","
                + "</servers?page=3&per_page=2&>; rel=\"last\"");
        Http.Res p3 = f.a.get(SERVERS + "?page=3&per_page=2");
        assertThat(p3.header("Link")).isEqualTo("</servers?page=1&per_page=2&>; rel=\"first\","
                + "</servers?page=2&per_page=2&>; rel=\"previous\",</servers?page=3&per_page=2&>; rel=\"last\"");
        assertThat(f.a.get(SERVERS + "?commercial_type=PRO2-XS").header("X-Total-Count")).isEqualTo("1");
        assertThat(f.a.get(SERVERS + "?tags=gpu,test").header("X-Total-Count")).isEqualTo("5");
        assertThat(f.a.get(SERVERS + "?tags=gpu&tags=cpu").header("X-Total-Count")).isEqualTo("0");
        assertThat(f.a.get(SERVERS + "?name=node-3").header("X-Total-Count")).isEqualTo("1");
        assertThat(f.a.get(SERVERS + "?state=running").header("X-Total-Count")).isEqualTo("0");
        assertThat(f.a.get(SERVERS + "?project=" + f.orgA + "&organization=" + f.orgA).header("X-Total-Count"))
                .isEqualTo("6");
        assertThat(f.a.get(SERVERS + "?per_page=101").status()).isEqualTo(400);
        assertThat(f.a.get("/instance/v1/zones/fr-par-2/servers").header("X-Total-Count")).isEqualTo("0");
    }

    @Test
    void serverTypesAreAPaginatedMap() {
        f.fake.addServerType("TEST-1", 4, 8L << 30, 0, 0.05);
        Http.Res all = f.a.get("/instance/v1/zones/fr-par-1/products/servers");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.header("X-Total-Count")).isEqualTo("6");
        JsonNode types = all.json().get("servers");
        assertThat(types.isObject()).isTrue();
        assertThat(types.fieldNames()).toIterable()
                .contains("GPU-3070-S", "L4-1-24G", "H100-1-80G", "DEV1-S", "PRO2-XS", "TEST-1");
        JsonNode h100 = types.get("H100-1-80G");
        assertThat(h100.get("gpu").asInt()).isEqualTo(1);
        assertThat(h100.get("ram").isIntegralNumber()).isTrue();
        assertThat(h100.get("hourly_price").isDouble()).isTrue();
        assertThat(h100.get("capabilities").get("block_storage").asBoolean()).isTrue();
        assertThat(h100.get("volumes_constraint").has("max_size")).isTrue();
        assertThat(h100.get("end_of_service").isBoolean()).isTrue();
        Http.Res page2 = f.a.get("/instance/v1/zones/fr-par-1/products/servers?page=2&per_page=4");
        assertThat(page2.json().get("servers").size()).isEqualTo(2);
        assertThat(page2.header("Link")).contains("rel=\"previous\"").doesNotContain("rel=\"next\"");
        assertThat(f.fake.serverTypes()).contains("TEST-1");
    }
}
