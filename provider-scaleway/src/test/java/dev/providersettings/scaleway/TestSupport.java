package dev.providersettings.scaleway;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import org.assertj.core.api.ThrowingConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers: settings, a fake clock with a recording sleeper. */
final class TestSupport {
    static final String SECRET = "5f3c1a7e-9b2d-4c8e-a1f0-7d6e5c4b3a21";
    static final String ACCESS_KEY = "SCWABCDEFGHIJ0123456";
    static final UUID ORG = UUID.fromString("105bdce1-64c0-48ab-899d-868455867ecf");
    static final UUID PROJECT = ORG;

    private TestSupport() {
    }

    /** For {@code assertThatThrownBy(...).satisfies(client(reason))}: a client exception with that reason. */
    static ThrowingConsumer<Throwable> client(ScalewayClientException.Reason reason) {
        return e -> assertThat(e).isInstanceOfSatisfying(ScalewayClientException.class,
                c -> assertThat(c.reason()).as(c.getMessage()).isEqualTo(reason));
    }

    /** For {@code assertThatThrownBy(...).satisfies(service(type))}: a service exception of that error type. */
    static ThrowingConsumer<Throwable> service(ScalewayErrorType type) {
        return e -> assertThat(e).isInstanceOfSatisfying(ScalewayServiceException.class,
                c -> assertThat(c.errorType()).as(c.getMessage()).isEqualTo(type));
    }

    static ProviderSettings settings(OrganizationId tenant, String secret, String accessKey, UUID org, UUID project) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ScalewaySettings.PROJECT_ID, project.toString());
        values.put(ScalewaySettings.SECRET_KEY, Secret.of(secret));
        if (accessKey != null) {
            values.put(ScalewaySettings.ACCESS_KEY, accessKey);
        }
        if (org != null) {
            values.put(ScalewaySettings.ORGANIZATION_ID, org.toString());
        }
        return ProviderSettings.of(tenant, ScalewayProviderFactory.CODE, values);
    }

    static ProviderSettings settings() {
        return settings(OrganizationId.random(), SECRET, ACCESS_KEY, ORG, PROJECT);
    }

    /** A monotonic clock moved only by the sleeper; records every sleep. */
    static final class FakeTime implements RetryPolicy.Sleeper {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public synchronized void sleep(Duration duration) {
            sleeps.add(duration);
            nanos.addAndGet(duration.toNanos());
        }

        long now() {
            return nanos.get();
        }

        synchronized List<Duration> sleeps() {
            return List.copyOf(sleeps);
        }
    }

    /** A retry policy on fake time, no jitter. */
    static RetryPolicy.Builder fakeTimePolicy(FakeTime time) {
        return RetryPolicy.builder().sleeper(time).nanoClock(time::now).jitter(false)
                .baseDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(5)).transientStateDelay(Duration.ofSeconds(1))
                .throttledBaseDelay(Duration.ofMillis(100)).throttledMaxDelay(Duration.ofSeconds(5));
    }

    static ScalewayProviderFactory factory(StubServer stub, RetryPolicy policy) {
        return ScalewayProviderFactory.builder().baseUrl(stub.baseUrl()).allowInsecureEndpoint(true).retryPolicy(policy)
                .requestTimeout(Duration.ofSeconds(5)).connectTimeout(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(10)).build();
    }
}
