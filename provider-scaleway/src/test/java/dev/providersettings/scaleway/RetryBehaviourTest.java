package dev.providersettings.scaleway;

import dev.providersettings.scaleway.ScalewayClientException.Reason;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retries through the real transport against a local stub: attempt counts, idempotency, budget, interrupt. */
class RetryBehaviourTest extends StubServerTestBase {
    private static final String VOLUME = "{\"id\":\"11111111-1111-1111-1111-111111111111\",\"size\":20000000000,"
            + "\"status\":\"available\",\"created_at\":\"2025-06-11T15:41:08.122240Z\"}";
    private static final String SERVER = "{\"server\":{\"id\":\"22222222-2222-2222-2222-222222222222\",\"state\":\"stopped\","
            + "\"creation_date\":\"2026-07-30T12:54:30.207487+00:00\"}}";

    private ScalewayProvider provider(RetryPolicy policy) {
        factory = TestSupport.factory(stub, policy);
        return factory.create(TestSupport.settings());
    }

    private ScalewayProvider provider() {
        return provider(TestSupport.fakeTimePolicy(time).build());
    }

    @Test
    void rateLimitedGetIsRetriedWithGrowingDelaysUntilItSucceeds() {
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> n.incrementAndGet() <= 3 ? StubServer.Answer.rateLimited()
                : StubServer.Answer.json(200, VOLUME));
        Volume v = provider().getVolume("fr-par-1", VOLUME_ID);
        assertThat(v.size()).isEqualTo(20_000_000_000L);
        assertThat(stub.received()).hasSize(4);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void attemptsAreBoundedByMaxAttempts() {
        stub = new StubServer(r -> StubServer.Answer.empty(503));
        ScalewayProvider p = provider();
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID))
                .satisfies(TestSupport.service(ScalewayErrorType.SERVER_ERROR))
                .satisfies(e -> assertThat(((ScalewayServiceException) e).requestId()).isEqualTo("req-503"));
        assertThat(stub.received()).hasSize(4);
        assertThat(time.sleeps()).hasSize(3);
    }

    @Test
    void throttledAttemptsAreBoundedByTheirOwnCountWhenSetAndDoNotUseUpTheOthers() {
        stub = new StubServer(r -> StubServer.Answer.rateLimited());
        ScalewayProvider p = provider(TestSupport.fakeTimePolicy(time).maxThrottledAttempts(6).build());
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID))
                .isInstanceOf(ScalewayThrottledException.class)
                .satisfies(e -> assertThat(((ScalewayServiceException) e).requestId()).isEqualTo("req-429"));
        assertThat(stub.received()).hasSize(6);

        // 5 x 429 then 3 x 503 then success: 429s do not count against maxAttempts (4).
        AtomicInteger n = new AtomicInteger();
        stub.handler(r -> {
            int i = n.incrementAndGet();
            return i <= 5 ? StubServer.Answer.rateLimited() : i <= 8 ? StubServer.Answer.empty(503)
                    : StubServer.Answer.json(200, VOLUME);
        });
        assertThat(p.getVolume("fr-par-1", VOLUME_ID).id()).isEqualTo(VOLUME_ID);
        assertThat(n.get()).isEqualTo(9);
    }

    @Test
    void totalBudgetStopsRetriesBeforeMaxAttempts() {
        stub = new StubServer(r -> StubServer.Answer.empty(503));
        ScalewayProvider p = provider(TestSupport.fakeTimePolicy(time).maxAttempts(10)
                .totalBudget(Duration.ofMillis(750)).build());
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID)).satisfies(TestSupport.service(ScalewayErrorType.SERVER_ERROR));
        // 100 + 200 + 400 = 700 ms fits in 750; the next 800 ms would not.
        assertThat(stub.received()).hasSize(4);
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void createIsNotRetriedAfter5xxButIsAfter429() {
        stub = new StubServer(r -> StubServer.Answer.empty(503));
        ScalewayProvider p = provider();
        CreateServerRequest request = CreateServerRequest.builder("w1", "DEV1-S").image("ubuntu").build();
        assertThatThrownBy(() -> p.createServer("fr-par-1", request)).satisfies(TestSupport.service(ScalewayErrorType.SERVER_ERROR));
        assertThat(stub.received()).hasSize(1);

        AtomicInteger n = new AtomicInteger();
        stub.handler(r -> n.incrementAndGet() == 1 ? StubServer.Answer.rateLimited() : StubServer.Answer.json(201, SERVER));
        Server created = p.createServer("fr-par-1", request);
        assertThat(created.state()).isEqualTo("stopped");
        assertThat(stub.received()).hasSize(3);
        assertThat(stub.received().get(2).body()).contains("\"project\":\"" + TestSupport.PROJECT + "\"");
    }

    @Test
    void createIsNotRetriedAfterATimeoutButAGetIs() {
        stub = new StubServer(r -> StubServer.Answer.json(201, SERVER).delayed(1500));
        factory = ScalewayProviderFactory.builder().baseUrl(stub.baseUrl()).allowInsecureEndpoint(true)
                .retryPolicy(TestSupport.fakeTimePolicy(time).maxAttempts(2).build())
                .requestTimeout(Duration.ofMillis(300)).build();
        ScalewayProvider p = factory.create(TestSupport.settings());
        assertThatThrownBy(() -> p.createServer("fr-par-1", CreateServerRequest.builder("w", "DEV1-S").build()))
                .isInstanceOf(ScalewayTransportException.class)
                .satisfies(e -> assertThat(((ScalewayTransportException) e).mayHaveReachedServer()).isTrue())
                .hasMessageContaining("request timeout");
        assertThat(stub.received()).hasSize(1);

        assertThatThrownBy(() -> p.getServer("fr-par-1", "22222222-2222-2222-2222-222222222222"))
                .isInstanceOf(ScalewayTransportException.class);
        assertThat(stub.received()).hasSize(3);
    }

    @Test
    void internalServerErrorIsRetriedOnlyForIdempotentCalls() {
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> n.incrementAndGet() == 1 ? StubServer.Answer.empty(500) : StubServer.Answer.json(200, VOLUME));
        assertThat(provider().getVolume("fr-par-1", VOLUME_ID).id()).isEqualTo(VOLUME_ID);
        assertThat(stub.received()).hasSize(2);
    }

    @Test
    void connectionRefusedIsRetriedEvenForCreateSinceNothingWasSent() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        factory = ScalewayProviderFactory.builder().baseUrl("http://127.0.0.1:" + port).allowInsecureEndpoint(true)
                .retryPolicy(TestSupport.fakeTimePolicy(time).build()).connectTimeout(Duration.ofSeconds(2)).build();
        ScalewayProvider p = factory.create(TestSupport.settings());
        assertThatThrownBy(() -> p.createVolume("fr-par-1", CreateVolumeRequest.empty("v", 10_000_000_000L)))
                .isInstanceOf(ScalewayTransportException.class)
                .satisfies(e -> assertThat(((ScalewayTransportException) e).mayHaveReachedServer()).isFalse())
                .hasMessageContaining("nothing was sent");
        assertThat(time.sleeps()).hasSize(3);
    }

    @Test
    void droppedConnectionOnCreateIsNotRetried() {
        stub = new StubServer(r -> new StubServer.Answer(-1, java.util.Map.of(), "", 0));
        ScalewayProvider p = provider();
        assertThatThrownBy(() -> p.createVolume("fr-par-1", CreateVolumeRequest.empty("v", 10_000_000_000L)))
                .isInstanceOf(ScalewayTransportException.class);
        assertThat(stub.received()).hasSize(1);
    }

    @Test
    void deleteWhoseFirstAnswerWasLostCountsA404OnRetryAsDeleted() {
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> n.incrementAndGet() == 1 ? new StubServer.Answer(-1, java.util.Map.of(), "", 0)
                : StubServer.Answer.json(404, "{\"type\":\"not_found\",\"resource\":\"volume\",\"resource_id\":\"" + VOLUME_ID + "\"}"));
        ScalewayProvider p = provider();
        p.deleteVolume("fr-par-1", VOLUME_ID);
        assertThat(stub.received()).hasSize(2).allSatisfy(r -> assertThat(r.method()).isEqualTo("DELETE"));
        // Without an ambiguous earlier attempt, a 404 is a 404.
        assertThatThrownBy(() -> p.deleteVolume("fr-par-1", VOLUME_ID)).isInstanceOf(ScalewayNotFoundException.class);
    }

    @Test
    void transientStateOnAnActionWaitsAndRetries() {
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> n.incrementAndGet() <= 2
                ? StubServer.Answer.json(409, "{\"type\":\"transient_state\",\"message\":\"resource is in a transient state\","
                + "\"resource\":\"instance_server\",\"resource_id\":\"s\",\"current_state\":\"starting\"}")
                : StubServer.Answer.json(202, "{\"task\":{\"id\":\"t\",\"status\":\"pending\",\"started_at\":\"2026-07-30T12:54:33.350509+00:00\"}}"));
        Task task = provider().serverAction("fr-par-1", "22222222-2222-2222-2222-222222222222", ServerAction.POWEROFF);
        assertThat(task.status()).isEqualTo("pending");
        assertThat(stub.received()).hasSize(3).allSatisfy(r -> assertThat(r.body()).isEqualTo("{\"action\":\"poweroff\"}"));
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void interruptDuringBackoffRestoresTheFlagAndThrowsTyped() {
        stub = new StubServer(r -> StubServer.Answer.rateLimited());
        RetryPolicy policy = TestSupport.fakeTimePolicy(time).sleeper(d -> {
            throw new InterruptedException("test");
        }).build();
        ScalewayProvider p = provider(policy);
        try {
            assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID))
                    .satisfies(TestSupport.client(Reason.INTERRUPTED))
                    .hasMessageContaining("interrupted while waiting to retry");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(stub.received()).hasSize(1);
    }

    @Test
    void interruptDuringACallIsHonoured() throws Exception {
        stub = new StubServer(r -> StubServer.Answer.json(200, VOLUME).delayed(3000));
        ScalewayProvider p = provider();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                p.getVolume("fr-par-1", VOLUME_ID);
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        while (stub.received().isEmpty()) {
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(10_000);
        assertThat(thrown.get()).satisfies(TestSupport.client(Reason.INTERRUPTED));
        assertThat(flag.get()).isTrue();
    }

    @Test
    void brokenJsonInASuccessGivesATypedErrorWithoutTheBody() {
        stub = new StubServer(r -> StubServer.Answer.json(200, "{\"id\":\"x\",\"size\":\"not-a-number-SECRETDATA\""));
        ScalewayProvider p = provider();
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID))
                .satisfies(TestSupport.client(Reason.UNREADABLE_RESPONSE))
                .hasMessageContaining("GET /block/v1/zones/fr-par-1/volumes/" + VOLUME_ID)
                .hasMessageContaining("req-200")
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("SECRETDATA");
                    assertThat(e.getCause()).isNull();
                });
        assertThat(stub.received()).hasSize(1);

        stub.handler(r -> StubServer.Answer.json(200, "{\"id\":\"x\",\"created_at\":\"yesterday-SECRETDATA\"}"));
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID))
                .satisfies(TestSupport.client(Reason.UNREADABLE_RESPONSE))
                .hasMessageContaining("created_at")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRETDATA"));

        stub.handler(r -> StubServer.Answer.json(200, "{\"nothing\":1}"));
        assertThatThrownBy(() -> p.getServer("fr-par-1", "22222222-2222-2222-2222-222222222222"))
                .satisfies(TestSupport.client(Reason.UNREADABLE_RESPONSE)).hasMessageContaining("'server'");
    }

    @Test
    void aNotFoundPageThatIsNotAnApiErrorIsNeverTakenForADeletedResource() {
        stub = new StubServer(r -> new StubServer.Answer(404, java.util.Map.of("Content-Type", "text/html",
                "X-Request-Id", "req-404"), "<html><body>Not Found</body></html>", 0));
        ScalewayProvider p = provider();
        assertThatThrownBy(() -> p.waitForVolumeDeleted("fr-par-1", VOLUME_ID, java.time.Duration.ofMinutes(1)))
                .satisfies(TestSupport.client(Reason.UNREADABLE_RESPONSE))
                .hasMessageContaining("404").hasMessageContaining("req-404").hasMessageContaining("baseUrl");
        assertThat(stub.received()).hasSize(1);
    }
}
