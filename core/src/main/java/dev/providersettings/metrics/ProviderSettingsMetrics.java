package dev.providersettings.metrics;

import dev.providersettings.CacheStats;
import dev.providersettings.ProviderManager;
import dev.providersettings.SeedReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link ProviderManager}'s cache counters ({@link ProviderManager#stats()}) to Micrometer, and records
 * seeding results. Outside Spring it takes one line:
 * <pre>{@code
 * new ProviderSettingsMetrics(providers).bindTo(meterRegistry);
 * }</pre>
 * The Spring Boot starter registers it as a {@link MeterBinder} bean.
 *
 * <p>Meters (all counters are function counters read from the manager's own counts, so polling costs nothing on
 * the hot path; hits are counted only when the manager was built with {@code recordHits(true)}):
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value #CACHE_GETS}</td><td>counter</td><td>{@code result=hit|miss}</td></tr>
 *   <tr><td>{@value #CACHE_LOADS}</td><td>counter</td><td>{@code result=success|failure}</td></tr>
 *   <tr><td>{@value #CACHE_LOAD_DURATION}</td><td>function timer (count and total time of loads)</td><td></td></tr>
 *   <tr><td>{@value #CACHE_EVICTIONS}</td><td>counter (size bound and TTL)</td><td></td></tr>
 *   <tr><td>{@value #CACHE_INVALIDATIONS}</td><td>counter</td><td>{@code kind=key|organization|everything}</td></tr>
 *   <tr><td>{@value #CACHE_DECRYPTION_FAILURES}</td><td>counter</td><td></td></tr>
 *   <tr><td>{@value #CACHE_STALE_SERVED}</td><td>counter (expired clients served while the store was down)</td><td></td></tr>
 *   <tr><td>{@value #CACHE_SIZE}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@value #SEEDING_ORGANIZATIONS}</td><td>counter, by {@link #recordSeeding}</td><td>{@code provider},
 *       {@code result=written|unchanged|skipped}</td></tr>
 *   <tr><td>{@value #SEEDING_KEYS_WRITTEN}</td><td>counter, by {@link #recordSeeding}</td><td>{@code provider}</td></tr>
 * </table>
 * No meter carries an organization id: one time series per tenant would overwhelm most metrics backends.
 */
public final class ProviderSettingsMetrics implements MeterBinder {
    /** Gets answered from the cache or not. */
    public static final String CACHE_GETS = "provider.settings.cache.gets";
    /** Loads from the store, by outcome. */
    public static final String CACHE_LOADS = "provider.settings.cache.loads";
    /** Time spent loading. */
    public static final String CACHE_LOAD_DURATION = "provider.settings.cache.load.duration";
    /** Entries removed by the size bound or the TTL. */
    public static final String CACHE_EVICTIONS = "provider.settings.cache.evictions";
    /** Invalidations, by kind. */
    public static final String CACHE_INVALIDATIONS = "provider.settings.cache.invalidations";
    /** Loads that failed to decrypt a stored secret. */
    public static final String CACHE_DECRYPTION_FAILURES = "provider.settings.cache.decryption.failures";
    /** Expired clients served while the store was unavailable. */
    public static final String CACHE_STALE_SERVED = "provider.settings.cache.stale.served";
    /** Clients cached now. */
    public static final String CACHE_SIZE = "provider.settings.cache.size";
    /** Organizations considered by seeding runs, by result. */
    public static final String SEEDING_ORGANIZATIONS = "provider.settings.seeding.organizations";
    /** Keys written by seeding runs. */
    public static final String SEEDING_KEYS_WRITTEN = "provider.settings.seeding.keys.written";

    private final ProviderManager manager;
    private final Tags tags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** Meters for {@code manager}, without extra tags. */
    public ProviderSettingsMetrics(ProviderManager manager) {
        this(manager, Tags.empty());
    }

    /** Meters for {@code manager} with extra tags on each (e.g. {@code manager=billing} when a service has two). */
    public ProviderSettingsMetrics(ProviderManager manager, Iterable<Tag> tags) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        counter(registry, CACHE_GETS, "hit", "result", CacheStats::hitCount, "gets answered from the cache (counted with recordHits)");
        counter(registry, CACHE_GETS, "miss", "result", CacheStats::missCount, "gets that waited for a load");
        counter(registry, CACHE_LOADS, "success", "result", CacheStats::loadSuccessCount, "loads that produced a client");
        counter(registry, CACHE_LOADS, "failure", "result", CacheStats::loadFailureCount, "loads that failed");
        FunctionTimer.builder(CACHE_LOAD_DURATION, manager, m -> m.stats().loadCount(),
                        m -> m.stats().totalLoadTimeNanos(), TimeUnit.NANOSECONDS)
                .tags(tags).description("time spent loading clients from the store").register(registry);
        counter(registry, CACHE_EVICTIONS, null, null, CacheStats::evictionCount, "clients removed by the size bound or the TTL");
        counter(registry, CACHE_INVALIDATIONS, "key", "kind", CacheStats::keyInvalidationCount,
                "invalidations of one organization's provider");
        counter(registry, CACHE_INVALIDATIONS, "organization", "kind", CacheStats::organizationInvalidationCount,
                "invalidations of every provider of one organization");
        counter(registry, CACHE_INVALIDATIONS, "everything", "kind", CacheStats::everythingInvalidationCount,
                "invalidations of the whole cache (e.g. after the change feed reconnected)");
        counter(registry, CACHE_DECRYPTION_FAILURES, null, null, CacheStats::decryptionFailureCount,
                "loads that could not decrypt a stored secret");
        counter(registry, CACHE_STALE_SERVED, null, null, CacheStats::staleServedCount,
                "expired clients served because the store was unavailable");
        Gauge.builder(CACHE_SIZE, manager, m -> m.stats().estimatedSize())
                .tags(tags).description("clients cached now").register(registry);
        registries.add(registry);
    }

    /**
     * Counts a seeding run in every registry this binder is bound to: organizations by result (written when at least
     * one key was written, skipped for missing values, otherwise unchanged) and keys written.
     */
    public void recordSeeding(SeedReport report) {
        Objects.requireNonNull(report, "report");
        long skipped = report.organizations().stream().filter(SeedReport.OrganizationResult::skipped).count();
        long written = report.organizations().stream().filter(o -> !o.skipped() && !o.written().isEmpty()).count();
        long unchanged = report.organizations().size() - skipped - written;
        String provider = report.provider().toString();
        for (MeterRegistry registry : registries) {
            seedingCounter(registry, provider, "written").increment(written);
            seedingCounter(registry, provider, "unchanged").increment(unchanged);
            seedingCounter(registry, provider, "skipped").increment(skipped);
            Counter.builder(SEEDING_KEYS_WRITTEN).tags(tags).tag("provider", provider)
                    .description("keys written by seeding").register(registry).increment(report.writtenCount());
        }
    }

    private Counter seedingCounter(MeterRegistry registry, String provider, String result) {
        return Counter.builder(SEEDING_ORGANIZATIONS).tags(tags).tag("provider", provider).tag("result", result)
                .description("organizations considered by seeding").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String tagValue, String tagKey,
                         ToDoubleFunction<CacheStats> value, String description) {
        FunctionCounter.Builder<ProviderManager> builder = FunctionCounter
                .builder(name, manager, m -> value.applyAsDouble(m.stats()))
                .tags(tags).description(description);
        if (tagKey != null) {
            builder.tag(tagKey, tagValue);
        }
        builder.register(registry);
    }

    @Override
    public String toString() {
        return "ProviderSettingsMetrics[" + manager + ", tags=" + tags + "]";
    }
}
