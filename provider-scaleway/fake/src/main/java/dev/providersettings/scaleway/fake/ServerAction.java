package dev.providersettings.scaleway.fake;

import dev.providersettings.scaleway.fake.Model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server state machine as one table: for each action of {@code POST servers/{id}/action}, the stable states it
 * is allowed from, the state and detail shown while it runs, the state it ends in and which configured delay it
 * lasts. {@link InstanceApi} applies a row; the clock completes it (see {@link InstanceApi#advance}).
 *
 * <p>Order matters: it is the order of {@code allowed_actions} in rendered servers, as recorded.
 */
enum ServerAction {
    // action, allowed from (the first is named in the 400), state while running, its detail, end state
    // (null: the server is gone), delay
    POWERON("poweron", List.of("stopped", "stopped in place"), "starting", "allocating node", "running", Delay.BOOT),
    POWEROFF("poweroff", List.of("running", "stopped in place"), "stopping", "stopping", "stopped", Delay.STOP),
    TERMINATE("terminate", List.of("running"), "stopping", "terminating", null, Delay.STOP),
    REBOOT("reboot", List.of("running"), "running", "rebooting", "running", Delay.BOOT),
    STOP_IN_PLACE("stop_in_place", List.of("running"), "stopping", "stopping", "stopped in place", Delay.STOP);

    /** Which configured duration a transition lasts. */
    enum Delay { BOOT, STOP }

    final String apiName;
    final List<String> allowedFrom;
    final String transientState;
    final String transientDetail;
    final String finalState;
    final Delay delay;

    ServerAction(String apiName, List<String> allowedFrom, String transientState, String transientDetail,
            String finalState, Delay delay) {
        this.apiName = apiName;
        this.allowedFrom = allowedFrom;
        this.transientState = transientState;
        this.transientDetail = transientDetail;
        this.finalState = finalState;
        this.delay = delay;
    }

    /** Whether the server disappears when the transition ends. */
    boolean removesServer() {
        return finalState == null;
    }

    static Optional<ServerAction> byApiName(String name) {
        for (ServerAction a : values()) {
            if (a.apiName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** {@code allowed_actions} as the real API shows it: the table's actions for the state, then {@code backup}. */
    static List<String> allowedActions(Server s) {
        if (s.transitionDue != null) {
            // What the real API lists during a transition; the fake still refuses every action then (409).
            return List.of("stop_in_place", "backup");
        }
        List<String> actions = new ArrayList<>();
        for (ServerAction a : values()) {
            if (a.allowedFrom.contains(s.state)) {
                actions.add(a.apiName);
            }
        }
        actions.add("backup");
        return actions;
    }
}
