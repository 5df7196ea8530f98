package dev.providersettings.scaleway;

import dev.providersettings.scaleway.ScalewayClientException.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bounded waits: resize to error, resize that never finishes, interrupted wait, on fake time. */
class WaitTest {
    private static final String ID = "8c38fa15-4249-47c3-b4ea-ce379d4620dd";

    private static String volume(long size, String status) {
        return "{\"id\":\"" + ID + "\",\"size\":" + size + ",\"status\":\"" + status + "\"}";
    }

    /** Answers the first GET with 20 GB available, the PATCH with updating, then the given GET answers forever. */
    private static StubServer stub(String afterPatch) {
        AtomicInteger gets = new AtomicInteger();
        return new StubServer(r -> {
            if (r.method().equals("PATCH")) {
                return StubServer.Answer.json(200, volume(20_000_000_000L, "updating"));
            }
            return StubServer.Answer.json(200, gets.incrementAndGet() == 1 ? volume(20_000_000_000L, "available") : afterPatch);
        });
    }

    @Test
    void volumeGoingToErrorEndsTheResizeWithATypedException() {
        TestSupport.FakeTime time = new TestSupport.FakeTime();
        try (StubServer stub = stub(volume(20_000_000_000L, "error"));
             ScalewayProviderFactory f = TestSupport.factory(stub, TestSupport.fakeTimePolicy(time).build())) {
            ScalewayProvider p = f.create(TestSupport.settings());
            assertThatThrownBy(() -> p.resizeVolume("fr-par-1", ID, 30_000_000_000L, Duration.ofMinutes(1)))
                    .isInstanceOf(ScalewayWaitException.class)
                    .hasMessageContaining("status 'error'")
                    .satisfies(e -> {
                        ScalewayWaitException w = (ScalewayWaitException) e;
                        assertThat(w.reason()).isEqualTo(Reason.WAIT_FAILED_STATE);
                        assertThat(w.lastState()).isEqualTo("error");
                    });
            assertThat(stub.received()).hasSize(3);
        }
    }

    @Test
    void resizeThatNeverFinishesTimesOutWithinItsBound() {
        TestSupport.FakeTime time = new TestSupport.FakeTime();
        try (StubServer stub = stub(volume(20_000_000_000L, "updating"));
             ScalewayProviderFactory f = ScalewayProviderFactory.builder().baseUrl(stub.baseUrl()).allowInsecureEndpoint(true)
                     .retryPolicy(TestSupport.fakeTimePolicy(time).build()).pollInterval(Duration.ofSeconds(2))
                     .resizeTimeout(Duration.ofSeconds(10)).build()) {
            ScalewayProvider p = f.create(TestSupport.settings());
            assertThatThrownBy(() -> p.resizeVolume("fr-par-1", ID, 30_000_000_000L))
                    .isInstanceOf(ScalewayWaitException.class)
                    .satisfies(e -> {
                        ScalewayWaitException w = (ScalewayWaitException) e;
                        assertThat(w.timedOut()).isTrue();
                        assertThat(w.lastState()).isEqualTo("updating");
                    });
            // 10 s in steps of 2 s: 5 sleeps, 6 polls after the PATCH.
            assertThat(time.sleeps()).hasSize(5).allSatisfy(d -> assertThat(d).isEqualTo(Duration.ofSeconds(2)));
            assertThat(stub.received()).hasSize(1 + 1 + 6);
        }
    }

    @Test
    void resizeToASizeStillBeingAppliedOnlyWaits() {
        AtomicInteger gets = new AtomicInteger();
        try (StubServer stub = new StubServer(r -> StubServer.Answer.json(200, gets.incrementAndGet() <= 2
                ? volume(30_000_000_000L, "updating") : volume(30_000_000_000L, "in_use")));
             ScalewayProviderFactory f = TestSupport.factory(stub,
                     TestSupport.fakeTimePolicy(new TestSupport.FakeTime()).build())) {
            ScalewayProvider p = f.create(TestSupport.settings());
            Volume v = p.resizeVolume("fr-par-1", ID, 30_000_000_000L, Duration.ofMinutes(1));
            assertThat(v.status()).isEqualTo("in_use");
            assertThat(stub.received()).hasSize(3).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
        }
    }

    @Test
    void interruptedWaitRestoresTheFlag() {
        try (StubServer stub = new StubServer(r -> StubServer.Answer.json(200,
                "{\"server\":{\"id\":\"s\",\"state\":\"starting\"}}"));
             ScalewayProviderFactory f = TestSupport.factory(stub, RetryPolicy.builder().sleeper(d -> {
                 throw new InterruptedException();
             }).build())) {
            ScalewayProvider p = f.create(TestSupport.settings());
            try {
                assertThatThrownBy(() -> p.waitForServerState("fr-par-1", "s", "running", Duration.ofMinutes(1)))
                        .satisfies(TestSupport.client(Reason.INTERRUPTED)).hasMessageContaining("server s");
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(stub.received()).hasSize(1);
        }
    }

    @Test
    void invalidZoneAndIdsAreRefusedBeforeSending() {
        try (StubServer stub = new StubServer(r -> StubServer.Answer.json(200, "{}"));
             ScalewayProviderFactory f = TestSupport.factory(stub, RetryPolicy.none())) {
            ScalewayProvider p = f.create(TestSupport.settings());
            assertThatThrownBy(() -> p.getVolume("../../iam", ID)).satisfies(TestSupport.client(Reason.INVALID_REQUEST))
                    .hasMessageContaining("zone");
            assertThatThrownBy(() -> p.getServer("fr-par-1", "../x")).satisfies(TestSupport.client(Reason.INVALID_REQUEST))
                    .hasMessageContaining("server id");
            assertThatThrownBy(() -> p.getApiKey("scw-lower")).satisfies(TestSupport.client(Reason.INVALID_REQUEST));
            assertThatThrownBy(() -> p.listVolumes("fr-par-1", VolumeFilter.all(), 101))
                    .satisfies(TestSupport.client(Reason.INVALID_REQUEST)).hasMessageContaining("page size");
            assertThat(stub.received()).isEmpty();
        }
    }
}
