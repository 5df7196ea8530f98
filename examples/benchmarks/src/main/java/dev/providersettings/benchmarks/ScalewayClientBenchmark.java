package dev.providersettings.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.CreateVolumeRequest;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;
import dev.providersettings.scaleway.Volume;
import dev.providersettings.scaleway.fake.FakeScaleway;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 6, Scaleway client overhead: {@code ScalewayProvider.getVolume} (request building, shared transport,
 * retry bookkeeping, typed JSON result) against the fake API on loopback, next to the same GET through a bare
 * {@link HttpClient} that keeps the body as bytes. A third variant parses the body to a Jackson tree, for reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ScalewayClientBenchmark {
    private static final String ZONE = "fr-par-1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    FakeScaleway fake;
    ScalewayProviderFactory factory;
    ScalewayProvider provider;
    HttpClient bare;
    HttpRequest bareRequest;
    String volumeId;

    @Setup(Level.Trial)
    public void setUp() {
        fake = FakeScaleway.builder().threads(4).build().start();
        UUID scwOrg = UUID.randomUUID();
        String secret = UUID.randomUUID().toString();
        String accessKey = "SCWBENCH000000000001";
        fake.addApiKey(accessKey, secret, scwOrg, scwOrg);
        factory = ScalewayProviderFactory.builder().baseUrl(fake.baseUrl()).allowInsecureEndpoint(true).build();
        provider = factory.create(ProviderSettings.of(OrganizationId.random(), ScalewayProviderFactory.CODE, Map.of(
                ScalewaySettings.PROJECT_ID, scwOrg.toString(),
                ScalewaySettings.SECRET_KEY, Secret.of(secret),
                ScalewaySettings.ACCESS_KEY, accessKey,
                ScalewaySettings.ORGANIZATION_ID, scwOrg.toString())));
        volumeId = provider.createVolume(ZONE, CreateVolumeRequest.empty("bench-volume", 20 * ScalewayProvider.GB)).id();
        bare = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        bareRequest = HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/block/v1/zones/" + ZONE + "/volumes/" + volumeId))
                .timeout(Duration.ofSeconds(30))
                .header("X-Auth-Token", secret)
                .header("Accept", "application/json")
                .GET().build();
    }

    /** The fake records every request; forget them so the heap does not grow during the run. */
    @TearDown(Level.Iteration)
    public void forgetRequests() {
        fake.clearRequests();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        factory.close();
        fake.close();
    }

    @Benchmark
    public Volume library() {
        return provider.getVolume(ZONE, volumeId);
    }

    @Benchmark
    public byte[] bareHttpClientBaseline() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = bare.send(bareRequest, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("fake answered " + response.statusCode());
        }
        return response.body();
    }

    @Benchmark
    public JsonNode bareHttpClientJacksonBaseline() throws IOException, InterruptedException {
        return MAPPER.readTree(bareHttpClientBaseline());
    }
}
