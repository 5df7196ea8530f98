package dev.providersettings.reliability;

import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.scaleway.CreateVolumeRequest;
import dev.providersettings.scaleway.RetryPolicy;
import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayErrorType;
import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewayServiceException;
import dev.providersettings.scaleway.ScalewayThrottledException;
import dev.providersettings.scaleway.ScalewayTransportException;
import dev.providersettings.scaleway.Volume;
import dev.providersettings.scaleway.VolumeFilter;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;
import dev.providersettings.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults suite, provider side: the fake Scaleway API answers 429 bursts, 5xx, slow bodies, dropped connections and
 * malformed JSON to {@link ScalewayProvider}s obtained from a {@link ProviderManager}. Each fault either is absorbed
 * by the retry policy (the call is served) or ends in its typed exception; the next call after the fault clears is
 * served (recovery); a create that failed did not create anything, one that timed out created exactly one volume, and
 * each organization sees exactly its own volumes at the end (nothing corrupted, nothing mixed up).
 */
@Order(31)
class ScalewayFaultsTest {
    private static final String ZONE = "fr-par-1";
    private static final long GB = ScalewayProvider.GB;

    private static FakeScaleway fake;
    private static ScalewayProviderFactory factory;
    private static ProviderManager manager;
    /** Same store and tenants, with a 300 ms request timeout and 2 attempts: for the answers slower than that. */
    private static ProviderManager impatient;
    private static final List<Tenant> TENANTS = new ArrayList<>();

    private static final AtomicLong CALLS = new AtomicLong();
    private static final AtomicLong SERVED = new AtomicLong();
    private static final Map<String, AtomicLong> TYPED = new ConcurrentHashMap<>();
    private static final AtomicLong UNTYPED = new AtomicLong();
    private static final AtomicLong MAX_RECOVERY_MICROS = new AtomicLong();
    private static final AtomicLong SCENARIOS = new AtomicLong();
    private static int corrupted;

    /** A tenant: our organization, its Scaleway organization (= default project) and credentials. */
    record Tenant(OrganizationId org, UUID scalewayOrg, Credentials credentials, Set<String> volumes) {
        ScalewayProvider client() {
            return manager.get(org, "scaleway", ScalewayProvider.class);
        }

        ScalewayProvider impatientClient() {
            return impatient.get(org, "scaleway", ScalewayProvider.class);
        }
    }

    @BeforeAll
    static void setUp() {
        fake = FakeScaleway.builder().resizeDelay(Duration.ofMillis(50)).volumeCreateDelay(Duration.ofMillis(20))
                .build().start();
        factory = ScalewayProviderFactory.builder()
                .baseUrl(fake.baseUrl()).allowInsecureEndpoint(true)
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(3))
                // 429s bounded by a count here (the default bounds them by the 2-minute budget) to test both sides
                .retryPolicy(RetryPolicy.builder().maxAttempts(4).baseDelay(Duration.ofMillis(5))
                        .maxDelay(Duration.ofMillis(40)).transientStateDelay(Duration.ofMillis(20))
                        .maxThrottledAttempts(4).throttledBaseDelay(Duration.ofMillis(5))
                        .throttledMaxDelay(Duration.ofMillis(40)).build())
                .pollInterval(Duration.ofMillis(20))
                .resizeTimeout(Duration.ofSeconds(20))
                .build();
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        var cipher = TestKeys.cipher();
        manager = ProviderManager.builder().store(store)
                .registry(ProviderRegistry.builder().register(factory).build())
                .cipher(cipher).build();
        impatient = ProviderManager.builder().store(store)
                .registry(ProviderRegistry.builder().register(ScalewayProviderFactory.builder()
                        .baseUrl(fake.baseUrl()).allowInsecureEndpoint(true)
                        .requestTimeout(Duration.ofMillis(300))
                        .retryPolicy(RetryPolicy.builder().maxAttempts(2).baseDelay(Duration.ofMillis(5))
                                .maxDelay(Duration.ofMillis(20)).maxThrottledAttempts(2)
                                .throttledBaseDelay(Duration.ofMillis(5)).throttledMaxDelay(Duration.ofMillis(20))
                                .build())
                        .build()).build())
                .cipher(cipher).build();
        for (int i = 0; i < 2; i++) {
            OrganizationId org = OrganizationId.random();
            store.addOrganization(org);
            UUID scalewayOrg = UUID.randomUUID();
            Credentials generated = Credentials.random();
            Credentials credentials = new Credentials(scalewayOrg.toString(), generated.secretKey(),
                    generated.accessKey(), generated.fingerprint());
            fake.addApiKey(credentials.accessKey(), credentials.secretKey(), scalewayOrg, scalewayOrg);
            manager.settings().update("faults", org, "scaleway", credentials.update());
            TENANTS.add(new Tenant(org, scalewayOrg, credentials, ConcurrentHashMap.newKeySet()));
        }
        for (Tenant t : TENANTS) {
            Volume v = t.client().createVolume(ZONE, CreateVolumeRequest.empty("base-" + t.org().value(), 10 * GB));
            t.volumes().add(v.id());
            t.client().waitForVolume(ZONE, v.id(), Volume::isTerminal, Duration.ofSeconds(10));
        }
    }

    @AfterAll
    static void tearDown() {
        try {
            // Nothing corrupted or mixed up: each organization lists exactly the volumes it created, and every request
            // the fake received carried one of the tenants' own secrets.
            for (Tenant t : TENANTS) {
                Set<String> listed = t.client().listVolumes(ZONE, VolumeFilter.project(t.scalewayOrg().toString()))
                        .stream().map(Volume::id).collect(Collectors.toSet());
                if (!listed.equals(t.volumes())) {
                    corrupted++;
                }
            }
            Set<String> secrets = TENANTS.stream().map(t -> t.credentials().secretKey()).collect(Collectors.toSet());
            List<RecordedRequest> requests = fake.requests();
            long foreign = requests.stream().filter(r -> secrets.stream().noneMatch(r::usedToken)).count();
            requests.forEach(r -> Evidence.text(r.toString()));
            Figures.of("faults-scaleway")
                    .put("scenarios", SCENARIOS.get())
                    .put("calls", CALLS.get())
                    .put("served", SERVED.get())
                    .put("typed_errors", TYPED.values().stream().mapToLong(AtomicLong::get).sum())
                    .put("typed_by_code", new java.util.TreeMap<>(TYPED).toString().replace(" ", ""))
                    .put("untyped_errors", UNTYPED.get())
                    .put("recovery_max_ms", String.format(java.util.Locale.ROOT, "%.1f", MAX_RECOVERY_MICROS.get() / 1000.0))
                    .put("fake_requests", requests.size())
                    .put("requests_with_foreign_token", foreign)
                    .put("corrupted", corrupted)
                    .print();
            assertThat(foreign).isZero();
            assertThat(corrupted).isZero();
            assertThat(UNTYPED.get()).isZero();
        } finally {
            impatient.close();
            manager.close();
            fake.close();
        }
    }

    /** Runs one call, counting it as served or by the class of its typed failure; returns the failure, if any. */
    private static Throwable call(Supplier<?> action) {
        CALLS.incrementAndGet();
        try {
            action.get();
            SERVED.incrementAndGet();
            return null;
        } catch (ProviderSettingsException e) {
            Evidence.exception(e);
            for (Tenant t : TENANTS) {
                assertThat(e.getMessage()).doesNotContain(t.credentials().secretKey());
            }
            // By code (not_found, throttled, transport ...): one exception class stands for several kinds of failure.
            String kind = e instanceof ScalewayException s ? s.code() : e.getClass().getSimpleName();
            TYPED.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            return e;
        } catch (RuntimeException e) {
            Evidence.exception(e);
            UNTYPED.incrementAndGet();
            return e;
        }
    }

    /** After a fault is cleared, the next call is served; records how long it took. */
    private static void recovers(Tenant t) {
        fake.faults().clear();
        long start = System.nanoTime();
        assertThat(call(() -> t.client().getVolume(ZONE, t.volumes().iterator().next()))).isNull();
        MAX_RECOVERY_MICROS.accumulateAndGet(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start), Math::max);
        SCENARIOS.incrementAndGet();
    }

    private static int volumeCount(Tenant t) {
        return fake.requests().isEmpty() ? 0 : (int) t.client().listVolumes(ZONE,
                VolumeFilter.project(t.scalewayOrg().toString())).stream().count();
    }

    private static String anyVolume(Tenant t) {
        return t.volumes().iterator().next();
    }

    @Test
    void rateLimitBursts() {
        Tenant t = TENANTS.get(0);
        fake.faults().rateLimit(3);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).as("3 x 429 < 4 attempts").isNull();
        recovers(t);
        fake.faults().rateLimit(8);
        Throwable failure = call(() -> t.client().getVolume(ZONE, anyVolume(t)));
        assertThat(failure).isInstanceOfSatisfying(ScalewayThrottledException.class,
                e -> assertThat(e.isThrottling()).isTrue());
        assertThat(((ProviderSettingsException) failure).isRetryable()).isTrue();
        recovers(t);
        // a create refused with 429 is retried (the gateway refused it: nothing happened) and creates one volume
        int before = volumeCount(t);
        fake.faults().rateLimit(2);
        Volume created = (Volume) callValue(() -> t.client().createVolume(ZONE,
                CreateVolumeRequest.empty("after-429-" + UUID.randomUUID().toString().substring(0, 8), 10 * GB)));
        t.volumes().add(created.id());
        assertThat(volumeCount(t)).isEqualTo(before + 1);
        recovers(t);
    }

    @Test
    void serverErrors() {
        Tenant t = TENANTS.get(1);
        fake.faults().serverError(2, 503);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).as("GET retried past two 503").isNull();
        recovers(t);
        fake.faults().serverError(6, 500);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).isInstanceOfSatisfying(ScalewayServiceException.class,
                e -> assertThat(e.errorType()).isEqualTo(ScalewayErrorType.SERVER_ERROR));
        recovers(t);
        // a create answered 503 is not repeated (the server may have acted); the fake did nothing
        int before = volumeCount(t);
        fake.faults().serverError(1, 503);
        assertThat(call(() -> t.client().createVolume(ZONE, CreateVolumeRequest.empty("after-503", 10 * GB))))
                .isInstanceOfSatisfying(ScalewayServiceException.class,
                e -> assertThat(e.errorType()).isEqualTo(ScalewayErrorType.SERVER_ERROR));
        fake.faults().clear();
        assertThat(volumeCount(t)).isEqualTo(before);
        recovers(t);
        // a resize through two 502s ends at the right size (PATCH of an absolute size is safe to repeat)
        fake.faults().serverError(2, 502, "/block/");
        Volume resized = (Volume) callValue(() -> t.client().resizeVolume(ZONE, anyVolume(t), 20 * GB));
        assertThat(resized.size()).isEqualTo(20 * GB);
        recovers(t);
    }

    @Test
    void slowBodies() throws Exception {
        Tenant t = TENANTS.get(0);
        fake.faults().slow(Duration.ofMillis(200), 1);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).as("slower, within the timeout").isNull();
        recovers(t);
        fake.faults().slow(Duration.ofMillis(1500), 2);
        Throwable timedOut = call(() -> t.impatientClient().getVolume(ZONE, anyVolume(t)));
        assertThat(timedOut).isInstanceOf(ScalewayTransportException.class);
        recovers(t);
        // a create that times out is not repeated: the fake still creates it once, late — never twice
        int before = volumeCount(t);
        String name = "slow-create-" + UUID.randomUUID().toString().substring(0, 8);
        fake.faults().slow(Duration.ofMillis(1500), 1);
        Throwable unknown = call(() -> t.impatientClient().createVolume(ZONE, CreateVolumeRequest.empty(name, 10 * GB)));
        assertThat(unknown).isInstanceOf(ScalewayTransportException.class);
        assertThat(((ScalewayTransportException) unknown).mayHaveReachedServer()).isTrue();
        Thread.sleep(2000); // the fake answers (and acts) after its delay
        List<Volume> named = t.client().listVolumes(ZONE, VolumeFilter.project(t.scalewayOrg().toString()).withName(name))
                .toList();
        assertThat(named).hasSize(1);
        t.volumes().add(named.get(0).id());
        assertThat(volumeCount(t)).isEqualTo(before + 1);
        recovers(t);
    }

    @Test
    void droppedConnections() {
        Tenant t = TENANTS.get(1);
        fake.faults().dropConnection(1);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).isNull();
        recovers(t);
        fake.faults().dropConnection(10);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).isInstanceOf(ScalewayTransportException.class);
        recovers(t);
        int before = volumeCount(t);
        fake.faults().dropConnection(1);
        assertThat(call(() -> t.client().createVolume(ZONE, CreateVolumeRequest.empty("after-drop", 10 * GB))))
                .isInstanceOf(ScalewayTransportException.class);
        fake.faults().clear();
        assertThat(volumeCount(t)).isEqualTo(before);
        recovers(t);
    }

    @Test
    void malformedJson() {
        Tenant t = TENANTS.get(0);
        fake.faults().malformedJson(1);
        assertThat(call(() -> t.client().getVolume(ZONE, anyVolume(t)))).isInstanceOfSatisfying(ScalewayClientException.class,
                e -> assertThat(e.reason()).isEqualTo(ScalewayClientException.Reason.UNREADABLE_RESPONSE));
        recovers(t);
        fake.faults().malformedJson(1);
        assertThat(call(() -> t.client().listVolumes(ZONE, VolumeFilter.all()).toList()))
                .isInstanceOfSatisfying(ScalewayClientException.class,
                e -> assertThat(e.reason()).isEqualTo(ScalewayClientException.Reason.UNREADABLE_RESPONSE));
        recovers(t);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void mixedFaultsUnderConcurrentLoad() throws Exception {
        int callsPerThread = Scale.pick("faults.scaleway-calls", 150, 1500);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        AtomicLong mixups = new AtomicLong();
        for (int w = 0; w < 4; w++) {
            Tenant t = TENANTS.get(w % 2);
            futures.add(threads.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < callsPerThread; i++) {
                    if (random.nextInt(20) == 0) {
                        switch (random.nextInt(5)) {
                            case 0 -> fake.faults().rateLimit(1 + random.nextInt(5));
                            case 1 -> fake.faults().serverError(1 + random.nextInt(3), 502 + random.nextInt(3));
                            case 2 -> fake.faults().dropConnection(1 + random.nextInt(3));
                            case 3 -> fake.faults().slow(Duration.ofMillis(50 + random.nextInt(100)), 1);
                            default -> fake.faults().malformedJson(1);
                        }
                    }
                    call(() -> {
                        Volume v = t.client().getVolume(ZONE, anyVolume(t));
                        if (!t.volumes().contains(v.id()) || !v.projectId().equals(t.scalewayOrg().toString())) {
                            mixups.incrementAndGet();
                        }
                        return v;
                    });
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(4, TimeUnit.MINUTES);
        }
        threads.shutdown();
        fake.faults().clear();
        assertThat(mixups.get()).isZero();
        recovers(TENANTS.get(0));
        recovers(TENANTS.get(1));
    }

    private static Object callValue(Supplier<?> action) {
        Object[] result = new Object[1];
        Throwable failure = call(() -> result[0] = action.get());
        assertThat(failure).isNull();
        return result[0];
    }
}
