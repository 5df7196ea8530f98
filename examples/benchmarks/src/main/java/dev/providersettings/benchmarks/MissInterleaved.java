package dev.providersettings.benchmarks;

import dev.providersettings.CacheStats;
import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.SeedReport;
import dev.providersettings.scaleway.ScalewayProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The miss cost of a size bound, interleaved in thread CPU time (the {@link BoundedMissBenchmark} comparison made
 * robust to a loaded machine): 20,000 organizations in the in-memory store; a block of random gets on a manager
 * bounded at 1,000 (most miss, each load evicts; its misses counted from {@code stats()}) alternates with a block of
 * {@code invalidate} + {@code get} on an unbounded manager holding every organization (each one miss, no eviction).
 * Per round: bounded CPU time per miss / unbounded CPU time per miss; the median of 30 rounds after 10 warm-up rounds.
 */
public final class MissInterleaved {
    static final int ORGANIZATIONS = 20_000;
    static final long BOUND = 1000;
    static final int BLOCK = 2000;

    private MissInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        run();
        System.exit(0);
    }

    static List<String> run() throws Exception {
        List<String> lines = CacheAtScale.printing();
        OrganizationId[] ids = BenchEnvironment.organizations(ORGANIZATIONS);
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        Map<OrganizationId, Integer> indexes = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            store.addOrganization(ids[i]);
            indexes.put(ids[i], i);
        }
        try (ProviderManager seeding = manager(store, 0)) {
            SeedReport report = seeding.seeder().seed("benchmark", "scaleway", BenchEnvironment.source(indexes),
                    List.of(ids));
            if (report.writtenCount() != 4 * ids.length) {
                throw new IllegalStateException("seeded " + report.writtenCount());
            }
        }
        try (ProviderManager bounded = manager(store, BOUND); ProviderManager unbounded = manager(store, 0)) {
            for (OrganizationId id : ids) {
                unbounded.get(id, "scaleway", ScalewayProvider.class);
            }
            RandomCursor a = new RandomCursor();
            RandomCursor b = new RandomCursor();
            int rounds = 30;
            double[] ratios = new double[rounds];
            double[] boundedPerMiss = new double[rounds];
            double[] unboundedPerMiss = new double[rounds];
            long misses = 0;
            long gets = 0;
            for (int round = -10; round < rounds; round++) {
                CacheStats before = bounded.stats();
                long start = InterleavedCheck.threadCpuTime();
                for (int i = 0; i < BLOCK; i++) {
                    bounded.get(ids[a.next(ids.length)], "scaleway", ScalewayProvider.class);
                }
                long boundedCpu = InterleavedCheck.threadCpuTime() - start;
                long blockMisses = bounded.stats().minus(before).missCount();
                start = InterleavedCheck.threadCpuTime();
                for (int i = 0; i < BLOCK; i++) {
                    OrganizationId id = ids[b.next(ids.length)];
                    unbounded.invalidate(id, "scaleway");
                    unbounded.get(id, "scaleway", ScalewayProvider.class);
                }
                long unboundedCpu = InterleavedCheck.threadCpuTime() - start;
                if (round >= 0) {
                    boundedPerMiss[round] = boundedCpu / (double) Math.max(1, blockMisses);
                    unboundedPerMiss[round] = unboundedCpu / (double) BLOCK;
                    ratios[round] = boundedPerMiss[round] / unboundedPerMiss[round];
                    misses += blockMisses;
                    gets += BLOCK;
                }
            }
            double ratio = median(ratios);
            lines.add(String.format(Locale.ROOT, "%,d organizations, maximumSize %,d, in-memory store, 1 thread, %d rounds "
                    + "of %,d + %,d alternating calls in thread CPU time after 10 warm-up rounds", ORGANIZATIONS, BOUND,
                    rounds, BLOCK, BLOCK));
            lines.add(String.format(Locale.ROOT, "bounded: %,d misses in %,d random gets (%.4f), %.1f us CPU per miss "
                    + "(median); unbounded invalidate + get: %.1f us CPU per miss (median)", misses, gets,
                    misses / (double) gets, median(boundedPerMiss) / 1e3, median(unboundedPerMiss) / 1e3));
            lines.add(String.format(Locale.ROOT, "bounded per miss / unbounded per miss: median ratio %.2fx; target <= 3x: %s",
                    ratio, Summary.met(ratio <= 3.0)));
        }
        return lines;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static ProviderManager manager(InMemoryCredentialStore store, long maximumSize) {
        return ProviderManager.builder().store(store).registry(BenchEnvironment.registry())
                .cipher(BenchEnvironment.cipher()).maximumSize(maximumSize).cacheTtl(Duration.ofHours(1)).build();
    }
}
