package dev.providersettings.benchmarks;

import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.SeedReport;
import dev.providersettings.SettingDefinition;
import dev.providersettings.scaleway.ScalewaySettings;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a size-bounded cache retains when its clients are {@link AutoCloseable}: removed clients wait
 * {@code closeDelay} before they are closed, so under churn the clients held are not bounded by
 * {@code maximumSize} but by the eviction rate times the delay. A harness: {@code organizations} organizations
 * (in-memory store), {@code maximumSize} 1,000, one get of each organization, then the clients still open (created
 * minus closed) and the heap, with the default delay and with {@code closeDelay(0)} as the baseline.
 *
 * <p>Arguments: {@code [organizations] [result file]}.
 */
public final class CloseDelayRetention {
    static final int ORGANIZATIONS = 50_000;
    static final long MAXIMUM_SIZE = 1000;

    private CloseDelayRetention() {
    }

    /** A credentials-only client that must be closed; counts the open ones. */
    static final class ClosingClient implements AutoCloseable {
        static final AtomicLong OPEN = new AtomicLong();
        final String accessKey;
        final Secret secretKey;
        private boolean closed;

        ClosingClient(String accessKey, Secret secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            OPEN.incrementAndGet();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                OPEN.decrementAndGet();
            }
        }
    }

    static final class ClosingFactory implements ProviderFactory<ClosingClient> {
        @Override
        public ProviderCode code() {
            return ProviderCode.of("closing");
        }

        @Override
        public Class<ClosingClient> clientType() {
            return ClosingClient.class;
        }

        @Override
        public List<SettingDefinition> settings() {
            return List.of(SettingDefinition.text("ACCESS_KEY").required(), SettingDefinition.secret("SECRET_KEY").required());
        }

        @Override
        public ClosingClient create(ProviderSettings settings) {
            return new ClosingClient(settings.text("ACCESS_KEY"), settings.secret("SECRET_KEY"));
        }
    }

    static CacheAtScale.Result runInChildJvm(int organizations) throws Exception {
        return new CacheAtScale.Result(ChildJvm.run("close-delay", List.of("-Xmx2g"), CloseDelayRetention.class,
                Integer.toString(organizations)));
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : ORGANIZATIONS;
        List<String> lines = CacheAtScale.printing();
        OrganizationId[] ids = BenchEnvironment.organizations(n);
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        Map<OrganizationId, Integer> indexes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            store.addOrganization(ids[i]);
            indexes.put(ids[i], i);
        }
        try (ProviderManager seeding = manager(store, Duration.ZERO)) {
            SeedReport report = seeding.seeder().seed("benchmark", "closing", (organization, definition) -> {
                Map<String, String> values = BenchEnvironment.credentials(indexes.get(organization));
                return Optional.of(definition.key().equals("ACCESS_KEY") ? values.get(ScalewaySettings.ACCESS_KEY)
                        : values.get(ScalewaySettings.SECRET_KEY));
            }, List.of(ids));
            if (report.writtenCount() != 2 * n) {
                throw new IllegalStateException("seeded " + report.writtenCount());
            }
        }
        for (Duration delay : new Duration[]{null, Duration.ZERO}) {
            long openBefore = ClosingClient.OPEN.get();
            long heapBefore = MemoryFootprint.usedAfterGc();
            ProviderManager manager = manager(store, delay);
            long start = System.nanoTime();
            for (OrganizationId id : ids) {
                manager.get(id, "closing", ClosingClient.class);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long open = ClosingClient.OPEN.get() - openBefore;
            long heap = MemoryFootprint.usedAfterGc() - heapBefore;
            lines.add(String.format(Locale.ROOT, "closeDelay %s, maximumSize %,d, one get of each of %,d organizations "
                            + "(%.1f s): %,d cached, %,d clients still open, heap %+,.1f MB (%,.0f bytes per cached entry)",
                    delay == null ? "default (1 min)" : delay, MAXIMUM_SIZE, n, seconds, manager.cachedCount(), open,
                    heap / 1e6, heap / (double) Math.max(1, manager.cachedCount())));
            manager.close();
            lines.add(String.format(Locale.ROOT, "  after close(): %,d still open",
                    ClosingClient.OPEN.get() - openBefore));
        }
        if (args.length > 1) {
            java.nio.file.Files.write(java.nio.file.Path.of(args[1]), lines);
        }
        System.exit(0);
    }

    private static ProviderManager manager(InMemoryCredentialStore store, Duration closeDelay) {
        ProviderManager.Builder builder = ProviderManager.builder().store(store)
                .registry(ProviderRegistry.builder().register(new ClosingFactory()).build())
                .cipher(BenchEnvironment.cipher()).maximumSize(MAXIMUM_SIZE);
        if (closeDelay != null) {
            builder.closeDelay(closeDelay);
        }
        return builder.build();
    }
}
