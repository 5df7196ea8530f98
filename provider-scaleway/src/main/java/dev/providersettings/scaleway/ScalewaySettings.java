package dev.providersettings.scaleway;

import java.util.List;

/**
 * The setting keys of the {@code scaleway} provider, and the values they accept. Use these constants when writing
 * settings ({@code SettingsService.update(org, "scaleway", Map.of(ScalewaySettings.PROJECT_ID, ...))}).
 */
public final class ScalewaySettings {

    /** Project every resource is created in (UUID, required). An organization's default project has its UUID. */
    public static final String PROJECT_ID = "SCALEWAY_PROJECT_ID";
    /** The API secret key sent as {@code X-Auth-Token} (UUID, secret, required). */
    public static final String SECRET_KEY = "SCALEWAY_SECRET_KEY";
    /** The API access key id ({@code SCW} + 17 of {@code [A-Z0-9]}); only identifies the key, never sent as auth. */
    public static final String ACCESS_KEY = "SCALEWAY_ACCESS_KEY";
    /** The Scaleway organization the key and project must belong to (UUID). */
    public static final String ORGANIZATION_ID = "SCALEWAY_ORGANIZATION_ID";
    /** The zone used when a call does not name one (default {@value #DEFAULT_ZONE_VALUE}). */
    public static final String DEFAULT_ZONE = "SCALEWAY_DEFAULT_ZONE";
    /**
     * Not a setting: where requests go is host configuration, {@code ScalewayProviderFactory.builder().baseUrl(...)},
     * because whoever may write an organization's settings must not choose where its secret key is sent. Writing this
     * key is rejected with {@link dev.providersettings.exception.InvalidSettingException} naming that fix; a stored
     * value is ignored, with one warning per factory naming the key. Remove stored values with
     * {@code SettingsUpdate.builder().remove(API_URL)}.
     *
     * @deprecated configure {@code ScalewayProviderFactory.Builder#baseUrl(String)} instead
     */
    @Deprecated
    public static final String API_URL = "SCALEWAY_API_URL";

    /** The default of {@link #DEFAULT_ZONE}. */
    public static final String DEFAULT_ZONE_VALUE = "fr-par-1";
    /** The default API base URL of {@code ScalewayProviderFactory}. */
    public static final String DEFAULT_API_URL = "https://api.scaleway.com";

    /** The zones the API serves (region = first two segments). */
    public static final List<String> ZONES = List.of(
            "fr-par-1", "fr-par-2", "fr-par-3",
            "nl-ams-1", "nl-ams-2", "nl-ams-3",
            "pl-waw-1", "pl-waw-2", "pl-waw-3",
            "it-mil-1");

    /** The access key format the official SDK enforces. */
    public static final String ACCESS_KEY_REGEX = "SCW[A-Z0-9]{17}";

    private ScalewaySettings() {
    }
}
