package dev.providersettings.scaleway;

/** The server actions this client sends to {@code POST .../servers/{id}/action}. */
public enum ServerAction {
    /** Start a stopped server ({@code stopped -> starting -> running}). */
    POWERON("poweron"),
    /** Stop a running server and release its hypervisor. */
    POWEROFF("poweroff"),
    /** Stop a running server but keep it allocated ({@code stopped in place}). */
    STOP_IN_PLACE("stop_in_place"),
    /** Reboot a running server. */
    REBOOT("reboot"),
    /** Delete the server and its local volumes; SBS volumes are only detached. */
    TERMINATE("terminate");

    private final String apiName;

    ServerAction(String apiName) {
        this.apiName = apiName;
    }

    /** The name the API expects ({@code poweron} ...). */
    public String apiName() {
        return apiName;
    }
}
