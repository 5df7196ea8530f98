package dev.providersettings.scaleway;

import dev.providersettings.scaleway.ScalewayClientException.Reason;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.fake.FakeScaleway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.scaleway.ScalewayProvider.GB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** resizeVolume: failure states win over the new size, and concurrent resizes of one volume PATCH once. */
class ResizeVolumeTest {
    private static final String ZONE = "fr-par-1";
    private static final String VOLUME_ID = "11111111-1111-1111-1111-111111111111";

    private static String volume(long size, String status) {
        return "{\"id\":\"" + VOLUME_ID + "\",\"size\":" + size + ",\"status\":\"" + status + "\","
                + "\"created_at\":\"2025-06-11T15:41:08.122240Z\"}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"error", "locked", "deleted"})
    void aVolumeThatEndsInAFailureStateIsAFailureEvenWithTheNewSize(String failed) {
        AtomicInteger gets = new AtomicInteger();
        try (StubServer stub = new StubServer(r -> switch (r.method()) {
            case "PATCH" -> StubServer.Answer.json(200, volume(20 * GB, "updating"));
            default -> StubServer.Answer.json(200, gets.incrementAndGet() == 1 ? volume(20 * GB, "in_use")
                    : volume(30 * GB, failed));
        });
             ScalewayProviderFactory factory = TestSupport.factory(stub,
                     TestSupport.fakeTimePolicy(new TestSupport.FakeTime()).build())) {
            ScalewayProvider p = factory.create(TestSupport.settings());
            assertThatThrownBy(() -> p.resizeVolume(ZONE, VOLUME_ID, 30 * GB))
                    .isInstanceOf(ScalewayWaitException.class)
                    .hasMessageContaining("'" + failed + "'")
                    .satisfies(e -> {
                        ScalewayWaitException w = (ScalewayWaitException) e;
                        assertThat(w.reason()).isEqualTo(Reason.WAIT_FAILED_STATE);
                        assertThat(w.lastState()).isEqualTo(failed);
                    });
            assertThat(stub.received()).filteredOn(r -> r.method().equals("PATCH")).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"error", "locked", "deleted"})
    void aVolumeAlreadyOfThatSizeInAFailureStateIsAFailureWithoutAPatch(String failed) {
        try (StubServer stub = new StubServer(r -> StubServer.Answer.json(200, volume(30 * GB, failed)));
             ScalewayProviderFactory factory = TestSupport.factory(stub,
                     TestSupport.fakeTimePolicy(new TestSupport.FakeTime()).build())) {
            ScalewayProvider p = factory.create(TestSupport.settings());
            assertThatThrownBy(() -> p.resizeVolume(ZONE, VOLUME_ID, 30 * GB))
                    .isInstanceOf(ScalewayWaitException.class)
                    .satisfies(e -> assertThat(((ScalewayWaitException) e).reason())
                            .isEqualTo(Reason.WAIT_FAILED_STATE));
            assertThat(stub.received()).noneMatch(r -> r.method().equals("PATCH"));
        }
    }

    // ------------------------------------------------------------------ concurrency, against the fake

    private static final UUID ORG = UUID.randomUUID();
    private static final String ACCESS = "SCWRESIZE00000000001";
    private static final String SECRET = UUID.randomUUID().toString();

    private static ProviderSettings settings(OrganizationId tenant) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ScalewaySettings.PROJECT_ID, ORG.toString());
        values.put(ScalewaySettings.SECRET_KEY, Secret.of(SECRET));
        values.put(ScalewaySettings.ACCESS_KEY, ACCESS);
        return ProviderSettings.of(tenant, ScalewayProviderFactory.CODE, values);
    }

    private static FakeScaleway fake() {
        FakeScaleway fake = FakeScaleway.builder().resizeDelay(Duration.ofMillis(400))
                .volumeCreateDelay(Duration.ofMillis(1)).build().start();
        fake.addApiKey(ACCESS, SECRET, ORG, ORG);
        return fake;
    }

    private static ScalewayProviderFactory factory(FakeScaleway fake) {
        return ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true)
                .retryPolicy(RetryPolicy.builder().transientStateDelay(Duration.ofMillis(50)).maxAttempts(10).build())
                .pollInterval(Duration.ofMillis(20)).build();
    }

    private static long patches(FakeScaleway fake, String volumeId) {
        return fake.requests().stream().filter(r -> r.method().equals("PATCH") && r.path().endsWith(volumeId)).count();
    }

    /** Runs the calls at the same moment and returns their futures. */
    @SafeVarargs
    private static <T> List<Future<T>> together(ExecutorService pool, Callable<T>... calls) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> call : calls) {
            futures.add(pool.submit(() -> {
                start.await();
                return call.call();
            }));
        }
        start.countDown();
        return futures;
    }

    @Test
    void concurrentResizesOfOneVolumeToTheSameSizePatchOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FakeScaleway fake = fake(); ScalewayProviderFactory factory = factory(fake)) {
            OrganizationId tenant = OrganizationId.random();
            // Two clients of the same organization (as after a cache refresh) and one shared: all join one resize.
            ScalewayProvider first = factory.create(settings(tenant));
            ScalewayProvider second = factory.create(settings(tenant));
            String id = first.createVolume(ZONE, CreateVolumeRequest.empty("shared", 20 * GB)).id();
            first.waitForVolume(ZONE, id, v -> "available".equals(v.status()), Duration.ofSeconds(10));
            fake.clearRequests();

            List<Future<Volume>> results = together(pool,
                    () -> first.resizeVolume(ZONE, id, 30 * GB),
                    () -> second.resizeVolume(ZONE, id, 30 * GB),
                    () -> first.resizeVolume(ZONE, id, 30 * GB));
            for (Future<Volume> result : results) {
                Volume v = result.get(20, TimeUnit.SECONDS);
                assertThat(v.size()).isEqualTo(30 * GB);
                assertThat(v.status()).isEqualTo("available");
            }
            assertThat(patches(fake, id)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitPatch(FakeScaleway fake, String volumeId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (patches(fake, volumeId) == 0) {
            assertThat(System.nanoTime()).as("first PATCH sent").isLessThan(end);
            Thread.sleep(2);
        }
    }

    @Test
    void aResizeToAnotherSizeWaitsForTheOneInFlightThenRunsItsOwn() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FakeScaleway fake = fake(); ScalewayProviderFactory factory = factory(fake)) {
            ScalewayProvider p = factory.create(settings(OrganizationId.random()));
            String id = p.createVolume(ZONE, CreateVolumeRequest.empty("grow", 20 * GB)).id();
            p.waitForVolume(ZONE, id, v -> "available".equals(v.status()), Duration.ofSeconds(10));
            fake.clearRequests();

            Future<Volume> first = pool.submit(() -> p.resizeVolume(ZONE, id, 30 * GB));
            awaitPatch(fake, id);   // the first resize is in flight (the volume is "updating" for 400 ms)
            Future<Volume> larger = pool.submit(() -> p.resizeVolume(ZONE, id, 40 * GB));
            Future<Volume> smaller = pool.submit(() -> p.resizeVolume(ZONE, id, 25 * GB));

            assertThat(first.get(20, TimeUnit.SECONDS).size()).isEqualTo(30 * GB);
            assertThat(larger.get(20, TimeUnit.SECONDS).size()).isEqualTo(40 * GB);
            assertThatThrownBy(() -> smaller.get(20, TimeUnit.SECONDS)).cause()
                    .satisfies(TestSupport.client(Reason.INVALID_REQUEST))
                    .hasMessageContaining("only grow");
            // One PATCH per size, the second only once the first had settled: the fake answers a PATCH of an
            // updating volume with 409 transient_state, which would have shown up as a repeated PATCH.
            assertThat(fake.requests()).filteredOn(r -> r.method().equals("PATCH")).extracting(r -> r.body())
                    .containsExactly("{\"size\":30000000000}", "{\"size\":40000000000}");
            assertThat(fake.volume(UUID.fromString(id)).orElseThrow().path("size").asLong()).isEqualTo(40 * GB);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherOrganizationNeverJoinsOrWaitsForAResizeOfTheSameVolumeId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FakeScaleway fake = fake(); ScalewayProviderFactory factory = factory(fake)) {
            UUID otherOrg = UUID.randomUUID();
            String otherSecret = UUID.randomUUID().toString();
            fake.addApiKey("SCWRESIZE00000000002", otherSecret, otherOrg, otherOrg);
            ScalewayProvider owner = factory.create(settings(OrganizationId.random()));
            Map<String, Object> values = new LinkedHashMap<>();
            values.put(ScalewaySettings.PROJECT_ID, otherOrg.toString());
            values.put(ScalewaySettings.SECRET_KEY, Secret.of(otherSecret));
            ScalewayProvider stranger = factory.create(ProviderSettings.of(OrganizationId.random(),
                    ScalewayProviderFactory.CODE, values));
            String id = owner.createVolume(ZONE, CreateVolumeRequest.empty("mine", 20 * GB)).id();
            owner.waitForVolume(ZONE, id, v -> "available".equals(v.status()), Duration.ofSeconds(10));
            fake.clearRequests();

            Future<Volume> resize = pool.submit(() -> owner.resizeVolume(ZONE, id, 30 * GB));
            awaitPatch(fake, id);
            // Same volume id, same size, same factory, other organization: its own call, answered 404 at once.
            long start = System.nanoTime();
            assertThatThrownBy(() -> stranger.resizeVolume(ZONE, id, 30 * GB))
                    .isInstanceOf(ScalewayNotFoundException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(350);
            assertThat(resize.isDone()).isFalse();
            assertThat(resize.get(20, TimeUnit.SECONDS).size()).isEqualTo(30 * GB);
            assertThat(patches(fake, id)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallerWaitingForAFailedResizeGetsItsFailureAndAnImpatientOneTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger gets = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        // The poll GET after the PATCH blocks until released, keeping the first resize in flight.
        try (StubServer stub = new StubServer(r -> {
            if (r.method().equals("PATCH")) {
                return StubServer.Answer.json(200, volume(20 * GB, "updating"));
            }
            if (gets.incrementAndGet() == 1) {
                return StubServer.Answer.json(200, volume(20 * GB, "available"));
            }
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StubServer.Answer.json(200, volume(30 * GB, "error"));
        });
             ScalewayProviderFactory factory = TestSupport.factory(stub,
                     TestSupport.fakeTimePolicy(new TestSupport.FakeTime()).build())) {
            ScalewayProvider p = factory.create(TestSupport.settings());
            Future<Volume> leader = pool.submit(() -> p.resizeVolume(ZONE, VOLUME_ID, 30 * GB));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stub.received().stream().noneMatch(r -> r.method().equals("PATCH"))) {
                assertThat(System.nanoTime()).isLessThan(end);
                Thread.sleep(2);
            }
            assertThatThrownBy(() -> p.resizeVolume(ZONE, VOLUME_ID, 30 * GB, Duration.ofMillis(50)))
                    .isInstanceOf(ScalewayWaitException.class).hasMessageContaining("another call")
                    .satisfies(e -> assertThat(((ScalewayWaitException) e).reason())
                            .isEqualTo(Reason.WAIT_TIMED_OUT));
            Future<Volume> follower = pool.submit(() -> p.resizeVolume(ZONE, VOLUME_ID, 30 * GB));
            Thread.sleep(100);   // let the follower reach the wait; it sends nothing either way
            release.countDown();
            for (Future<Volume> call : List.of(leader, follower)) {
                assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(ScalewayWaitException.class).hasMessageContaining("'error'");
            }
            assertThat(stub.received()).filteredOn(r -> r.method().equals("PATCH")).hasSize(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
