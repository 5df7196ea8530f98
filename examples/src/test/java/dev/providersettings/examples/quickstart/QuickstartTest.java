package dev.providersettings.examples.quickstart;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.Secret;
import dev.providersettings.postgres.testing.PostgresTestDatabase;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class QuickstartTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();

    @Test
    void quickstartStoresCredentialsAndResizesAVolumeWithThem() throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(DB.jdbcUrl() + (DB.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + DB.schema());
        pool.setUsername(DB.user());
        pool.setPassword(DB.password());
        try (HikariDataSource dataSource = new HikariDataSource(pool);
             FakeScaleway fake = FakeScaleway.builder().resizeDelay(Duration.ofMillis(100))
                     .volumeCreateDelay(Duration.ofMillis(50)).build().start()) {
            UUID project = UUID.randomUUID();
            String secretKey = UUID.randomUUID().toString();
            fake.addApiKey("SCWQUICKSTARTTEST001", secretKey, project, project);

            String summary = Quickstart.run(dataSource, dev.providersettings.KeyRing.builder()
                    .primary("k1", new byte[32]).build(), fake.baseUrl(), project, secretKey);

            assertThat(summary).contains("resized to 50 GB").contains(Secret.of(secretKey).fingerprint())
                    .doesNotContain(secretKey);
            String volumeId = summary.replaceAll(".*volume (\\S+) resized.*", "$1");
            assertThat(fake.volume(UUID.fromString(volumeId)).orElseThrow().path("size").asLong())
                    .isEqualTo(50_000_000_000L);
            assertThat(fake.requests()).extracting(RecordedRequest::authToken).containsOnly(secretKey);
        }
    }
}
