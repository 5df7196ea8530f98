package dev.providersettings.scaleway;

import dev.providersettings.OrganizationId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * 429 bursts shaped like the recorded real traffic ({@code list-block-volumes-basic}: runs of up to 6 consecutive
 * 429s from the gateway, each throttled call answered 200 two to three seconds later), on fake time.
 */
class ThrottlingTest extends StubServerTestBase {
    private static final String VOLUME = "{\"id\":\"" + VOLUME_ID + "\",\"size\":20000000000,\"status\":\"available\"}";

    /** The recorded 429 answers, in order (empty body, X-Envoy-Ratelimited, the gateway's request ids). */
    private static List<StubServer.Answer> recorded429s() {
        List<StubServer.Answer> out = new ArrayList<>();
        for (Cassette.Interaction i : Cassette.load("list-block-volumes-basic.cassette.yaml")) {
            if (i.status() == 429) {
                out.add(new StubServer.Answer(429, Map.of("X-Envoy-Ratelimited", i.header("X-Envoy-Ratelimited"),
                        "X-Request-Id", i.header("X-Request-Id")), i.body(), 0));
            }
        }
        return out;
    }

    /** The lengths of the runs of consecutive 429s in the recording. */
    private static List<Integer> recordedBurstLengths() {
        List<Integer> runs = new ArrayList<>();
        int run = 0;
        for (Cassette.Interaction i : Cassette.load("list-block-volumes-basic.cassette.yaml")) {
            if (i.status() == 429) {
                run++;
            } else if (run > 0) {
                runs.add(run);
                run = 0;
            }
        }
        return runs;
    }

    /** The default policy, only its sleeping and clock replaced by fake time. */
    private RetryPolicy defaultsOnFakeTime() {
        return RetryPolicy.defaults().toBuilder().sleeper(time).nanoClock(time::now).build();
    }

    private ScalewayProvider provider(RetryPolicy policy) {
        factory = TestSupport.factory(stub, policy);
        return factory.create(TestSupport.settings());
    }

    private Duration slept() {
        return time.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Test
    void theDefaultPolicyRidesOutTheRecordedBurstsAndEightConsecutive429s() {
        List<Integer> recorded = recordedBurstLengths();
        assertThat(recorded).contains(4, 6);
        List<StubServer.Answer> answers = recorded429s();
        assertThat(answers).hasSize(30);
        for (int burst : List.of(4, 6, 8, 12)) {
            AtomicInteger n = new AtomicInteger();
            time.sleeps.clear();
            stub = new StubServer(r -> {
                int i = n.getAndIncrement();
                return i < burst ? answers.get(i % answers.size()) : StubServer.Answer.json(200, VOLUME);
            });
            Volume v = provider(defaultsOnFakeTime()).getVolume("fr-par-1", VOLUME_ID);
            assertThat(v.id()).isEqualTo(VOLUME_ID);
            assertThat(stub.received()).as("attempts for a burst of %d", burst).hasSize(burst + 1);
            assertThat(slept()).as("backoff for a burst of %d", burst)
                    .isLessThanOrEqualTo(RetryPolicy.defaults().totalBudget());
            close();
        }
    }

    @Test
    void theDefaultPolicyOutlastsAThrottlingWindowAsLongAsTheRecordedOne() {
        // Recorded: throttled from 14:35:51 (first 429) to 14:35:54 (first 200 of the same request): 3 s.
        long until = time.now() + Duration.ofSeconds(3).toNanos();
        List<StubServer.Answer> answers = recorded429s();
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> time.now() < until ? answers.get(n.getAndIncrement() % answers.size())
                : StubServer.Answer.json(200, VOLUME));
        for (int call = 0; call < 20; call++) {   // jitter differs from call to call
            assertThat(provider(defaultsOnFakeTime()).getVolume("fr-par-1", VOLUME_ID).id()).isEqualTo(VOLUME_ID);
        }
    }

    @Test
    void sustainedThrottlingEndsWithinTheBudget() {
        stub = new StubServer(r -> StubServer.Answer.rateLimited());
        ScalewayProvider p = provider(defaultsOnFakeTime());
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID)).isInstanceOf(ScalewayThrottledException.class);
        assertThat(stub.received().size()).isGreaterThan(9);
        assertThat(slept()).isLessThanOrEqualTo(RetryPolicy.defaults().totalBudget());
    }

    @Test
    void aHugeRetryAfterIsCappedInsteadOfOverflowing() {
        for (String retryAfter : List.of("1000000000000000", "9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT")) {
            stub = new StubServer(r -> StubServer.Answer.rateLimited().header("Retry-After", retryAfter));
            ScalewayProvider p = provider(defaultsOnFakeTime());
            assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID)).as(retryAfter)
                    .isInstanceOf(ScalewayThrottledException.class);
            // A wait beyond the whole budget is not started at all.
            assertThat(stub.received()).hasSize(1);
            assertThat(time.sleeps()).isEmpty();
            close();
        }
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> n.getAndIncrement() == 0 ? StubServer.Answer.rateLimited().header("Retry-After", "7")
                : StubServer.Answer.json(200, VOLUME));
        assertThat(provider(defaultsOnFakeTime()).getVolume("fr-par-1", VOLUME_ID).id()).isEqualTo(VOLUME_ID);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void oneOrganizationsSustainedThrottlingDoesNotDelayAnother() throws Exception {
        // Organization A is throttled on every attempt; its retries park in the sleeper (a long backoff that never
        // ends during the test). Organization B shares the factory, its transport and its retry policy.
        CountDownLatch endOfTest = new CountDownLatch(1);
        AtomicInteger parked = new AtomicInteger();
        RetryPolicy parking = RetryPolicy.defaults().toBuilder().sleeper(d -> {
            parked.incrementAndGet();
            endOfTest.await();
        }).build();
        String tokenB = "0b0b0b0b-9b2d-4c8e-a1f0-7d6e5c4b3a21";
        stub = new StubServer(r -> tokenB.equals(r.token()) ? StubServer.Answer.json(200, VOLUME)
                : StubServer.Answer.rateLimited());
        factory = TestSupport.factory(stub, parking);
        ScalewayProvider a = factory.create(TestSupport.settings());
        ScalewayProvider b = factory.create(TestSupport.settings(OrganizationId.random(), tokenB, null, null,
                TestSupport.PROJECT));
        int throttledCalls = 32;
        ExecutorService pool = Executors.newFixedThreadPool(throttledCalls + 4);
        try {
            List<Future<?>> aCalls = new ArrayList<>();
            for (int i = 0; i < throttledCalls; i++) {
                aCalls.add(pool.submit(() -> a.getVolume("fr-par-1", VOLUME_ID)));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (parked.get() < throttledCalls) {
                assertThat(System.nanoTime()).as("A's calls all backing off").isLessThan(end);
                Thread.sleep(2);
            }
            List<Future<Volume>> bCalls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                bCalls.add(pool.submit(() -> b.getVolume("fr-par-1", VOLUME_ID)));
            }
            for (Future<Volume> call : bCalls) {
                assertThat(call.get(5, TimeUnit.SECONDS).id()).isEqualTo(VOLUME_ID);
            }
            assertThat(aCalls).noneMatch(Future::isDone);
        } finally {
            endOfTest.countDown();
            pool.shutdownNow();
        }
    }
}
