package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
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

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1, warm resolve: {@code manager.get(org, "scaleway", ScalewayProvider.class)} served from the cache,
 * organizations drawn at random, next to (a) the origin's look-up (provider query + one query per key, decrypting
 * in SQL, new client per call) and (b) the floor: a bare {@code ConcurrentHashMap.get} over as many keys. Threads
 * are set by the runner ({@code -t 1} and {@code -t 2}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WarmResolveBenchmark {

    /** How many organizations are resident; each benchmark's state depends on it. */
    @State(Scope.Benchmark)
    public static class Organizations {
        @Param({"1", "1000", "100000"})
        public int organizations;
        OrganizationId[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            BenchEnvironment.get().ensureFixture(organizations);
            ids = BenchEnvironment.organizations(organizations);
        }
    }

    /**
     * The library: a manager on the Postgres store (with its change feed, as in production), cache filled. The
     * {@code cache} group also runs it with hits counted and with a size bound above the organization count (hits
     * then sampled into the bound's frequency sketch).
     */
    @State(Scope.Benchmark)
    public static class Library {
        @Param({"false"})
        public boolean recordHits;
        @Param({"0"})
        public long maximumSize;
        HikariDataSource pool;
        PostgresCredentialStore store;
        ProviderManager manager;

        @Setup(Level.Trial)
        public void setUp(Organizations orgs) throws Exception {
            BenchEnvironment env = BenchEnvironment.get();
            pool = env.pool("bench-warm", 4);
            store = env.storeWithChangeFeed(pool, BenchEnvironment.SCHEMA);
            manager = ProviderManager.builder().store(store).registry(BenchEnvironment.registry())
                    .cipher(BenchEnvironment.cipher()).recordHits(recordHits).maximumSize(maximumSize).build();
            // Fill the cache with two threads (each a cold resolve), then check every entry is resident.
            ExecutorService fill = Executors.newFixedThreadPool(2);
            try {
                int half = orgs.ids.length / 2;
                Future<?> a = fill.submit(() -> load(orgs.ids, 0, half));
                Future<?> b = fill.submit(() -> load(orgs.ids, half, orgs.ids.length));
                a.get();
                b.get();
            } finally {
                fill.shutdown();
            }
            if (manager.cachedCount() != orgs.ids.length) {
                throw new IllegalStateException("cache holds " + manager.cachedCount() + " clients, expected "
                        + orgs.ids.length);
            }
        }

        private void load(OrganizationId[] ids, int from, int to) {
            for (int i = from; i < to; i++) {
                manager.get(ids[i], "scaleway", ScalewayProvider.class);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
            store.close();
            pool.close();
        }
    }

    /** The origin's way on its own pool. */
    @State(Scope.Benchmark)
    public static class Origin {
        HikariDataSource pool;
        ScalewayProviderFactory factory;
        OriginProviders origin;

        @Setup(Level.Trial)
        public void setUp(Organizations orgs) {
            pool = BenchEnvironment.get().pool("bench-origin", 4);
            factory = ScalewayProviderFactory.builder().build();
            origin = new OriginProviders(pool, factory);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            factory.close();
            pool.close();
        }
    }

    /** The floor: the same keys in a bare map. */
    @State(Scope.Benchmark)
    public static class Floor {
        ConcurrentHashMap<OrganizationId, Object> map;

        @Setup(Level.Trial)
        public void setUp(Organizations orgs) {
            map = new ConcurrentHashMap<>();
            Object value = new Object();
            for (OrganizationId id : orgs.ids) {
                map.put(id, value);
            }
        }
    }


    @Benchmark
    public ScalewayProvider library(Organizations orgs, Library library, RandomCursor cursor) {
        return library.manager.get(orgs.ids[cursor.next(orgs.ids.length)], "scaleway", ScalewayProvider.class);
    }

    @Benchmark
    public ScalewayProvider originBaseline(Organizations orgs, Origin origin, RandomCursor cursor) {
        return origin.origin.getProvider("scaleway", orgs.ids[cursor.next(orgs.ids.length)]);
    }

    @Benchmark
    public Object floorBaseline(Organizations orgs, Floor floor, RandomCursor cursor) {
        return floor.map.get(orgs.ids[cursor.next(orgs.ids.length)]);
    }
}
