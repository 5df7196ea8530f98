package dev.providersettings.scaleway;

import dev.providersettings.scaleway.ScalewayClientException.Reason;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.fake.FakeScaleway;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.providersettings.scaleway.ScalewayProvider.GB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The call listener: one report per logical call, after its retries, with attempts, 429s, status and outcome. */
class CallListenerTest extends StubServerTestBase {
    private static final String VOLUME = "{\"id\":\"" + VOLUME_ID + "\",\"size\":20000000000,\"status\":\"available\"}";

    private final List<ScalewayCall> calls = new CopyOnWriteArrayList<>();

    private ScalewayProviderFactory.Builder builder(String baseUrl) {
        return ScalewayProviderFactory.builder().baseUrl(baseUrl).allowInsecureEndpoint(true)
                .retryPolicy(TestSupport.fakeTimePolicy(time).build()).requestTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).callListener(calls::add);
    }

    @Test
    void aSuccessfulCallIsReportedOnceWithItsOperationAndOrganization() {
        stub = new StubServer(r -> StubServer.Answer.json(200, VOLUME));
        factory = builder(stub.baseUrl()).build();
        OrganizationId tenant = OrganizationId.random();
        ScalewayProvider p = factory.create(TestSupport.settings(tenant, TestSupport.SECRET, TestSupport.ACCESS_KEY,
                TestSupport.ORG, TestSupport.PROJECT));
        p.getVolume("fr-par-1", VOLUME_ID);
        assertThat(calls).containsExactly(new ScalewayCall("block.getVolume", "GET", 200, 1, 0, Duration.ZERO, tenant,
                null));
    }

    @Test
    void aThrottledThenSuccessfulCallCountsItsAttemptsAnd429s() {
        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> n.incrementAndGet() <= 3 ? StubServer.Answer.rateLimited()
                : StubServer.Answer.json(200, VOLUME));
        factory = builder(stub.baseUrl()).build();
        factory.create(TestSupport.settings()).getVolume("fr-par-1", VOLUME_ID);
        assertThat(calls).hasSize(1);
        ScalewayCall call = calls.get(0);
        assertThat(call.attempts()).isEqualTo(4);
        assertThat(call.throttledAttempts()).isEqualTo(3);
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.success()).isTrue();
        // Duration on the policy's clock: here the fake one, moved only by the backoff (100 + 200 + 400 ms).
        assertThat(call.duration()).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void failuresAreReportedWithTheLastStatusOrZeroWithoutAnAnswer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        factory = builder("http://127.0.0.1:" + port).build();
        ScalewayProvider dead = factory.create(TestSupport.settings());
        assertThatThrownBy(() -> dead.getVolume("fr-par-1", VOLUME_ID)).isInstanceOf(ScalewayTransportException.class);
        assertThat(calls).singleElement().satisfies(c -> {
            assertThat(c.operation()).isEqualTo("block.getVolume");
            assertThat(c.status()).isZero();
            assertThat(c.attempts()).isEqualTo(4);
            assertThat(c.throttledAttempts()).isZero();
            assertThat(c.success()).isFalse();
            assertThat(c.error()).isEqualTo("transport");
        });
        factory.close();
        calls.clear();

        AtomicInteger n = new AtomicInteger();
        stub = new StubServer(r -> switch (n.incrementAndGet()) {
            case 1 -> StubServer.Answer.rateLimited();
            case 2 -> StubServer.Answer.json(404, "{\"type\":\"not_found\",\"message\":\"resource is not found\"}");
            default -> StubServer.Answer.json(200, "{\"id\": broken");
        });
        factory = builder(stub.baseUrl()).build();
        ScalewayProvider p = factory.create(TestSupport.settings());
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID)).isInstanceOf(ScalewayNotFoundException.class);
        assertThatThrownBy(() -> p.getVolume("fr-par-1", VOLUME_ID)).satisfies(TestSupport.client(Reason.UNREADABLE_RESPONSE));
        assertThat(calls).extracting(ScalewayCall::status, ScalewayCall::attempts, ScalewayCall::throttledAttempts,
                        ScalewayCall::success, ScalewayCall::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(404, 2, 1, false, "not_found"),
                        org.assertj.core.groups.Tuple.tuple(200, 1, 0, false, "unreadable_response"));   // 2xx that does not parse
    }

    @Test
    void aListenerThatThrowsChangesNothingAndIsLoggedOnceWithoutTheSecret() {
        stub = new StubServer(r -> StubServer.Answer.json(200, VOLUME));
        AtomicInteger seen = new AtomicInteger();
        factory = ScalewayProviderFactory.builder().baseUrl(stub.baseUrl()).allowInsecureEndpoint(true)
                .retryPolicy(RetryPolicy.none()).callListener(call -> {
                    seen.incrementAndGet();
                    throw new IllegalStateException("metrics backend down");
                }).build();
        ScalewayProvider p = factory.create(TestSupport.settings());
        Logger logger = (Logger) LoggerFactory.getLogger("dev.providersettings.scaleway");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(p.getVolume("fr-par-1", VOLUME_ID).id()).isEqualTo(VOLUME_ID);
            }
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(seen).hasValue(3);
        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.getFormattedMessage()).contains("listener", "IllegalStateException", "block.getVolume")
                    .doesNotContain(TestSupport.SECRET);
            assertThat(w.getThrowableProxy().getMessage()).isEqualTo("metrics backend down");
        });
    }

    @Test
    void everyCallOfAFlowIsReportedOnceAndNoFieldHoldsTheSecret() {
        UUID org = UUID.randomUUID();
        String secret = UUID.randomUUID().toString();
        try (FakeScaleway fake = FakeScaleway.builder().resizeDelay(Duration.ofMillis(100))
                .volumeCreateDelay(Duration.ofMillis(20)).build().start()) {
            fake.addApiKey("SCWLISTENER000000001", secret, org, org);
            factory = ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true)
                    .retryPolicy(RetryPolicy.builder().throttledBaseDelay(Duration.ofMillis(5))
                            .throttledMaxDelay(Duration.ofMillis(20)).build())
                    .pollInterval(Duration.ofMillis(10)).callListener(calls::add).build();
            OrganizationId tenant = OrganizationId.random();
            ScalewayProvider p = factory.create(ProviderSettings.of(tenant, ScalewayProviderFactory.CODE, Map.of(
                    ScalewaySettings.PROJECT_ID, org.toString(), ScalewaySettings.SECRET_KEY, Secret.of(secret))));
            fake.faults().rateLimit(2, "/block/v1/zones/fr-par-1/volumes");   // the create POST is throttled twice
            Volume v = p.createVolume("fr-par-1", CreateVolumeRequest.empty("observed", 10 * GB));
            p.waitForVolume("fr-par-1", v.id(), x -> "available".equals(x.status()), Duration.ofSeconds(10));
            p.resizeVolume("fr-par-1", v.id(), 20 * GB);
            assertThat(p.listVolumes("fr-par-1", VolumeFilter.all(), 1).toList()).hasSize(1);
            p.deleteVolume("fr-par-1", v.id());
            p.waitForVolumeDeleted("fr-par-1", v.id(), Duration.ofSeconds(10));

            // One report per logical call: the attempts add up to exactly what the API received.
            assertThat(calls.stream().mapToInt(ScalewayCall::attempts).sum()).isEqualTo(fake.requests().size());
            assertThat(calls.get(0)).satisfies(c -> {
                assertThat(c.operation()).isEqualTo("block.createVolume");
                assertThat(c.method()).isEqualTo("POST");
                assertThat(c.attempts()).isEqualTo(3);
                assertThat(c.throttledAttempts()).isEqualTo(2);
                assertThat(c.success()).isTrue();
            });
            assertThat(calls).extracting(ScalewayCall::operation).containsSubsequence("block.createVolume",
                    "block.getVolume", "block.updateVolume", "block.getVolume", "block.listVolumes",
                    "block.deleteVolume", "block.getVolume");
            assertThat(calls).filteredOn(c -> c.operation().equals("block.updateVolume")).singleElement()
                    .satisfies(c -> assertThat(c.method()).isEqualTo("PATCH"));
            // The last GET of waitForVolumeDeleted is the 404 that ends the wait.
            assertThat(calls.get(calls.size() - 1)).satisfies(c -> {
                assertThat(c.status()).isEqualTo(404);
                assertThat(c.success()).isFalse();
            });
            assertThat(calls).allSatisfy(c -> {
                assertThat(c.organization()).isEqualTo(tenant);
                assertThat(c.operation()).matches("(instance|block|iam|account)\\.[a-z][A-Za-z]+");
                assertThat(c.toString()).doesNotContain(secret).doesNotContain(v.id());
            });
        }
    }
}
