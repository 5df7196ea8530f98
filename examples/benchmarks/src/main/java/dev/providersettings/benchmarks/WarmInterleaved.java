package dev.providersettings.benchmarks;

import dev.providersettings.InMemoryCredentialStore;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.SeedReport;
import dev.providersettings.scaleway.ScalewayProvider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warm resolve against the bare map, interleaved (see {@link InterleavedCheck}): for 1 / 1,000 / 100,000
 * organizations and each cache variant (hits counted or not, size bound or not), blocks of {@code manager.get}
 * alternate with blocks of {@code ConcurrentHashMap.get} over the same keys in one thread of one JVM, and the ratio
 * is the median of the per-round ratios. Blocks are timed in the thread's CPU time, so time spent descheduled by
 * other processes is left out. On a machine whose load moves between JMH forks this ratio is the stable one. The
 * store is the in-memory one (a hit never reaches the store).
 */
public final class WarmInterleaved {
    static final int[] ORGANIZATIONS = {1, 1000, 100_000};
    static final long BOUND = 200_000;

    private WarmInterleaved() {
    }

    /** {@code WarmInterleaved [variants|why|both]}: the variant table, the decomposition of the default, or both. */
    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "both";
        run(!what.equals("why"), !what.equals("variants"));
    }

    static List<String> run() throws Exception {
        return run(true, true);
    }

    static List<String> run(boolean variants, boolean why) throws Exception {
        List<String> lines = CacheAtScale.printing();
        int max = ORGANIZATIONS[ORGANIZATIONS.length - 1];
        OrganizationId[] all = BenchEnvironment.organizations(max);
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        Map<OrganizationId, Integer> indexes = new HashMap<>();
        for (int i = 0; i < all.length; i++) {
            store.addOrganization(all[i]);
            indexes.put(all[i], i);
        }
        long seedStart = System.nanoTime();
        try (ProviderManager seeding = manager(store, false, 0)) {
            SeedReport report = seeding.seeder().seed("benchmark", "scaleway", BenchEnvironment.source(indexes),
                    List.of(all));
            if (report.writtenCount() != 4 * all.length) {
                throw new IllegalStateException("seeded " + report.writtenCount());
            }
        }
        lines.add(String.format(Locale.ROOT, "in-memory store, %,d organizations seeded in %.1f s; 1 thread; "
                + "rounds of 200,000 + 200,000 alternating gets timed in thread CPU time, 20 warm-up rounds, 30 measured", max,
                (System.nanoTime() - seedStart) / 1e9));
        if (variants) {
            variants(lines, store, all);
        }
        if (why) {
            why(lines, store, all);
        }
        return lines;
    }

    private static void variants(List<String> lines, InMemoryCredentialStore store, OrganizationId[] all)
            throws Exception {
        lines.add(String.format(Locale.ROOT, "%-8s %-11s %-12s %-10s %-10s %-12s %s", "orgs", "recordHits",
                "maximumSize", "library", "floor", "median ratio", "target <=2x"));
        for (int n : ORGANIZATIONS) {
            OrganizationId[] ids = new OrganizationId[n];
            System.arraycopy(all, 0, ids, 0, n);
            ConcurrentHashMap<OrganizationId, Object> floor = new ConcurrentHashMap<>();
            Object value = new Object();
            for (OrganizationId id : ids) {
                floor.put(id, value);
            }
            for (long bound : new long[]{0, BOUND}) {
                for (boolean recordHits : new boolean[]{false, true}) {
                    try (ProviderManager manager = manager(store, recordHits, bound)) {
                        for (OrganizationId id : ids) {
                            manager.get(id, "scaleway", ScalewayProvider.class);
                        }
                        RandomCursor a = new RandomCursor();
                        RandomCursor b = new RandomCursor();
                        InterleavedCheck.Result result = InterleavedCheck.run(
                                () -> manager.get(ids[a.next(n)], "scaleway", ScalewayProvider.class),
                                () -> floor.get(ids[b.next(n)]), 20, 30, 200_000, () -> { },
                                InterleavedCheck::threadCpuTime);
                        lines.add(String.format(Locale.ROOT, "%-8d %-11s %-12s %-10s %-10s %-12s %s", n, recordHits,
                                bound, String.format(Locale.ROOT, "%.1f ns", result.subjectMicros() * 1e3),
                                String.format(Locale.ROOT, "%.1f ns", result.baselineMicros() * 1e3),
                                String.format(Locale.ROOT, "%.2fx", result.medianRatio()),
                                Summary.met(result.medianRatio() <= 2.0)));
                    }
                }
            }
        }
    }

    /**
     * What the default cache's hit costs beyond the bare map: the same bare-map floor, then a map holding the
     * manager's own clients whose value is type-checked as the manager does ({@code clientType.isInstance}), so its
     * object header is read, each against the library.
     */
    private static void why(List<String> lines, InMemoryCredentialStore store, OrganizationId[] all) throws Exception {
        lines.add("decomposition of the default (unbounded, hits not counted): each row is its own interleaved check");
        lines.add(String.format(Locale.ROOT, "%-8s %-48s %-10s %-10s %s", "orgs", "subject vs baseline", "subject",
                "baseline", "median ratio"));
        for (int n : ORGANIZATIONS) {
            OrganizationId[] ids = new OrganizationId[n];
            System.arraycopy(all, 0, ids, 0, n);
            try (ProviderManager manager = manager(store, false, 0)) {
                ConcurrentHashMap<OrganizationId, Object> floor = new ConcurrentHashMap<>();
                ConcurrentHashMap<OrganizationId, Object> clients = new ConcurrentHashMap<>();
                Object value = new Object();
                for (OrganizationId id : ids) {
                    floor.put(id, value);
                    clients.put(id, manager.get(id, "scaleway", ScalewayProvider.class));
                }
                RandomCursor a = new RandomCursor();
                RandomCursor b = new RandomCursor();
                InterleavedCheck.Call library = () -> manager.get(ids[a.next(n)], "scaleway", ScalewayProvider.class);
                InterleavedCheck.Call bare = () -> floor.get(ids[b.next(n)]);
                InterleavedCheck.Call typed = () -> {
                    Object client = clients.get(ids[b.next(n)]);
                    return ScalewayProvider.class.isInstance(client) ? client : null;
                };
                InterleavedCheck.Result typedVsBare = InterleavedCheck.run(typed, bare, 20, 30, 200_000, () -> { },
                        InterleavedCheck::threadCpuTime);
                row(lines, n, "map of the clients + isInstance vs bare map", typedVsBare);
                InterleavedCheck.Result libraryVsTyped = InterleavedCheck.run(library, typed, 20, 30, 200_000,
                        () -> { }, InterleavedCheck::threadCpuTime);
                row(lines, n, "library vs map of the clients + isInstance", libraryVsTyped);
            }
        }
    }

    private static void row(List<String> lines, int n, String what, InterleavedCheck.Result result) {
        lines.add(String.format(Locale.ROOT, "%-8d %-48s %-10s %-10s %.2fx", n, what,
                String.format(Locale.ROOT, "%.1f ns", result.subjectMicros() * 1e3),
                String.format(Locale.ROOT, "%.1f ns", result.baselineMicros() * 1e3), result.medianRatio()));
    }

    private static ProviderManager manager(InMemoryCredentialStore store, boolean recordHits, long maximumSize) {
        return ProviderManager.builder().store(store).registry(BenchEnvironment.registry())
                .cipher(BenchEnvironment.cipher()).recordHits(recordHits).maximumSize(maximumSize).build();
    }
}
