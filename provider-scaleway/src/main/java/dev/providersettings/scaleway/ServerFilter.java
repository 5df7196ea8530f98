package dev.providersettings.scaleway;

import java.util.List;

/** Filters of {@link ScalewayProvider#listServers}. Every component is optional (null = no filter). */
public record ServerFilter(String project, String organization, String name, String state, String commercialType,
                           List<String> tags) {

    public ServerFilter {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** No filter. */
    public static ServerFilter all() {
        return new ServerFilter(null, null, null, null, null, List.of());
    }

    /** Servers of one project. */
    public static ServerFilter project(String projectId) {
        return new ServerFilter(projectId, null, null, null, null, List.of());
    }

    public ServerFilter withName(String value) {
        return new ServerFilter(project, organization, value, state, commercialType, tags);
    }

    public ServerFilter withState(String value) {
        return new ServerFilter(project, organization, name, value, commercialType, tags);
    }

    public ServerFilter withTags(String... values) {
        return new ServerFilter(project, organization, name, state, commercialType, List.of(values));
    }
}
