package dev.providersettings.scaleway;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.ProviderCreationException;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.SettingDefinition;
import dev.providersettings.SettingRule;
import dev.providersettings.scaleway.internal.CredentialProbe;
import dev.providersettings.scaleway.internal.Poller;
import dev.providersettings.scaleway.internal.ResizeCoordinator;
import dev.providersettings.scaleway.internal.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code scaleway} provider: declares its settings and builds a {@link ScalewayProvider} per organization.
 *
 * <p>The factory owns one transport shared by every organization: one {@link HttpClient} (one connection pool, one
 * selector thread, one cached executor whose threads follow the number of concurrent calls, not of organizations).
 * Each organization's client adds its own {@code X-Auth-Token}. {@link #close()} stops the transport; an injected
 * {@code HttpClient} is left to its owner.
 *
 * <p>Where every organization's secret key is sent is host configuration: {@link Builder#baseUrl(String)} (default
 * {@value ScalewaySettings#DEFAULT_API_URL}), https only unless the host calls
 * {@link Builder#allowInsecureEndpoint(boolean)}. No organization setting can change it:
 * {@link ScalewaySettings#API_URL} is rejected on write and ignored (with one warning) where a stored row holds it.
 *
 * <p>Registered for {@link java.util.ServiceLoader} with its defaults; build one with {@link #builder()} to change
 * the base URL, timeouts, retry policy or HTTP client.
 */
public final class ScalewayProviderFactory implements ProviderFactory<ScalewayProvider> {
    /** The provider code, {@code scaleway}. */
    public static final ProviderCode CODE = ProviderCode.of("scaleway");

    private static final Logger LOG = LoggerFactory.getLogger(ScalewayProviderFactory.class);
    private static final String URL_REGEX = "https?://[A-Za-z0-9.\\-\\[\\]:]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/\\-]*)?";
    /** Why {@link ScalewaySettings#API_URL} is refused, and what to do instead (used on write and in the warning). */
    static final String API_URL_RETIRED = "is no longer a per-organization setting: an organization must not choose "
            + "where its secret key is sent. Configure the endpoint once for the host with "
            + "ScalewayProviderFactory.builder().baseUrl(...) and remove this key with "
            + "SettingsUpdate.builder().remove(\"SCALEWAY_API_URL\")";

    @SuppressWarnings("deprecation") // declares the retired API_URL to refuse it with a useful message
    private static final List<SettingDefinition> SETTINGS = List.of(
            SettingDefinition.text(ScalewaySettings.PROJECT_ID).required().rule(SettingRule.uuid())
                    .description("Scaleway project where resources are created (UUID)")
                    .environment("SCALEWAY_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID"),
            SettingDefinition.secret(ScalewaySettings.SECRET_KEY).required().rule(SettingRule.uuid())
                    .description("Scaleway API secret key, sent as X-Auth-Token (UUID)")
                    .secretFile("scaleway_secret_key")
                    .environment("SCALEWAY_SECRET_KEY", "SCW_SECRET_KEY"),
            SettingDefinition.text(ScalewaySettings.ACCESS_KEY)
                    .rule(SettingRule.matches(ScalewaySettings.ACCESS_KEY_REGEX,
                            "'SCW' followed by 17 upper-case letters or digits"))
                    .description("Scaleway API access key id (identifies the key; used by the credential probe)")
                    .secretFile("scaleway_access_key")
                    .environment("SCALEWAY_ACCESS_KEY", "SCW_ACCESS_KEY"),
            SettingDefinition.text(ScalewaySettings.ORGANIZATION_ID).rule(SettingRule.uuid())
                    .description("Scaleway organization the key and project belong to (UUID)")
                    .environment("SCALEWAY_ORGANIZATION_ID", "SCW_DEFAULT_ORGANIZATION_ID"),
            SettingDefinition.text(ScalewaySettings.DEFAULT_ZONE)
                    .defaultValue(ScalewaySettings.DEFAULT_ZONE_VALUE)
                    .rule(SettingRule.oneOf(ScalewaySettings.ZONES.toArray(String[]::new)))
                    .description("zone used when a call names none")
                    .environment("SCALEWAY_DEFAULT_ZONE", "SCW_DEFAULT_ZONE"),
            // Retired: still declared only so that a write is refused with the fix in the message and an old stored
            // row reaches create(), which ignores it with a warning, instead of being dropped without a word.
            SettingDefinition.text(ScalewaySettings.API_URL)
                    .rule(value -> Optional.of(API_URL_RETIRED))
                    .description("retired: the API endpoint is host configuration (ScalewayProviderFactory.builder()"
                            + ".baseUrl); writes are rejected, stored values ignored"));

    private final Transport transport;
    private final URI baseUrl;
    private final Options options;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean retiredUrlWarned = new AtomicBoolean();

    /** A factory with the defaults (used by {@link java.util.ServiceLoader}). */
    public ScalewayProviderFactory() {
        this(builder());
    }

    private ScalewayProviderFactory(Builder b) {
        this.baseUrl = b.baseUrl;
        this.transport = new Transport(b.httpClient, b.connectTimeout, b.requestTimeout, b.retryPolicy,
                "provider-settings-scaleway/0.1", b.callListener);
        this.options = new Options(new Poller(b.retryPolicy, b.pollInterval), b.resizeTimeout, b.blockApiVersion,
                new ResizeCoordinator());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ProviderCode code() {
        return CODE;
    }

    @Override
    public Class<ScalewayProvider> clientType() {
        return ScalewayProvider.class;
    }

    @Override
    public List<SettingDefinition> settings() {
        return SETTINGS;
    }

    /** The retry policy of the shared transport. */
    public RetryPolicy retryPolicy() {
        return transport.retryPolicy();
    }

    @Override
    @SuppressWarnings("deprecation") // reads the retired API_URL only to warn that it is ignored
    public ScalewayProvider create(ProviderSettings settings) {
        if (closed.get()) {
            throw new ConfigurationException("ScalewayProviderFactory is closed: create providers from an open "
                    + "factory (the ProviderRegistry closes its factories on shutdown)");
        }
        UUID project = uuid(settings, ScalewaySettings.PROJECT_ID, settings.text(ScalewaySettings.PROJECT_ID));
        Secret secret = settings.secret(ScalewaySettings.SECRET_KEY);
        String accessKey = settings.optionalText(ScalewaySettings.ACCESS_KEY).orElse(null);
        if (accessKey != null && !accessKey.matches(ScalewaySettings.ACCESS_KEY_REGEX)) {
            throw new ProviderCreationException("setting " + ScalewaySettings.ACCESS_KEY + " of organization "
                    + settings.organization() + " is malformed: expected 'SCW' followed by 17 upper-case letters or "
                    + "digits", null);
        }
        UUID organization = settings.optionalText(ScalewaySettings.ORGANIZATION_ID)
                .map(v -> uuid(settings, ScalewaySettings.ORGANIZATION_ID, v)).orElse(null);
        String zone = settings.optionalText(ScalewaySettings.DEFAULT_ZONE).orElse(ScalewaySettings.DEFAULT_ZONE_VALUE);
        if (settings.has(ScalewaySettings.API_URL) && retiredUrlWarned.compareAndSet(false, true)) {
            // Stored before the key was refused on write. Never used: the value is not even read. Once per factory,
            // because it is the same fix for every organization and the cache rebuilds clients often.
            LOG.warn("setting {} stored for organization {} (and maybe others) is ignored: it {}; this factory sends "
                    + "every organization's requests to {}", ScalewaySettings.API_URL, settings.organization(),
                    API_URL_RETIRED, baseUrl);
        }
        // One URI shared by every client: a parsed URI is ~240 bytes per cached client.
        return new ScalewayProvider(settings.organization(), project, secret, accessKey, organization, zone, baseUrl,
                transport, options);
    }

    /**
     * Checks the organization's credentials against IAM, in order: access key present and well-formed
     * ({@code access_key_present}, {@code access_key_format}), key exists ({@code access_key_exists}), secret
     * accepted ({@code secret_key_accepted}), key may read IAM ({@code iam_read_permission}), key belongs to the
     * configured organization ({@code organization_matches}), project belongs to it ({@code project_in_organization}).
     * Network failures end with {@code api_reachable}. Messages never contain the secret.
     */
    @Override
    public ProbeResult probe(ProviderSettings settings) {
        ScalewayProvider provider;
        try {
            provider = create(settings);
        } catch (RuntimeException e) {
            return ProbeResult.failed("settings_valid", "cannot build the Scaleway client from the settings: "
                    + e.getMessage());
        }
        return CredentialProbe.probe(provider);
    }

    /** Stops the shared transport. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transport.close();
        }
    }

    private static UUID uuid(ProviderSettings settings, String key, String value) {
        try {
            if (value.length() != 36) {
                throw new IllegalArgumentException("length");
            }
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ProviderCreationException("setting " + key + " of organization " + settings.organization()
                    + " is not a UUID: store it as 1f0e7f4c-2f4b-4a5e-9a57-7a0c2d1f8b11", null);
        }
    }

    @Override
    public String toString() {
        return "ScalewayProviderFactory[baseUrl=" + baseUrl
                + ", " + transport.retryPolicy() + ", closed=" + closed.get() + "]";
    }

    /** Per-factory behaviour handed to every client; {@code resizes} is shared so clients of one factory coordinate. */
    record Options(Poller poller, Duration resizeTimeout, String blockApiVersion, ResizeCoordinator resizes) {
    }

    /** The API base URL every organization's requests go to. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Builds a {@link ScalewayProviderFactory}. */
    public static final class Builder {
        private URI baseUrl = URI.create(ScalewaySettings.DEFAULT_API_URL);
        private boolean allowInsecureEndpoint;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private HttpClient httpClient;
        private Duration pollInterval = Duration.ofSeconds(2);
        private Duration resizeTimeout = Duration.ofMinutes(5);
        private String blockApiVersion = "v1";
        private ScalewayCallListener callListener;

        private Builder() {
        }

        /**
         * The API base URL for every organization (default {@value ScalewaySettings#DEFAULT_API_URL}): a private
         * gateway, or a fake API in tests. Must be https unless {@link #allowInsecureEndpoint(boolean)} is set; no
         * user information, query or fragment. Checked again by {@link #build()}.
         */
        public Builder baseUrl(String value) {
            Objects.requireNonNull(value, "baseUrl");
            if (!value.matches(URL_REGEX)) {
                throw new ConfigurationException("ScalewayProviderFactory baseUrl is not an https URL of the form "
                        + "https://host[:port][/path] (no user, query or fragment): use e.g. "
                        + ScalewaySettings.DEFAULT_API_URL);
            }
            this.baseUrl = URI.create(value);
            return this;
        }

        /**
         * Whether {@link #baseUrl(String)} may be plain {@code http://} (default false). Only for a fake API or a
         * local stub in tests: every organization's secret key travels in the {@code X-Auth-Token} header, which
         * plain http sends unencrypted. A plain URL to a host that is not a loopback address is logged as a warning
         * when the factory is built.
         */
        public Builder allowInsecureEndpoint(boolean value) {
            this.allowInsecureEndpoint = value;
            return this;
        }

        /** Connect timeout of the created HTTP client (default 10 s). */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        /** Timeout of each attempt, from sending to the response headers (default 30 s). */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive("requestTimeout", value);
            return this;
        }

        /** The retry policy (default {@link RetryPolicy#defaults()}). */
        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        /** An HTTP client to use instead of creating one; the factory does not stop it. */
        public Builder httpClient(HttpClient value) {
            this.httpClient = Objects.requireNonNull(value, "httpClient");
            return this;
        }

        /** How often waits poll (default 2 s; the official SDKs poll every 5 s). */
        public Builder pollInterval(Duration value) {
            this.pollInterval = positive("pollInterval", value);
            return this;
        }

        /** How long {@link ScalewayProvider#resizeVolume(String, String, long)} waits (default 5 min). */
        public Builder resizeTimeout(Duration value) {
            this.resizeTimeout = positive("resizeTimeout", value);
            return this;
        }

        /**
         * Told about every finished API call of every organization (operation, status, attempts, 429s, duration),
         * e.g. to feed metrics. Default: none. It runs on the calling thread, so it must be fast; an exception it
         * throws is caught and logged once, never changing the call's outcome.
         */
        public Builder callListener(ScalewayCallListener value) {
            this.callListener = Objects.requireNonNull(value, "callListener");
            return this;
        }

        /** The Block Storage API version path, {@code v1} (default) or {@code v1alpha1} (same shapes). */
        public Builder blockApiVersion(String value) {
            if (!"v1".equals(value) && !"v1alpha1".equals(value)) {
                throw new ConfigurationException("blockApiVersion '" + value + "' is not supported: use v1 or v1alpha1");
            }
            this.blockApiVersion = value;
            return this;
        }

        /**
         * Builds the factory.
         *
         * @throws ConfigurationException if the base URL is plain http and {@link #allowInsecureEndpoint(boolean)}
         *                                was not set
         */
        public ScalewayProviderFactory build() {
            if ("http".equalsIgnoreCase(baseUrl.getScheme())) {
                if (!allowInsecureEndpoint) {
                    throw new ConfigurationException("ScalewayProviderFactory baseUrl " + baseUrl + " is plain http: "
                            + "every organization's secret key would be sent unencrypted. Use an https URL such as "
                            + ScalewaySettings.DEFAULT_API_URL + ", or call allowInsecureEndpoint(true) for a fake API "
                            + "or local stub in tests");
                }
                if (!isLoopback(baseUrl.getHost())) {
                    LOG.warn("ScalewayProviderFactory baseUrl {} is plain http to a host that is not a loopback "
                            + "address: secret keys cross the network unencrypted (allowInsecureEndpoint(true))", baseUrl);
                }
            }
            return new ScalewayProviderFactory(this);
        }

        private static boolean isLoopback(String host) {
            if (host == null) {
                return false;
            }
            if ("localhost".equalsIgnoreCase(host)) {
                return true;
            }
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            // Only literal addresses: a name is not resolved here (no DNS look-up while building a factory).
            if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
                return false;
            }
            try {
                return InetAddress.getByName(literal).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new ConfigurationException("ScalewayProviderFactory " + name + " is " + value
                        + ": use a positive duration");
            }
            return value;
        }
    }
}
