package dev.providersettings.scaleway.metrics;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.scaleway.ScalewayCall;
import dev.providersettings.scaleway.ScalewayCallListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every finished Scaleway API call ({@link ScalewayCallListener}) in Micrometer. Outside Spring, one line:
 * <pre>{@code
 * ScalewayProviderFactory.builder().callListener(ScalewayCallMetrics.recordingTo(meterRegistry)).build();
 * }</pre>
 * It is also a {@link MeterBinder}: calls are recorded in every registry it was bound to (the Spring Boot starter
 * registers it as a bean, which Boot binds).
 *
 * <p>Meters:
 * <ul>
 *   <li>{@value #CALLS}: timer of calls (retries and backoff included), tagged {@code operation} (e.g.
 *       {@code block.updateVolume}), {@code method}, {@code status} (the class: {@code 2xx}, {@code 4xx},
 *       {@code 5xx}, ... or {@code none} when no answer came), {@code outcome} ({@code success} or
 *       {@code failure}) and {@code error} ({@value #NO_ERROR} on success, else what the call failed with: the
 *       {@link dev.providersettings.scaleway.ScalewayException#code() code} of its exception, such as
 *       {@code not_found}, {@code throttled}, {@code server_error}, {@code transport}, {@code unreadable_response};
 *       a fixed set of values);</li>
 *   <li>{@value #RETRIES}: counter of repeated attempts, tagged {@code operation};</li>
 *   <li>{@value #THROTTLED}: counter of attempts answered 429, tagged {@code operation}.</li>
 * </ul>
 * No organization tag by default: one series per organization and operation grows without bound. With
 * {@link Builder#organizationTag(int) organizationTag(n)}, the first {@code n} organizations seen get their own
 * {@code organization} value and every later one is tagged {@value #OTHER_ORGANIZATIONS}.
 */
public final class ScalewayCallMetrics implements ScalewayCallListener, MeterBinder {
    /** Timer of finished calls. */
    public static final String CALLS = "provider.settings.scaleway.calls";
    /** Counter of retried attempts. */
    public static final String RETRIES = "provider.settings.scaleway.retries";
    /** Counter of attempts answered 429 Too Many Requests. */
    public static final String THROTTLED = "provider.settings.scaleway.throttled";
    /** The {@code error} tag's value for a call that succeeded. */
    public static final String NO_ERROR = "none";
    /** The organization tag's value for organizations beyond the bound. */
    public static final String OTHER_ORGANIZATIONS = "other";

    private final Tags tags;
    private final int maxOrganizations;
    private final Set<OrganizationId> taggedOrganizations = ConcurrentHashMap.newKeySet();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** Without an organization tag and without extra tags; bind it with {@link #bindTo(MeterRegistry)}. */
    public ScalewayCallMetrics() {
        this(builder());
    }

    private ScalewayCallMetrics(Builder builder) {
        this.tags = builder.tags;
        this.maxOrganizations = builder.maxOrganizations;
    }

    /** A listener already bound to {@code registry}. */
    public static ScalewayCallMetrics recordingTo(MeterRegistry registry) {
        ScalewayCallMetrics metrics = new ScalewayCallMetrics();
        metrics.bindTo(registry);
        return metrics;
    }

    /** A builder for the organization tag and extra tags. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void onCall(ScalewayCall call) {
        Tags operation = tags.and("operation", call.operation());
        if (maxOrganizations > 0) {
            operation = operation.and("organization", organizationValue(call.organization()));
        }
        Tags callTags = operation.and(Tag.of("method", call.method()), Tag.of("status", statusClass(call.status())),
                Tag.of("outcome", call.success() ? "success" : "failure"),
                Tag.of("error", call.success() ? NO_ERROR : call.error()));
        int retries = Math.max(0, call.attempts() - 1);
        for (MeterRegistry registry : registries) {
            Timer.builder(CALLS).tags(callTags).description("finished Scaleway API calls, retries included")
                    .register(registry).record(call.duration());
            if (retries > 0) {
                Counter.builder(RETRIES).tags(operation).description("repeated attempts of Scaleway API calls")
                        .register(registry).increment(retries);
            }
            if (call.throttledAttempts() > 0) {
                Counter.builder(THROTTLED).tags(operation).description("Scaleway attempts answered 429")
                        .register(registry).increment(call.throttledAttempts());
            }
        }
    }

    private String organizationValue(OrganizationId organization) {
        if (taggedOrganizations.contains(organization)) {
            return organization.toString();
        }
        // The bound may be passed by a few concurrent first calls; it stays bounded (at most one per thread).
        if (taggedOrganizations.size() < maxOrganizations && taggedOrganizations.add(organization)) {
            return organization.toString();
        }
        return OTHER_ORGANIZATIONS;
    }

    static String statusClass(int status) {
        return status < 100 || status > 599 ? "none" : (status / 100) + "xx";
    }

    @Override
    public String toString() {
        return "ScalewayCallMetrics[tags=" + tags + ", organizationTag=" + (maxOrganizations > 0 ? "first " + maxOrganizations : "off")
                + ", registries=" + registries.size() + "]";
    }

    /** Configures a {@link ScalewayCallMetrics}. */
    public static final class Builder {
        private Tags tags = Tags.empty();
        private int maxOrganizations;

        private Builder() {
        }

        /**
         * Tags calls with their organization, for at most {@code maxOrganizations} distinct organizations (1 to
         * 10,000); later ones are tagged {@value #OTHER_ORGANIZATIONS}.
         *
         * @throws ConfigurationException if the bound is outside 1..10,000
         */
        public Builder organizationTag(int maxOrganizations) {
            if (maxOrganizations < 1 || maxOrganizations > 10_000) {
                throw new ConfigurationException("ScalewayCallMetrics organizationTag bound " + maxOrganizations
                        + " is outside 1..10000: keep the number of time series bounded, e.g. 100");
            }
            this.maxOrganizations = maxOrganizations;
            return this;
        }

        /** Extra tags on every meter. */
        public Builder tags(Iterable<Tag> value) {
            this.tags = Tags.of(Objects.requireNonNull(value, "tags"));
            return this;
        }

        /** Builds the listener (bind it to registries with {@link ScalewayCallMetrics#bindTo(MeterRegistry)}). */
        public ScalewayCallMetrics build() {
            return new ScalewayCallMetrics(this);
        }
    }
}
