package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FakeAuthTest extends FakeTestBase {
    @Test
    void missingMalformedUnknownAndExpiredTokensGet401() {
        Http.Res none = f.a.as(null).get(VOLUMES);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("reason").asText()).isEqualTo("invalid_argument");
        assertThat(f.a.as("not-a-uuid").get(VOLUMES).json().get("reason").asText()).isEqualTo("invalid_argument");
        Http.Res unknown = f.a.as(UUID.randomUUID().toString()).get("/iam/v1alpha1/api-keys/" + Fixture.ACCESS_A);
        assertThat(unknown.status()).isEqualTo(401);
        // byte for byte the recorded body (test-alias-list-aliases cassette)
        assertThat(unknown.body()).isEqualTo("{\"message\":\"authentication is denied\",\"method\":\"api_key\","
                + "\"reason\":\"not_found\",\"type\":\"denied_authentication\"}");
        f.fake.expireApiKey(Fixture.ACCESS_B);
        assertThat(f.b.get(VOLUMES).json().get("reason").asText()).isEqualTo("expired");
    }

    @Test
    void anotherOrganizationCannotSeeOrTouchResources() {
        String vid = f.a.post(VOLUMES, f.volumeBody(f.orgA, "a-data", 10_000_000_000L)).json().get("id").asText();
        String sid = f.a.post("/instance/v1/zones/fr-par-1/servers", f.serverBody(f.orgA, "a-srv")).json()
                .get("server").get("id").asText();
        f.b.post(VOLUMES, f.volumeBody(f.orgB, "b-data", 10_000_000_000L));

        Http.Res get = f.b.get(VOLUMES + "/" + vid);
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.json().get("resource").asText()).isEqualTo("volume");
        assertThat(f.b.patch(VOLUMES + "/" + vid, "{\"size\":20000000000}").status()).isEqualTo(404);
        assertThat(f.b.delete(VOLUMES + "/" + vid).status()).isEqualTo(404);
        assertThat(f.b.get("/instance/v1/zones/fr-par-1/servers/" + sid).status()).isEqualTo(404);
        assertThat(f.b.post("/instance/v1/zones/fr-par-1/servers/" + sid + "/action", "{\"action\":\"poweron\"}")
                .status()).isEqualTo(404);

        JsonNode bList = f.b.get(VOLUMES).json();
        assertThat(bList.get("total_count").asInt()).isEqualTo(1);
        assertThat(bList.get("volumes").get(0).get("name").asText()).isEqualTo("b-data");
        assertThat(f.b.get(VOLUMES + "?project_id=" + f.orgA).json().get("total_count").asInt()).isZero();
        assertThat(f.b.get("/instance/v1/zones/fr-par-1/servers").header("X-Total-Count")).isEqualTo("0");
        assertThat(f.a.get("/instance/v1/zones/fr-par-1/servers").header("X-Total-Count")).isEqualTo("1");

        Http.Res foreignCreate = f.b.post(VOLUMES, f.volumeBody(f.orgA, "intruder", 10_000_000_000L));
        assertThat(foreignCreate.status()).isEqualTo(403);
        assertThat(foreignCreate.json().get("type").asText()).isEqualTo("permissions_denied");
        assertThat(foreignCreate.json().get("details").get(0).get("action").asText()).isEqualTo("write");
        assertThat(f.b.post("/instance/v1/zones/fr-par-1/servers", f.serverBody(f.orgA, "x")).status()).isEqualTo(403);
        assertThat(f.b.post(VOLUMES, f.volumeBody(UUID.randomUUID(), "nowhere", 10_000_000_000L)).status())
                .isEqualTo(403);
        assertThat(f.a.get(VOLUMES).json().get("total_count").asInt()).isEqualTo(2);
    }

    @Test
    void keyRestrictedToProjectsSeesOnlyThose() {
        UUID p1 = UUID.randomUUID();
        UUID p2 = UUID.randomUUID();
        f.fake.addProject(p1, f.orgA).addProject(p2, f.orgA);
        String limitedSecret = UUID.randomUUID().toString();
        f.fake.addApiKey("SCWLIMITED0000000000", limitedSecret, p1, f.orgA);
        f.fake.restrictKeyToProjects("SCWLIMITED0000000000", p1);
        Http limited = f.a.as(limitedSecret);
        String inP2 = f.a.post(VOLUMES, f.volumeBody(p2, "p2", 10_000_000_000L)).json().get("id").asText();
        assertThat(limited.post(VOLUMES, f.volumeBody(p1, "p1", 10_000_000_000L)).status()).isEqualTo(200);
        assertThat(limited.post(VOLUMES, f.volumeBody(p2, "p2b", 10_000_000_000L)).status()).isEqualTo(403);
        assertThat(limited.get(VOLUMES + "/" + inP2).status()).isEqualTo(404);
        assertThat(limited.get(VOLUMES).json().get("total_count").asInt()).isEqualTo(1);
    }

    @Test
    void iamLookupsResolveTheOrganizationThroughApplicationUserAndProject() {
        JsonNode key = f.a.get("/iam/v1alpha1/api-keys/" + Fixture.ACCESS_A).json();
        assertThat(key.get("access_key").asText()).isEqualTo(Fixture.ACCESS_A);
        assertThat(key.get("secret_key").isNull()).isTrue();
        assertThat(key.has("organization_id")).as("IAM has no organization on the key").isFalse();
        assertThat(key.has("user_id")).isFalse();
        assertThat(key.get("default_project_id").asText()).isEqualTo(f.orgA.toString());
        String appId = key.get("application_id").asText();
        assertThat(appId).isEqualTo(f.fake.keyOwner(Fixture.ACCESS_A).orElseThrow().toString());
        JsonNode app = f.a.get("/iam/v1alpha1/applications/" + appId).json();
        assertThat(app.get("organization_id").asText()).isEqualTo(f.orgA.toString());

        JsonNode bKey = f.b.get("/iam/v1alpha1/api-keys/" + Fixture.ACCESS_B).json();
        assertThat(bKey.has("application_id")).isFalse();
        JsonNode user = f.b.get("/iam/v1alpha1/users/" + bKey.get("user_id").asText()).json();
        assertThat(user.get("organization_id").asText()).isEqualTo(f.orgB.toString());

        JsonNode project = f.a.get("/account/v3/projects/" + f.orgA).json();
        assertThat(project.get("organization_id").asText()).isEqualTo(f.orgA.toString());
        assertThat(project.get("name").asText()).isEqualTo("default");
        JsonNode projects = f.a.get("/account/v3/projects?organization_id=" + f.orgA).json();
        assertThat(projects.get("total_count").asInt()).isEqualTo(1);

        assertThat(f.b.get("/iam/v1alpha1/api-keys/" + Fixture.ACCESS_A).status()).isEqualTo(404);
        assertThat(f.b.get("/iam/v1alpha1/applications/" + appId).status()).isEqualTo(404);
        assertThat(f.b.get("/account/v3/projects/" + f.orgA).status()).isEqualTo(404);
        assertThat(f.a.get("/iam/v1alpha1/api-keys/SCWXXXXXXXXXXXXXXXXX").json().get("resource").asText())
                .isEqualTo("api_key");
    }

    @Test
    void keyWithoutIamReadRightsGetsTheRecorded403() {
        f.fake.iamReadAllowed(Fixture.ACCESS_A, false);
        Http.Res r = f.a.get("/iam/v1alpha1/api-keys/" + Fixture.ACCESS_A);
        assertThat(r.status()).isEqualTo(403);
        // byte for byte the recorded body (test-init-autocomplete-linux-bash cassette)
        assertThat(r.body()).isEqualTo("{\"details\":[{\"action\":\"read\",\"resource\":\"api_key\"}],"
                + "\"message\":\"insufficient permissions\",\"type\":\"permissions_denied\"}");
        assertThat(f.a.get(VOLUMES).status()).as("other APIs still work").isEqualTo(200);
        f.fake.iamReadAllowed(Fixture.ACCESS_A, true);
        assertThat(f.a.get("/iam/v1alpha1/api-keys/" + Fixture.ACCESS_A).status()).isEqualTo(200);
    }

    @Test
    void seedingRejectsBadKeysWithHelpfulMessages() {
        assertThatThrownBy(() -> f.fake.addApiKey("BAD", "s", f.orgA, f.orgA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SCW");
        assertThatThrownBy(() -> f.fake.addApiKey(Fixture.ACCESS_A, UUID.randomUUID().toString(), f.orgA, f.orgA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered")
                .hasMessageNotContaining(f.secretA);
        assertThatThrownBy(() -> f.fake.addProject(f.orgA, f.orgB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already belongs");
        assertThatThrownBy(() -> f.fake.iamReadAllowed("SCWNOPE00000000000000", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addApiKey");
    }

    @Test
    void unknownRoutesSayWhatIsNotImplemented() {
        Http.Res r = f.a.get("/marketplace/v2/local-images");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("message").asText()).contains("does not implement GET /marketplace/v2/local-images");
    }
}
