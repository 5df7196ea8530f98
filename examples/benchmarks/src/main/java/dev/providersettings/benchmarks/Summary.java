package dev.providersettings.benchmarks;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** Collects the figures of one run and prints each subject next to its baseline, the ratio and the target. */
final class Summary {
    private final List<String> lines = new ArrayList<>();
    private final String mode;

    Summary(String mode) {
        this.mode = mode;
    }

    void warm(int threads, List<RunResult> results) {
        lines.add("");
        lines.add("== 1. warm resolve, " + threads + " thread(s), ns/op (99.9% CI) ==");
        lines.add(String.format(Locale.ROOT, "%-8s %-20s %-24s %-18s %-14s %-12s %s", "orgs", "library", "origin (a)",
                "floor (b)", "origin/lib", "lib/floor", "targets: >=1000x vs (a), <=2x (b)"));
        TreeSet<Integer> orgs = new TreeSet<>();
        results.forEach(r -> orgs.add(Integer.parseInt(r.getParams().getParam("organizations"))));
        for (int n : orgs) {
            Optional<Result> lib = find(results, "library", "organizations", n);
            Optional<Result> origin = find(results, "originBaseline", "organizations", n);
            Optional<Result> floor = find(results, "floorBaseline", "organizations", n);
            if (lib.isEmpty() || origin.isEmpty() || floor.isEmpty()) {
                lines.add(n + ": incomplete results");
                continue;
            }
            double speedup = origin.get().getScore() / lib.get().getScore();
            double overFloor = lib.get().getScore() / floor.get().getScore();
            lines.add(String.format(Locale.ROOT, "%-8d %-20s %-24s %-18s %-14s %-12s %s / %s", n, fmt(lib.get()),
                    fmt(origin.get()), fmt(floor.get()), String.format(Locale.ROOT, "%,.0fx", speedup),
                    String.format(Locale.ROOT, "%.2fx", overFloor), met(speedup >= 1000), met(overFloor <= 2.0)));
        }
    }

    private InterleavedCheck.Result coldCheck;
    private InterleavedCheck.Result scalewayCheck;

    void coldCheck(InterleavedCheck.Result result) {
        coldCheck = result;
    }

    void scalewayCheck(InterleavedCheck.Result result) {
        scalewayCheck = result;
    }

    void cold(List<RunResult> results, Path out) throws IOException {
        lines.add("");
        lines.add("== 2. cold resolve, us/op (99.9% CI) ==");
        Optional<Result> lib = find(results, "library", null, 0);
        Optional<Result> pk = find(results, "primaryKeySelectBaseline", null, 0);
        Optional<Result> plain = find(results, "plainJdbcSameWorkReference", null, 0);
        Path counts = out.resolve(ColdResolveBenchmark.STATEMENTS_FILE);
        String statements = Files.exists(counts) ? Files.readString(counts, StandardCharsets.UTF_8).strip() : "not recorded";
        if (lib.isPresent() && pk.isPresent()) {
            double ratio = lib.get().getScore() / pk.get().getScore();
            lines.add("library (invalidate + get: 1 query, decrypt, create): " + fmt(lib.get()));
            lines.add("baseline (bare primary-key SELECT, same pool):        " + fmt(pk.get()));
            plain.ifPresent(p -> lines.add(String.format(Locale.ROOT, "reference: same query+decrypt+create via plain "
                    + "JDBC: %s (%.2fx the baseline)", fmt(p), p.getScore() / pk.get().getScore())));
            lines.add(String.format(Locale.ROOT, "library/baseline: %.2fx  target <=1.5x: %s", ratio, met(ratio <= 1.5)));
        } else {
            lines.add("incomplete results");
        }
        if (coldCheck != null) {
            lines.add(coldCheck.line("library", "baseline") + "  target <=1.5x: " + met(coldCheck.medianRatio() <= 1.5));
        }
        lines.add("statements: " + statements);
    }

    void seed(List<RunResult> results) {
        lines.add("");
        lines.add("== 3. seeding 10,000 organizations x 4 settings, s/op (99.9% CI) ==");
        Optional<Result> lib = find(results, "library", null, 0);
        Optional<Result> base = find(results, "upsertPerRowBaseline", null, 0);
        if (lib.isPresent() && base.isPresent()) {
            double speedup = base.get().getScore() / lib.get().getScore();
            lines.add("library (Seeder: loadMany + saveAll per 1,000 orgs): " + fmt(lib.get()));
            lines.add("baseline (one autocommit upsert per row, 40,000):   " + fmt(base.get()));
            lines.add(String.format(Locale.ROOT, "baseline/library: %.1fx  target >=20x: %s", speedup, met(speedup >= 20)));
        } else {
            lines.add("incomplete results");
        }
    }

    void rewrap(List<RunResult> results) {
        lines.add("");
        lines.add("== 7. rewrap of " + String.format(Locale.ROOT, "%,d", RewrapBenchmark.SECRETS)
                + " secrets to the other key, s/op (99.9% CI) ==");
        Optional<Result> cli = find(results, "cli", null, 0);
        Optional<Result> lib = find(results, "library", null, 0);
        if (cli.isPresent() && lib.isPresent()) {
            lines.add("cli (provider-settings rewrap, in-process):  " + fmt(cli.get()) + String.format(Locale.ROOT,
                    "  = %,.0f secrets/s", RewrapBenchmark.SECRETS / cli.get().getScore()));
            lines.add("baseline (SettingsService.rewrap directly): " + fmt(lib.get()) + String.format(Locale.ROOT,
                    "  = %,.0f secrets/s", RewrapBenchmark.SECRETS / lib.get().getScore()));
            lines.add(String.format(Locale.ROOT, "cli/library time: %.2fx", cli.get().getScore() / lib.get().getScore()));
        } else {
            lines.add("incomplete results");
        }
    }

    void scaleway(List<RunResult> results) {
        lines.add("");
        lines.add("== 6. Scaleway client overhead, GET volume on loopback, us/op (99.9% CI) ==");
        Optional<Result> lib = find(results, "library", null, 0);
        Optional<Result> bare = find(results, "bareHttpClientBaseline", null, 0);
        Optional<Result> parsed = find(results, "bareHttpClientJacksonBaseline", null, 0);
        if (lib.isPresent() && bare.isPresent()) {
            double ratio = lib.get().getScore() / bare.get().getScore();
            lines.add("library (ScalewayProvider.getVolume, typed result): " + fmt(lib.get()));
            lines.add("baseline (bare HttpClient, body as bytes):          " + fmt(bare.get()));
            parsed.ifPresent(p -> lines.add("bare HttpClient + Jackson tree (for reference):     " + fmt(p)));
            lines.add(String.format(Locale.ROOT, "library/baseline: %.3fx  target <=1.10x: %s", ratio, met(ratio <= 1.10)));
        } else {
            lines.add("incomplete results");
        }
        if (scalewayCheck != null) {
            lines.add(scalewayCheck.line("library", "bare") + "  target <=1.10x: "
                    + met(scalewayCheck.medianRatio() <= 1.10));
        }
    }

    void crossNode(CrossNodeInvalidation.Result result) {
        lines.add("");
        lines.add("== 4. cross-node invalidation, " + result.writes() + " writes ==");
        lines.addAll(result.lines());
    }

    void memory(MemoryFootprint.Result result) {
        lines.add("");
        lines.add("== 5. memory per cached (organization, scaleway) ==");
        lines.addAll(result.lines());
    }

    /** Warm hits of each cache variant (hits counted, size bound) against the bare map. */
    void cacheWarm(int threads, List<RunResult> results) {
        lines.add("");
        lines.add("== cache: warm resolve vs bare ConcurrentHashMap.get, " + threads + " thread(s), ns/op (99.9% CI) ==");
        lines.add(String.format(Locale.ROOT, "%-8s %-11s %-12s %-20s %-18s %-10s %s", "orgs", "recordHits",
                "maximumSize", "library", "floor", "lib/floor", "target <=2x"));
        TreeSet<Integer> orgs = new TreeSet<>();
        results.forEach(r -> orgs.add(Integer.parseInt(r.getParams().getParam("organizations"))));
        for (int n : orgs) {
            Optional<Result> floor = find(results, "floorBaseline", "organizations", n);
            for (RunResult r : results) {
                if (!r.getParams().getBenchmark().endsWith(".library")
                        || Integer.parseInt(r.getParams().getParam("organizations")) != n) {
                    continue;
                }
                Result lib = r.getPrimaryResult();
                String ratio = floor.map(f -> String.format(Locale.ROOT, "%.2fx", lib.getScore() / f.getScore()))
                        .orElse("?");
                String verdict = floor.map(f -> met(lib.getScore() / f.getScore() <= 2.0)).orElse("?");
                lines.add(String.format(Locale.ROOT, "%-8d %-11s %-12s %-20s %-18s %-10s %s", n,
                        r.getParams().getParam("recordHits"), r.getParams().getParam("maximumSize"), fmt(lib),
                        floor.map(Summary::fmt).orElse("?"), ratio, verdict));
            }
        }
    }

    /** The bounded cache's cost per miss against the unbounded miss. */
    void boundedMiss(List<RunResult> results, Path out) throws IOException {
        lines.add("");
        lines.add("== cache: miss cost with a size bound, us/op (99.9% CI) ==");
        Optional<Result> bounded = find(results, "boundedGet", null, 0);
        Optional<Result> unbounded = find(results, "unboundedMissBaseline", null, 0);
        Path file = out.resolve(BoundedMissBenchmark.MISSES_FILE);
        double missFraction = Double.NaN;
        if (Files.exists(file)) {
            List<String> recorded = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!recorded.isEmpty()) {
                String[] f = recorded.get(recorded.size() - 1).trim().split(" ");
                missFraction = Long.parseLong(f[2]) / (double) Long.parseLong(f[3]);
                lines.add(String.format(Locale.ROOT, "%s organizations, maximumSize %s: %,d misses in %,d gets "
                        + "(miss fraction %.4f), %s cached at the end", f[0], f[1], Long.parseLong(f[2]),
                        Long.parseLong(f[3]), missFraction, f[4]));
            }
        }
        if (bounded.isPresent() && unbounded.isPresent()) {
            double perMiss = bounded.get().getScore() / missFraction;
            double ratio = perMiss / unbounded.get().getScore();
            lines.add("bounded get (random organization):                 " + fmt(bounded.get()));
            lines.add(String.format(Locale.ROOT, "bounded cost per miss (get time / miss fraction):   %.2f us/op", perMiss));
            lines.add("baseline: unbounded invalidate + get (always a miss): " + fmt(unbounded.get()));
            lines.add(String.format(Locale.ROOT, "bounded per miss / unbounded miss: %.2fx  target <=3x: %s", ratio,
                    met(ratio <= 3.0)));
        } else {
            lines.add("incomplete results");
        }
    }

    /** Figures a harness printed, under a title. */
    void section(String title, List<String> figures) {
        lines.add("");
        lines.add("== " + title + " ==");
        lines.addAll(figures);
    }

    /** The load average of the machine (other processes compete for the same cores), from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    void note(String text) {
        lines.add("");
        lines.add("# " + text);
    }

    void print(PrintStream out) {
        out.println();
        out.println("######## provider-settings benchmarks, mode " + mode + ", " + Instant.now() + " ########");
        out.println("JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                + Runtime.getRuntime().availableProcessors() + " CPUs");
        lines.forEach(out::println);
    }

    private static Optional<Result> find(List<RunResult> results, String method, String param, int value) {
        return results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .filter(r -> param == null || Integer.parseInt(r.getParams().getParam(param)) == value)
                .map(RunResult::getPrimaryResult)
                .findFirst();
    }

    static String fmt(Result result) {
        double error = result.getScoreError();
        return String.format(Locale.ROOT, "%s ± %s %s", num(result.getScore()),
                Double.isNaN(error) ? "?" : num(error), result.getScoreUnit());
    }

    private static String num(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String met(boolean ok) {
        return ok ? "MET" : "MISSED";
    }
}
