package dev.providersettings.scaleway.metrics;

import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.scaleway.ScalewayCall;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScalewayCallMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static ScalewayCall call(String operation, int status, int attempts, int throttled, long millis,
                                     OrganizationId org, String error) {
        return new ScalewayCall(operation, "GET", status, attempts, throttled, Duration.ofMillis(millis), org, error);
    }

    @Test
    void callsAreTimedByOperationStatusClassAndOutcomeWithRetriesAndThrottlingCounted() {
        ScalewayCallMetrics metrics = ScalewayCallMetrics.recordingTo(registry);
        OrganizationId org = OrganizationId.random();
        metrics.onCall(call("block.getVolume", 200, 1, 0, 40, org, null));
        metrics.onCall(call("block.getVolume", 200, 4, 3, 700, org, null));
        metrics.onCall(call("block.getVolume", 404, 1, 0, 10, org, "not_found"));
        metrics.onCall(call("instance.getServer", 0, 4, 0, 900, org, "transport"));

        var ok = registry.get(ScalewayCallMetrics.CALLS).tags("operation", "block.getVolume", "method", "GET",
                "status", "2xx", "outcome", "success", "error", ScalewayCallMetrics.NO_ERROR).timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(740);
        assertThat(registry.get(ScalewayCallMetrics.CALLS).tags("status", "4xx", "outcome", "failure",
                "error", "not_found").timer().count()).isEqualTo(1);
        assertThat(registry.get(ScalewayCallMetrics.CALLS).tags("operation", "instance.getServer", "status", "none",
                "error", "transport").timer().count()).isEqualTo(1);
        assertThat(registry.get(ScalewayCallMetrics.RETRIES).tags("operation", "block.getVolume").counter().count())
                .isEqualTo(3);
        assertThat(registry.get(ScalewayCallMetrics.RETRIES).tags("operation", "instance.getServer").counter().count())
                .isEqualTo(3);
        assertThat(registry.get(ScalewayCallMetrics.THROTTLED).tags("operation", "block.getVolume").counter().count())
                .isEqualTo(3);
        // no organization tag by default
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTag("organization")).isNull();
        }
    }

    @Test
    void theOptInOrganizationTagIsBounded() {
        ScalewayCallMetrics metrics = ScalewayCallMetrics.builder().organizationTag(2).tags(Tags.of("app", "x")).build();
        metrics.bindTo(registry);
        OrganizationId a = OrganizationId.random();
        OrganizationId b = OrganizationId.random();
        for (int i = 0; i < 50; i++) {
            metrics.onCall(call("block.getVolume", 200, 1, 0, 5, OrganizationId.random(), null));
            metrics.onCall(call("block.getVolume", 200, 1, 0, 5, i % 2 == 0 ? a : b, null));
        }
        Set<String> values = registry.find(ScalewayCallMetrics.CALLS).timers().stream()
                .map(t -> t.getId().getTag("organization")).collect(Collectors.toSet());
        // the first two organizations seen keep their own value; the other 50 share one
        assertThat(values).hasSize(3).contains(ScalewayCallMetrics.OTHER_ORGANIZATIONS);
        assertThat(registry.find(ScalewayCallMetrics.CALLS).tag("organization", ScalewayCallMetrics.OTHER_ORGANIZATIONS)
                .timer().count()).isGreaterThanOrEqualTo(49);
        assertThat(registry.find(ScalewayCallMetrics.CALLS).timers()).allMatch(t -> "x".equals(t.getId().getTag("app")));
    }

    @Test
    void aBoundOutsideTheLimitsIsATypedError() {
        assertThatThrownBy(() -> ScalewayCallMetrics.builder().organizationTag(0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("1..10000");
        assertThatThrownBy(() -> ScalewayCallMetrics.builder().organizationTag(10_001))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void unboundMetricsRecordNothingAndEveryBoundRegistryRecords() {
        ScalewayCallMetrics metrics = new ScalewayCallMetrics();
        metrics.onCall(call("block.getVolume", 200, 1, 0, 5, OrganizationId.random(), null));
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        metrics.bindTo(second);
        metrics.onCall(call("block.getVolume", 200, 1, 0, 5, OrganizationId.random(), null));
        assertThat(registry.get(ScalewayCallMetrics.CALLS).timer().count()).isEqualTo(1);
        assertThat(second.get(ScalewayCallMetrics.CALLS).timer().count()).isEqualTo(1);
    }
}
