package dev.providersettings.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.CacheStats;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;
import dev.providersettings.spi.ProviderFactory;
import dev.providersettings.ProviderManager;
import dev.providersettings.ProviderRegistry;
import dev.providersettings.ProviderSettings;
import dev.providersettings.SettingDefinition;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The "everything" reload (a measured harness in its own JVM): {@value #ORGANIZATIONS} Scaleway clients cached from
 * the Postgres store, {@value #THREADS} threads resolving random organizations, then {@code invalidateAll()} (what
 * a reconnected change feed does). Counted: store statements during the reload (through {@link CountingDataSource}),
 * client creations per organization (at most one each), and the latency of every get before, during and after the
 * reload. Baselines in the same run: the same threads' gets before the reload, and one {@code loadMany} of a
 * reload batch's size straight from the store (what a get that waits for its batch waits for at best).
 *
 * <p>Arguments: {@code [organizations] [think-time microseconds] [second invalidation after ms] [result file]};
 * think time 0 = the threads resolve in a tight loop (the worst case for the two background reload threads, which
 * compete with them for the cores); a second delay of -1 = one invalidation only, otherwise a second
 * {@code invalidateAll()} follows the first after that many milliseconds (a change feed that reconnects twice).
 */
public final class EverythingReload {
    static final int ORGANIZATIONS = 100_000;
    static final int THREADS = 8;
    static final int POOL_SIZE = 10;
    static final int BATCH = 250;
    static final List<String> HEAP = List.of("-Xms2g", "-Xmx2g", "-XX:+UseG1GC");

    record Result(List<String> lines) {
    }

    private EverythingReload() {
    }

    static Result runInChildJvm(int organizations, int thinkMicros, int secondAfterMillis) throws Exception {
        System.out.println("# running the everything reload in a child JVM, " + organizations + " organizations, think "
                + thinkMicros + " us, second invalidation " + secondAfterMillis + " ms");
        List<String> lines = ChildJvm.run("reload", HEAP, EverythingReload.class, Integer.toString(organizations),
                Integer.toString(thinkMicros), Integer.toString(secondAfterMillis));
        lines.add("(child JVM: " + String.join(" ", HEAP) + ")");
        return new Result(lines);
    }

    /** The keys the manager's cache holds in all its structures (an internal count, read reflectively). */
    static long retainedKeys(ProviderManager manager) {
        try {
            java.lang.reflect.Method cache = ProviderManager.class.getDeclaredMethod("cache");
            cache.setAccessible(true);
            Object clientCache = cache.invoke(manager);
            return (long) clientCache.getClass().getMethod("retainedKeyCount").invoke(clientCache);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the cache's key count", e);
        }
    }

    /** Counts the clients created per organization. */
    static final class CountingFactory implements ProviderFactory<ScalewayProvider> {
        final ScalewayProviderFactory delegate = ScalewayProviderFactory.builder().build();
        final ConcurrentHashMap<OrganizationId, AtomicInteger> creates = new ConcurrentHashMap<>();

        @Override
        public ProviderCode code() {
            return delegate.code();
        }

        @Override
        public Class<ScalewayProvider> clientType() {
            return delegate.clientType();
        }

        @Override
        public List<SettingDefinition> settings() {
            return delegate.settings();
        }

        @Override
        public ScalewayProvider create(ProviderSettings settings) {
            creates.computeIfAbsent(settings.organization(), o -> new AtomicInteger()).incrementAndGet();
            return delegate.create(settings);
        }

        @Override
        public ProbeResult probe(ProviderSettings settings) {
            return delegate.probe(settings);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : ORGANIZATIONS;
        int thinkMicros = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int secondAfterMillis = args.length > 2 ? Integer.parseInt(args[2]) : -1;
        BenchEnvironment env = BenchEnvironment.get();
        env.ensureFixture(n);
        OrganizationId[] ids = BenchEnvironment.organizations(n);
        List<String> lines = CacheAtScale.printing();
        lines.add(String.format(Locale.ROOT, "%,d cached Scaleway clients from the Postgres store (pool of %d), %d threads "
                + "resolving uniformly random organizations, %s", n, POOL_SIZE, THREADS,
                thinkMicros == 0 ? "tight loop" : "parking " + thinkMicros + " us between gets")
                + (secondAfterMillis < 0 ? "" : ", a second invalidateAll() " + secondAfterMillis + " ms after the first"));
        CountingFactory factory = new CountingFactory();
        try (HikariDataSource pool = env.pool("bench-reload", POOL_SIZE)) {
            CountingDataSource counting = new CountingDataSource(pool);
            PostgresCredentialStore store = BenchEnvironment.store(counting.dataSource(), BenchEnvironment.SCHEMA);
            ProviderManager manager = ProviderManager.builder().store(store)
                    .registry(ProviderRegistry.builder().register(factory).build())
                    .cipher(BenchEnvironment.cipher()).build();

            // Baseline: one bulk read of a batch's size, straight from the store (after a warm-up).
            LatencyHistogram batchRead = new LatencyHistogram();
            long statementsBefore = counting.statements();
            for (int round = 0; round < 60; round++) {
                int from = (round * BATCH) % (n - BATCH);
                List<OrganizationId> chunk = Arrays.asList(ids).subList(from, from + BATCH);
                long start = System.nanoTime();
                store.loadMany(ProviderCode.of("scaleway"), chunk);
                if (round >= 20) {
                    batchRead.record(System.nanoTime() - start);
                }
            }
            long statementsPerLoadMany = (counting.statements() - statementsBefore) / 60;

            long fillStart = System.nanoTime();
            Thread[] fill = new Thread[2];
            for (int t = 0; t < fill.length; t++) {
                int first = t;
                fill[t] = new Thread(() -> {
                    for (int i = first; i < n; i += 2) {
                        manager.get(ids[i], "scaleway", ScalewayProvider.class);
                    }
                });
                fill[t].start();
            }
            for (Thread thread : fill) {
                thread.join();
            }
            if (manager.cachedCount() != n) {
                throw new IllegalStateException("cache holds " + manager.cachedCount() + ", expected " + n);
            }
            lines.add(String.format(Locale.ROOT, "cache filled by 2 threads, one cold get each, in %.1f s",
                    (System.nanoTime() - fillStart) / 1e9));

            AtomicInteger phase = new AtomicInteger();
            LatencyHistogram[][] latencies = new LatencyHistogram[3][THREADS];
            LongAdder errors = new LongAdder();
            Thread[] workers = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                for (int p = 0; p < 3; p++) {
                    latencies[p][t] = new LatencyHistogram();
                }
                workers[t] = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(thread + 1);
                    while (true) {
                        int p = phase.get();
                        if (p > 2) {
                            return;
                        }
                        OrganizationId id = ids[random.nextInt(n)];
                        long start = System.nanoTime();
                        try {
                            manager.get(id, "scaleway", ScalewayProvider.class);
                        } catch (RuntimeException e) {
                            errors.increment();
                        }
                        latencies[p][thread].record(System.nanoTime() - start);
                        if (thinkMicros > 0) {
                            LockSupport.parkNanos(thinkMicros * 1000L);
                        }
                    }
                }, "bench-resolver-" + t);
                workers[t].start();
            }
            Thread.sleep(2000);

            factory.creates.clear();
            CacheStats before = manager.stats();
            long statementsAtInvalidation = counting.statements();
            long t0 = System.nanoTime();
            phase.set(1);
            manager.invalidateAll();
            long invalidateReturned = System.nanoTime();
            long secondReturned = 0;
            if (secondAfterMillis >= 0) {
                Thread.sleep(secondAfterMillis);
                long second = System.nanoTime();
                manager.invalidateAll();
                secondReturned = System.nanoTime() - second;
            }
            long deadline = t0 + 300_000_000_000L;
            // Done when every organization is cached again and no load is in flight: each key then sits in the hit map
            // and in Caffeine's cache, nowhere else.
            while (System.nanoTime() < deadline && retainedKeys(manager) != 2L * n) {
                Thread.sleep(1);
            }
            long done = System.nanoTime();
            long statementsDuring = counting.statements() - statementsAtInvalidation;
            CacheStats reload = manager.stats().minus(before);
            phase.set(2);
            Thread.sleep(1000);
            long statementsAfter = counting.statements() - statementsAtInvalidation - statementsDuring;
            phase.set(3);
            for (Thread worker : workers) {
                worker.join();
            }

            int createdOrganizations = factory.creates.size();
            long createdTotal = 0;
            int moreThanOnce = 0;
            int maxPerOrganization = 0;
            for (AtomicInteger count : factory.creates.values()) {
                createdTotal += count.get();
                if (count.get() > 1) {
                    moreThanOnce++;
                }
                maxPerOrganization = Math.max(maxPerOrganization, count.get());
            }
            LatencyHistogram[] merged = new LatencyHistogram[3];
            for (int p = 0; p < 3; p++) {
                merged[p] = new LatencyHistogram();
                for (LatencyHistogram h : latencies[p]) {
                    merged[p].add(h);
                }
            }
            lines.add(String.format(Locale.ROOT, "invalidateAll() returned after %.1f ms%s; every client reloaded after %.0f ms",
                    (invalidateReturned - t0) / 1e6, secondAfterMillis < 0 ? "" : String.format(Locale.ROOT,
                            " (the second after %.1f ms)", secondReturned / 1e6), (done - t0) / 1e6));
            lines.add(String.format(Locale.ROOT, "store statements during the reload: %,d (%,d organizations / %d per batch"
                    + " = %,d batches; one loadMany of %d = %d statement(s)); target <= 1,000: %s; after it: %,d",
                    statementsDuring, n, BATCH, (n + BATCH - 1) / BATCH, BATCH, statementsPerLoadMany,
                    Summary.met(statementsDuring <= (secondAfterMillis < 0 ? 1000 : 2000)), statementsAfter));
            lines.add(String.format(Locale.ROOT, "clients created: %,d for %,d organizations; organizations created more "
                    + "than once: %,d (max %d); loads %,d, failures %,d; target at most one per organization: %s",
                    createdTotal, createdOrganizations, moreThanOnce, maxPerOrganization, reload.loadSuccessCount(),
                    reload.loadFailureCount(), Summary.met(maxPerOrganization <= (secondAfterMillis < 0 ? 1 : 2))));
            lines.add("gets before the reload (baseline): " + merged[0].describe());
            lines.add("gets during the reload:            " + merged[1].describe());
            lines.add("gets after the reload:             " + merged[2].describe());
            lines.add(String.format(Locale.ROOT, "p99 during the reload %s; target <= 50 ms: %s; failed gets: %,d",
                    LatencyHistogram.time(merged[1].percentile(0.99)), Summary.met(merged[1].percentile(0.99) <= 50_000_000L),
                    errors.sum()));
            lines.add("baseline: one store.loadMany of " + BATCH + " organizations alone: " + batchRead.describe());
            manager.close();
            store.close();
        }
        if (args.length > 3) {
            Files.write(Path.of(args[3]), lines, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }
}
