package dev.providersettings.benchmarks;

import dev.providersettings.CacheStats;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.Secret;
import dev.providersettings.SecretSource;
import dev.providersettings.SeedReport;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;

import java.lang.ref.Reference;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cache at a million organizations (a measured harness in its own JVM): {@value #ORGANIZATIONS} organizations
 * in the in-memory store, Zipf-distributed gets (s = 1.0) from {@value #THREADS} threads, once with
 * {@code maximumSize(}{@value #MAXIMUM_SIZE}{@code )} and once unbounded. For each: the hit ratio (next to the
 * ratio a perfect frequency-based cache of the same size would reach on the same stream), the latency of every get
 * (next to a bare {@code ConcurrentHashMap.get} over the same keys, timed the same way in the same run), the heap
 * retained per cached entry beyond the credentials, and what stays behind for organizations that are not cached
 * (after every organization passed through the bounded cache, and after gets of unknown organizations).
 *
 * <p>Arguments: {@code scaleway|tiny [organizations] [gets per thread] [result file]}. The client is the real
 * {@link ScalewayProvider} or {@link TinyProviderFactory}'s credentials-only client.
 */
public final class CacheAtScale {
    static final int ORGANIZATIONS = 1_000_000;
    static final int MAXIMUM_SIZE = 100_000;
    static final int THREADS = 2;
    static final double ZIPF_S = 1.0;
    static final long GETS_PER_THREAD = 2_000_000;
    static final int UNKNOWN_LOOKUPS = 200_000;
    static final List<String> HEAP = List.of("-Xms6g", "-Xmx6g", "-XX:+UseG1GC");

    /** The printed figures. */
    record Result(List<String> lines) {
    }

    private CacheAtScale() {
    }

    static Result runInChildJvm(String client, int organizations, long getsPerThread) throws Exception {
        System.out.println("# running cache at scale in a child JVM: " + client + ", " + organizations + " organizations");
        List<String> lines = ChildJvm.run("cache-scale", HEAP, CacheAtScale.class, client,
                Integer.toString(organizations), Long.toString(getsPerThread));
        lines.add("(child JVM: " + String.join(" ", HEAP) + ")");
        return new Result(lines);
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "tiny";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : ORGANIZATIONS;
        long gets = args.length > 2 ? Long.parseLong(args[2]) : GETS_PER_THREAD;
        boolean scaleway = kind.equals("scaleway");
        if (!scaleway && !kind.equals("tiny")) {
            throw new IllegalArgumentException("client kind is scaleway or tiny, not " + kind);
        }
        String code = scaleway ? "scaleway" : TinyProviderFactory.CODE;
        Class<?> clientType = scaleway ? ScalewayProvider.class : TinyProviderFactory.TinyClient.class;
        List<String> lines = printing();
        lines.add(String.format(Locale.ROOT, "client %s, %,d organizations (in-memory store), Zipf s=%.1f, %d threads, "
                + "%,d measured gets per thread after %,d warm-up gets per thread", kind, n, ZIPF_S, THREADS, gets, gets / 2));

        OrganizationId[] ids = BenchEnvironment.organizations(n);
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        long seedStart = System.nanoTime();
        seed(store, ids, scaleway);
        lines.add(String.format(Locale.ROOT, "seeded %,d organizations through the Seeder in %.1f s", n,
                (System.nanoTime() - seedStart) / 1e9));
        ZipfSampler zipf = new ZipfSampler(n, ZIPF_S, 42);

        // The floor: the same key stream against a bare map holding every organization.
        ConcurrentHashMap<OrganizationId, Object> floor = new ConcurrentHashMap<>();
        Object value = new Object();
        for (OrganizationId id : ids) {
            floor.put(id, value);
        }
        run(ids, zipf, gets / 2, 1, id -> floor.get(id), null);
        LatencyHistogram floorLatency = run(ids, zipf, gets, 2, id -> floor.get(id), null).latency;
        floor.clear();
        lines.add("bare ConcurrentHashMap.get, same stream, same timing: " + floorLatency.describe());

        double credentials = credentialsPerEntry(n, scaleway);
        lines.add(String.format(Locale.ROOT, "credentials alone (%s, built as the factory keeps them): %,.0f bytes per entry",
                scaleway ? "Secret + access key + 2 UUIDs" : "Secret + access key", credentials));

        for (long maximumSize : new long[]{MAXIMUM_SIZE, 0}) {
            String label = maximumSize > 0 ? String.format(Locale.ROOT, "maximumSize %,d", maximumSize) : "unbounded";
            long used0 = MemoryFootprint.usedAfterGc();
            ProviderManager manager = ProviderManager.builder().store(store).registry(registry(scaleway))
                    .cipher(BenchEnvironment.cipher()).maximumSize(maximumSize).recordHits(true)
                    // Longer than the run: nothing expires while measuring.
                    .cacheTtl(Duration.ofHours(2)).build();
            Getter get = id -> manager.get(id, code, clientType);
            run(ids, zipf, gets / 2, 3, get, null);
            CacheStats before = manager.stats();
            AtomicLong oracleHits = new AtomicLong();
            Run measured = run(ids, zipf, gets, 4, get, oracleHits);
            CacheStats delta = manager.stats().minus(before);
            long total = THREADS * gets;
            double hitRatio = 1 - delta.missCount() / (double) total;
            double oracle = maximumSize > 0 ? oracleHits.get() / (double) total : Double.NaN;
            lines.add("");
            lines.add("-- " + label + " --");
            lines.add(String.format(Locale.ROOT, "hit ratio %.4f (%,d misses in %,d gets; hits counted %,d)%s", hitRatio,
                    delta.missCount(), total, delta.hitCount(), maximumSize > 0 ? String.format(Locale.ROOT,
                            "; a perfect frequency cache of %,d (the %,d most popular organizations) would hit %.4f "
                                    + "(%.1f %% of it reached)", maximumSize, maximumSize, oracle, 100 * hitRatio / oracle) : ""));
            lines.add(String.format(Locale.ROOT, "cached after the measured gets: %,d; evictions %,d; loads %,d",
                    manager.stats().estimatedSize(), delta.evictionCount(), delta.loadCount()));
            lines.add("get latency: " + measured.latency.describe());
            lines.add(String.format(Locale.ROOT, "  p50 / floor p50 = %.2f, p99 / floor p99 = %.1f, mean / floor mean = %.2f",
                    measured.latency.percentile(0.5) / (double) Math.max(1, floorLatency.percentile(0.5)),
                    measured.latency.percentile(0.99) / (double) Math.max(1, floorLatency.percentile(0.99)),
                    measured.latency.mean() / Math.max(1, floorLatency.mean())));
            lines.add(String.format(Locale.ROOT, "  throughput %,.0f gets/s over %d threads (wall %.1f s)",
                    total / measured.seconds, THREADS, measured.seconds));

            // Every organization passes through the cache once, so that the bounded cache has seen 10x its size.
            long sweepStart = System.nanoTime();
            for (OrganizationId id : ids) {
                get.get(id);
            }
            double sweepSeconds = (System.nanoTime() - sweepStart) / 1e9;
            long size = manager.cachedCount();
            long used1 = MemoryFootprint.usedAfterGc();
            double perEntry = (used1 - used0) / (double) size;
            lines.add(String.format(Locale.ROOT, "after one get of each of the %,d organizations (%.1f s): %,d cached, "
                    + "%,d keys in all the cache's structures", n, sweepSeconds, size, retainedKeys(manager)));
            lines.add(String.format(Locale.ROOT, "heap retained: %,.1f MB = %,.0f bytes per cached entry; beyond the "
                    + "credentials %,.0f bytes; target < 1,024: %s", (used1 - used0) / 1e6, perEntry,
                    perEntry - credentials, Summary.met(perEntry - credentials < 1024)));

            // Unknown organizations (ids taken from requests) must leave nothing behind.
            SplittableRandom random = new SplittableRandom(7);
            int failed = 0;
            for (int i = 0; i < UNKNOWN_LOOKUPS; i++) {
                try {
                    get.get(OrganizationId.of(new UUID(random.nextLong(), random.nextLong())));
                } catch (MissingOrganizationException expected) {
                    failed++;
                }
            }
            long used2 = MemoryFootprint.usedAfterGc();
            lines.add(String.format(Locale.ROOT, "after %,d gets of unknown organizations (%,d failed as missing): "
                    + "heap %+,.1f bytes per lookup, %,d keys in the cache's structures", UNKNOWN_LOOKUPS, failed,
                    (used2 - used1) / (double) UNKNOWN_LOOKUPS, retainedKeys(manager)));
            manager.close();
            long used3 = MemoryFootprint.usedAfterGc();
            lines.add(String.format(Locale.ROOT, "after close(): heap %+,.1f MB against before the manager was built",
                    (used3 - used0) / 1e6));
            Reference.reachabilityFence(manager);
        }
        if (args.length > 3) {
            Files.write(Path.of(args[3]), lines, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    /** A list that also prints each line as it is added, so a run cut short still shows what it measured. */
    static List<String> printing() {
        return new ArrayList<>() {
            @Override
            public boolean add(String line) {
                System.out.println(line);
                return super.add(line);
            }
        };
    }

    interface Getter {
        Object get(OrganizationId id);
    }

    record Run(LatencyHistogram latency, double seconds) {
    }

    /** {@value #THREADS} threads, each timing {@code gets} calls on Zipf-drawn organizations. */
    private static Run run(OrganizationId[] ids, ZipfSampler zipf, long gets, long seed, Getter getter,
                           AtomicLong oracleHits) throws InterruptedException {
        LatencyHistogram[] latencies = new LatencyHistogram[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            latencies[t] = new LatencyHistogram();
            threads[t] = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed * 1000 + thread);
                LatencyHistogram latency = latencies[thread];
                long popular = 0;
                Object sink = null;
                for (long i = 0; i < gets; i++) {
                    int rank = zipf.rank(random.nextDouble());
                    if (rank < MAXIMUM_SIZE) {
                        popular++;
                    }
                    OrganizationId id = ids[zipf.index(rank)];
                    long start = System.nanoTime();
                    Object client = getter.get(id);
                    long end = System.nanoTime();
                    latency.record(end - start);
                    sink = client;
                }
                if (oracleHits != null) {
                    oracleHits.addAndGet(popular);
                }
                Reference.reachabilityFence(sink);
            }, "bench-zipf-" + t);
        }
        long start = System.nanoTime();
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LatencyHistogram all = new LatencyHistogram();
        for (LatencyHistogram latency : latencies) {
            all.add(latency);
        }
        return new Run(all, seconds);
    }

    private static ProviderRegistry registry(boolean scaleway) {
        ProviderFactory<?> factory = scaleway ? ScalewayProviderFactory.builder().build() : new TinyProviderFactory();
        return ProviderRegistry.builder().register(factory).build();
    }

    /** Adds the organizations and writes their settings through the library's seeder (secrets encrypted in the JVM). */
    private static void seed(InMemoryCredentialStore store, OrganizationId[] ids, boolean scaleway) {
        Map<OrganizationId, Integer> indexes = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            store.addOrganization(ids[i]);
            indexes.put(ids[i], i);
        }
        SecretSource source = scaleway ? BenchEnvironment.source(indexes) : (organization, definition) -> {
            Integer i = indexes.get(organization);
            if (i == null) {
                return Optional.empty();
            }
            Map<String, String> values = BenchEnvironment.credentials(i);
            return Optional.of(definition.key().equals(TinyProviderFactory.ACCESS_KEY)
                    ? values.get(ScalewaySettings.ACCESS_KEY) : values.get(ScalewaySettings.SECRET_KEY));
        };
        try (ProviderManager seeding = ProviderManager.builder().store(store).registry(registry(scaleway))
                .cipher(BenchEnvironment.cipher()).build()) {
            int chunk = 50_000;
            for (int from = 0; from < ids.length; from += chunk) {
                List<OrganizationId> part = List.of(ids).subList(from, Math.min(ids.length, from + chunk));
                SeedReport report = seeding.seeder().seed("benchmark", scaleway ? "scaleway" : TinyProviderFactory.CODE,
                        source, part);
                int expected = (scaleway ? 4 : 2) * part.size();
                if (report.writtenCount() != expected) {
                    throw new IllegalStateException("seeding wrote " + report.writtenCount() + ", expected " + expected);
                }
            }
        }
    }

    /** What the factory keeps of the credentials, built alone and measured the same way, minus the holding array. */
    private static double credentialsPerEntry(int n, boolean scaleway) {
        int per = scaleway ? 4 : 2;
        long before = MemoryFootprint.usedAfterGc();
        Object[] held = new Object[per * n];
        for (int i = 0; i < n; i++) {
            Map<String, String> values = BenchEnvironment.credentials(i);
            held[per * i] = Secret.of(new String(values.get(ScalewaySettings.SECRET_KEY).toCharArray()));
            held[per * i + 1] = new String(values.get(ScalewaySettings.ACCESS_KEY).toCharArray());
            if (scaleway) {
                held[per * i + 2] = UUID.fromString(values.get(ScalewaySettings.PROJECT_ID));
                held[per * i + 3] = UUID.fromString(values.get(ScalewaySettings.ORGANIZATION_ID));
            }
        }
        long after = MemoryFootprint.usedAfterGc();
        long array = 16L + 4L * held.length;
        Reference.reachabilityFence(held);
        return (after - before - array) / (double) n;
    }

    /** The keys the manager's cache holds in all its structures (an internal count, read reflectively). */
    private static long retainedKeys(ProviderManager manager) {
        try {
            Method cache = ProviderManager.class.getDeclaredMethod("cache");
            cache.setAccessible(true);
            Object clientCache = cache.invoke(manager);
            return (long) clientCache.getClass().getMethod("retainedKeyCount").invoke(clientCache);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}
