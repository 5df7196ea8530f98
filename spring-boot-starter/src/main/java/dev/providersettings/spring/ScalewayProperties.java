package dev.providersettings.spring;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

import java.time.Duration;

import static dev.providersettings.spring.PropertyChecks.invalid;
import static dev.providersettings.spring.PropertyChecks.requirePositive;
import static dev.providersettings.spring.PropertyChecks.abbreviate;

/** The Scaleway provider factory: one endpoint and one HTTP transport for every organization. */
public class ScalewayProperties {
    /** The API endpoint for every organization: https (a private gateway), or a fake API in tests; default https://api.scaleway.com. */
    private String baseUrl;
    /**
     * Whether base-url may be plain http. Only for a fake API or a local stub in tests: every organization's secret
     * key travels in a header that plain http sends unencrypted.
     */
    private boolean allowInsecureEndpoint;
    /** Connect timeout of the shared HTTP client. */
    private Duration connectTimeout = Duration.ofSeconds(10);
    /** Timeout of each attempt, from sending to the response headers. */
    private Duration requestTimeout = Duration.ofSeconds(30);
    /** How often waits (volume resize, server state) poll. */
    private Duration pollInterval = Duration.ofSeconds(2);
    @NestedConfigurationProperty
    private final ScalewayRetryProperties retry = new ScalewayRetryProperties();

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public boolean isAllowInsecureEndpoint() {
        return allowInsecureEndpoint;
    }

    public void setAllowInsecureEndpoint(boolean allowInsecureEndpoint) {
        this.allowInsecureEndpoint = allowInsecureEndpoint;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** Retries of throttled and failed calls. */
    public ScalewayRetryProperties getRetry() {
        return retry;
    }

    void validate() {
        if (baseUrl != null && !baseUrl.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/\\-]*)?")) {
            throw invalid("scaleway.base-url", "'" + abbreviate(baseUrl) + "' is not an http(s) URL",
                    "use e.g. https://api.scaleway.com, or remove it to use the default");
        }
        if (baseUrl != null && baseUrl.startsWith("http://") && !allowInsecureEndpoint) {
            throw invalid("scaleway.base-url", "is plain http, which would send every organization's secret key"
                    + " unencrypted", "use https, or for a fake API in tests set"
                    + " provider-settings.scaleway.allow-insecure-endpoint=true");
        }
        requirePositive("scaleway.connect-timeout", connectTimeout, "10s");
        requirePositive("scaleway.request-timeout", requestTimeout, "30s");
        requirePositive("scaleway.poll-interval", pollInterval, "2s");
        retry.validate();
    }
}
