package dev.providersettings.scaleway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProbeResult;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The secret key never shows in toString, exception messages and stack traces, probe results or DEBUG logs. */
class SecretLeakTest {
    private static final String SECRET = "0badc0de-5ec2-4e7a-9bad-5ec2e7000000";

    @Test
    void secretNeverLeaks() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.providersettings.scaleway");
        Level previous = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        List<String> texts = new ArrayList<>();
        AtomicInteger n = new AtomicInteger();
        try (StubServer stub = new StubServer(r -> switch (n.incrementAndGet()) {
            case 1 -> StubServer.Answer.json(401, "{\"message\":\"authentication is denied\",\"method\":\"api_key\","
                    + "\"reason\":\"not_found\",\"type\":\"denied_authentication\"}");
            case 2 -> StubServer.Answer.rateLimited();
            case 3 -> StubServer.Answer.json(404, "{\"type\":\"not_found\",\"resource\":\"volume\",\"resource_id\":\"x\"}");
            case 4 -> StubServer.Answer.json(200, "{broken");
            default -> StubServer.Answer.json(403, "{\"details\":[{\"action\":\"read\",\"resource\":\"api_key\"}],"
                    + "\"message\":\"insufficient permissions\",\"type\":\"permissions_denied\"}");
        }); ScalewayProviderFactory factory = TestSupport.factory(stub,
                TestSupport.fakeTimePolicy(new TestSupport.FakeTime()).maxAttempts(2).build())) {
            ScalewayProvider p = factory.create(TestSupport.settings(OrganizationId.random(), SECRET,
                    TestSupport.ACCESS_KEY, TestSupport.ORG, TestSupport.PROJECT));
            texts.add(p.toString());
            texts.add(factory.toString());
            for (int i = 0; i < 3; i++) {
                try {
                    p.getVolume("fr-par-1", "11111111-1111-1111-1111-111111111111");
                } catch (ScalewayException e) {
                    texts.add(e.toString());
                    texts.add(stackTrace(e));
                }
            }
            ProbeResult probe = factory.probe(TestSupport.settings(OrganizationId.random(), SECRET,
                    TestSupport.ACCESS_KEY, TestSupport.ORG, TestSupport.PROJECT));
            assertThat(probe.failedCheck()).isEqualTo("iam_read_permission");
            texts.add(probe.toString());
            try {
                p.resizeVolume("fr-par-1", "11111111-1111-1111-1111-111111111111", 1_500_000_000L);
            } catch (ScalewayException e) {
                texts.add(stackTrace(e));
            }
            // Transport failure (unreachable port).
            try (ScalewayProviderFactory dead = ScalewayProviderFactory.builder().baseUrl("http://127.0.0.1:1").allowInsecureEndpoint(true)
                    .retryPolicy(RetryPolicy.none()).build()) {
                try {
                    dead.create(TestSupport.settings(OrganizationId.random(), SECRET, null, null, TestSupport.PROJECT))
                            .getServer("fr-par-1", "abc");
                } catch (ScalewayException e) {
                    texts.add(stackTrace(e));
                }
            }
            assertThat(stub.received()).allSatisfy(r -> assertThat(r.token()).isEqualTo(SECRET));
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
        assertThat(appender.list).isNotEmpty();
        for (ILoggingEvent event : appender.list) {
            texts.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(appender.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("GET /block/v1/zones/fr-par-1/volumes/", "request-id=", "attempt=", "ms"));
        assertThat(texts).hasSizeGreaterThan(8).allSatisfy(t -> assertThat(t).doesNotContain(SECRET)
                .doesNotContain(SECRET.substring(0, 18)));
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
