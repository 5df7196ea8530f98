package dev.providersettings.scaleway;

import dev.providersettings.OrganizationId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Many organizations, one transport: each request carries its own organization's token. */
class SharedTransportTest {
    private static final String SECRET_A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final String SECRET_B = "bbbbbbbb-0000-4000-8000-000000000002";

    @Test
    void twoOrganizationsCallingConcurrentlyEachSendTheirOwnToken() throws Exception {
        Map<String, String> tokenOfVolumePrefix = Map.of("aaaaaaaa", SECRET_A, "bbbbbbbb", SECRET_B);
        try (StubServer stub = new StubServer(r -> {
            String id = r.path().substring(r.path().lastIndexOf('/') + 1);
            return StubServer.Answer.json(200, "{\"id\":\"" + id + "\",\"size\":1000000000,\"status\":\"available\"}");
        }); ScalewayProviderFactory factory = TestSupport.factory(stub, RetryPolicy.none())) {
            ScalewayProvider a = factory.create(TestSupport.settings(OrganizationId.random(), SECRET_A, null, null, UUID.randomUUID()));
            ScalewayProvider b = factory.create(TestSupport.settings(OrganizationId.random(), SECRET_B, null, null, UUID.randomUUID()));
            assertThat(a.transport()).isSameAs(b.transport());
            assertThat(a.transport().httpClient()).isSameAs(b.transport().httpClient());

            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        ScalewayProvider p = (i + thread) % 2 == 0 ? a : b;
                        String prefix = p == a ? "aaaaaaaa" : "bbbbbbbb";
                        String id = prefix + "-" + String.format("%04d", thread) + "-4000-8000-" + String.format("%012d", i);
                        assertThat(p.getVolume("fr-par-1", id).id()).isEqualTo(id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(stub.received()).hasSize(320).allSatisfy(r -> {
                String id = r.path().substring(r.path().lastIndexOf('/') + 1);
                assertThat(r.token()).as(r.path()).isEqualTo(tokenOfVolumePrefix.get(id.substring(0, 8)));
            });
            assertThat(stub.received().stream().filter(r -> r.token().equals(SECRET_A)).count()).isEqualTo(160);
        }
    }

    @Test
    void tenThousandOrganizationsShareOneClientAndStartNoThreads() {
        try (ScalewayProviderFactory factory = new ScalewayProviderFactory()) {
            int before = Thread.activeCount();
            List<ScalewayProvider> providers = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                providers.add(factory.create(TestSupport.settings(OrganizationId.random(), UUID.randomUUID().toString(),
                        null, null, UUID.randomUUID())));
            }
            assertThat(providers).extracting(ScalewayProvider::transport).containsOnly(providers.get(0).transport());
            assertThat(Thread.activeCount() - before).isLessThanOrEqualTo(2);
        }
    }
}
