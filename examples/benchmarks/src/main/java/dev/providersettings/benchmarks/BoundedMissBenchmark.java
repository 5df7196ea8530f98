package dev.providersettings.benchmarks;

import dev.providersettings.CacheStats;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.SeedReport;
import dev.providersettings.scaleway.ScalewayProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a miss with a size bound: {@code organizations} organizations in the in-memory store (so the store
 * read is cheap and the cache's own work shows), gets drawn uniformly at random.
 * <ul>
 *   <li>{@code boundedGet}: {@code maximumSize(maximumSize)}, so most gets miss and every load evicts an entry;
 *       the miss fraction is measured (hits counted) and written to {@value #MISSES_FILE}.</li>
 *   <li>{@code unboundedMissBaseline}: unbounded, every entry resident; {@code invalidate} then {@code get} of the
 *       same organization: always one miss, never an eviction.</li>
 * </ul>
 * Cost per miss of the bounded cache = its time per get / its miss fraction; the target is ≤ 3x the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BoundedMissBenchmark {
    static final String MISSES_FILE = "bounded-miss.txt";

    /** The store with every organization's Scaleway settings, written by the seeder. */
    @State(Scope.Benchmark)
    public static class Fixture {
        @Param({"20000"})
        public int organizations;
        InMemoryCredentialStore store;
        OrganizationId[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            ids = BenchEnvironment.organizations(organizations);
            store = new InMemoryCredentialStore();
            Map<OrganizationId, Integer> indexes = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                store.addOrganization(ids[i]);
                indexes.put(ids[i], i);
            }
            try (ProviderManager seeding = manager(0)) {
                SeedReport report = seeding.seeder().seed("benchmark", "scaleway", BenchEnvironment.source(indexes),
                        List.of(ids));
                if (report.writtenCount() != 4 * ids.length) {
                    throw new IllegalStateException("seeded " + report.writtenCount() + " settings");
                }
            }
        }

        ProviderManager manager(long maximumSize) {
            return ProviderManager.builder().store(store).registry(BenchEnvironment.registry())
                    .cipher(BenchEnvironment.cipher()).maximumSize(maximumSize).recordHits(true)
                    .cacheTtl(Duration.ofHours(1)).build();
        }
    }

    /** A bounded manager, warmed by a pass of random gets. */
    @State(Scope.Benchmark)
    public static class Bounded {
        @Param({"1000"})
        public long maximumSize;
        ProviderManager manager;
        CacheStats start;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) {
            manager = fixture.manager(maximumSize);
            RandomCursor cursor = new RandomCursor();
            for (int i = 0; i < 2 * fixture.ids.length; i++) {
                manager.get(fixture.ids[cursor.next(fixture.ids.length)], "scaleway", ScalewayProvider.class);
            }
            start = manager.stats();
        }

        @TearDown(Level.Trial)
        public void tearDown(Fixture fixture) throws IOException {
            CacheStats delta = manager.stats().minus(start);
            long gets = delta.hitCount() + delta.missCount();
            String line = String.format(Locale.ROOT, "%d %d %d %d %d", fixture.organizations, maximumSize,
                    delta.missCount(), gets, manager.cachedCount());
            String out = System.getProperty(BenchEnvironment.OUT_PROPERTY);
            if (out != null) {
                Files.writeString(Path.of(out, MISSES_FILE), line + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            System.out.printf(Locale.ROOT, "%n# bounded: %,d misses in %,d gets (%.4f), %,d cached (bound %,d)%n",
                    delta.missCount(), gets, delta.missCount() / (double) Math.max(1, gets), manager.cachedCount(),
                    maximumSize);
            manager.close();
        }
    }

    /** An unbounded manager holding every organization. */
    @State(Scope.Benchmark)
    public static class Unbounded {
        ProviderManager manager;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) {
            manager = fixture.manager(0);
            for (OrganizationId id : fixture.ids) {
                manager.get(id, "scaleway", ScalewayProvider.class);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    public ScalewayProvider boundedGet(Fixture fixture, Bounded bounded, RandomCursor cursor) {
        return bounded.manager.get(fixture.ids[cursor.next(fixture.ids.length)], "scaleway", ScalewayProvider.class);
    }

    @Benchmark
    public ScalewayProvider unboundedMissBaseline(Fixture fixture, Unbounded unbounded, RandomCursor cursor) {
        OrganizationId id = fixture.ids[cursor.next(fixture.ids.length)];
        unbounded.manager.invalidate(id, "scaleway");
        return unbounded.manager.get(id, "scaleway", ScalewayProvider.class);
    }
}
