package dev.providersettings.scaleway.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every server action from every stable state: the answer, the state while it runs, which delay it lasts and where it
 * ends; and {@code allowed_actions} in each state. Boot and stop delays differ so a row with the wrong delay fails.
 */
class ServerStateMachineTest {
    private static final String SERVERS = "/instance/v1/zones/fr-par-1/servers";
    private static final Duration BOOT = Duration.ofSeconds(1);
    private static final Duration STOP = Duration.ofSeconds(3);

    private final TestClock clock = new TestClock();
    private final FakeScaleway fake = FakeScaleway.builder().clock(clock).serverBootDelay(BOOT).serverStopDelay(STOP)
            .build().start();
    private final UUID org = UUID.randomUUID();
    private final String secret = UUID.randomUUID().toString();
    private final Http http;

    ServerStateMachineTest() {
        fake.addApiKey("SCWSTATEMACHINE00000", secret, org, org);
        http = new Http(fake.baseUrl(), secret);
    }

    @AfterEach
    void close() {
        fake.close();
    }

    @ParameterizedTest(name = "{1} from {0}")
    @CsvSource(delimiter = '|', textBlock = """
            stopped          | poweron       | 202 | starting | allocating node | BOOT | running
            stopped          | poweroff      | 400 | -        | server should be running | - | -
            stopped          | stop_in_place | 400 | -        | server should be running | - | -
            stopped          | reboot        | 400 | -        | server should be running | - | -
            stopped          | terminate     | 400 | -        | server should be running | - | -
            running          | poweron       | 400 | -        | server should be stopped | - | -
            running          | poweroff      | 202 | stopping | stopping        | STOP | stopped
            running          | stop_in_place | 202 | stopping | stopping        | STOP | stopped in place
            running          | reboot        | 202 | running  | rebooting       | BOOT | running
            running          | terminate     | 202 | stopping | terminating     | STOP | gone
            stopped in place | poweron       | 202 | starting | allocating node | BOOT | running
            stopped in place | poweroff      | 202 | stopping | stopping        | STOP | stopped
            stopped in place | stop_in_place | 400 | -        | server should be running | - | -
            stopped in place | reboot        | 400 | -        | server should be running | - | -
            stopped in place | terminate     | 400 | -        | server should be running | - | -
            """)
    void actionFromStableState(String from, String action, int status, String during, String detailOrMessage,
            String delay, String end) {
        String id = serverIn(from);
        Http.Res r = action(id, action);
        assertThat(r.status()).isEqualTo(status);
        if (status == 400) {
            assertThat(r.json().get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(r.json().get("message").asText()).isEqualTo(detailOrMessage);
            assertThat(server(id).get("state").asText()).isEqualTo(from);
            return;
        }
        assertThat(r.json().get("task").get("description").asText()).isEqualTo("server_" + action);
        JsonNode now = server(id);
        assertThat(now.get("state").asText()).isEqualTo(during);
        assertThat(now.get("state_detail").asText()).isEqualTo(detailOrMessage);
        assertThat(now.get("allowed_actions")).extracting(JsonNode::asText).containsExactly("stop_in_place", "backup");
        Http.Res busy = action(id, "poweron");
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().get("type").asText()).isEqualTo("transient_state");

        clock.advance(BOOT);
        if (delay.equals("STOP")) {
            assertThat(server(id).get("state").asText()).as("still in transition after the boot delay")
                    .isEqualTo(during);
            clock.advance(STOP.minus(BOOT));
        }
        if (end.equals("gone")) {
            assertThat(http.get(SERVERS + "/" + id).status()).isEqualTo(404);
            return;
        }
        JsonNode after = server(id);
        assertThat(after.get("state").asText()).isEqualTo(end);
        assertThat(after.get("state_detail").asText()).isEqualTo(end.equals("running") ? "booting kernel" : "");
    }

    @Test
    void allowedActionsOfEachStableState() {
        assertThat(allowed(serverIn("stopped"))).containsExactly("poweron", "backup");
        assertThat(allowed(serverIn("running")))
                .containsExactly("poweroff", "terminate", "reboot", "stop_in_place", "backup");
        assertThat(allowed(serverIn("stopped in place"))).containsExactly("poweron", "poweroff", "backup");
    }

    @Test
    void unknownAndMissingActionsAreInvalidArguments() {
        String id = serverIn("stopped");
        Http.Res unknown = action(id, "backup");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("type").asText()).isEqualTo("invalid_arguments");
        assertThat(unknown.json().get("details").get(0).get("help_message").asText())
                .isEqualTo("the fake supports poweron, poweroff, stop_in_place, reboot and terminate; got 'backup'");
        Http.Res missing = http.post(SERVERS + "/" + id + "/action", "{}");
        assertThat(missing.json().get("details").get(0).get("reason").asText()).isEqualTo("required");
    }

    private String serverIn(String state) {
        Http.Res created = http.post(SERVERS, "{\"name\":\"sm\",\"commercial_type\":\"DEV1-S\",\"project\":\"" + org
                + "\",\"image\":\"fc4d4e26-849d-4e03-b933-cb1626ca8cad\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("server").get("id").asText();
        if (!state.equals("stopped")) {
            assertThat(action(id, "poweron").status()).isEqualTo(202);
            clock.advance(BOOT);
        }
        if (state.equals("stopped in place")) {
            assertThat(action(id, "stop_in_place").status()).isEqualTo(202);
            clock.advance(STOP);
        }
        assertThat(server(id).get("state").asText()).isEqualTo(state);
        return id;
    }

    private JsonNode server(String id) {
        return http.get(SERVERS + "/" + id).json().get("server");
    }

    private List<String> allowed(String id) {
        List<String> out = new ArrayList<>();
        server(id).get("allowed_actions").forEach(n -> out.add(n.asText()));
        return out;
    }

    private Http.Res action(String id, String action) {
        return http.post(SERVERS + "/" + id + "/action", "{\"action\":\"" + action + "\"}");
    }
}
