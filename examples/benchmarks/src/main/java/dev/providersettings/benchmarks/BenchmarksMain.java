package dev.providersettings.benchmarks;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the whole suite — or the groups named — against one embedded Postgres started here, then prints each
 * subject next to its baseline with the ratio and the target.
 * <pre>
 * java -jar examples/benchmarks/target/benchmarks.jar [quick|full] [warm,cold,seed,xnode,memory,scaleway,cache,rewrap]
 * </pre>
 * {@code quick} (default): one fork, short iterations, the suite in about ten minutes on two cores. {@code full}:
 * more and longer iterations, two forks. JMH's JSON results and a text summary go to {@code bench-results/}.
 */
public final class BenchmarksMain {
    /** Every group, in run order. */
    static final List<String> GROUPS = List.of("warm", "cold", "seed", "scaleway", "xnode", "memory", "cache", "rewrap");

    private BenchmarksMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean full = false;
        Set<String> groups = new LinkedHashSet<>(GROUPS);
        for (String arg : args) {
            if (arg.equals("full")) {
                full = true;
            } else if (arg.equals("quick")) {
                full = false;
            } else {
                groups = new LinkedHashSet<>(Arrays.asList(arg.toLowerCase(Locale.ROOT).split(",")));
                if (!GROUPS.containsAll(groups)) {
                    System.err.println("unknown group in " + arg + ": use a comma-separated subset of " + GROUPS);
                    System.exit(2);
                }
            }
        }
        Path out = resultDirectory();
        Files.createDirectories(out);
        System.setProperty(BenchEnvironment.OUT_PROPERTY, out.toAbsolutePath().toString());

        BenchEnvironment env = BenchEnvironment.get();
        System.setProperty(BenchEnvironment.URL_PROPERTY, env.jdbcUrl());
        int orgs = groups.contains("warm") || groups.contains("memory") || groups.contains("cache")
                ? BenchEnvironment.MAX_ORGANIZATIONS : 1000;
        env.ensureFixture(orgs);

        Summary summary = new Summary(full ? "full" : "quick");
        for (String group : groups) {
            summary.note(group + ": started " + Instant.now() + ", load average (1/5/15 min) " + Summary.loadAverage());
            switch (group) {
                case "warm" -> {
                    for (int threads : new int[]{1, 2}) {
                        summary.warm(threads, run(out, "warm-t" + threads, WarmResolveBenchmark.class, full, threads,
                                options -> options.timeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)));
                    }
                }
                default -> runGroup(group, out, full, summary);
            }
        }
        summary.print(System.out);
        try (PrintStream file = new PrintStream(Files.newOutputStream(out.resolve("summary.txt")), true,
                StandardCharsets.UTF_8)) {
            summary.print(file);
        }
        // The embedded server's shutdown hook stops Postgres; forks and harness threads are done.
        System.exit(0);
    }

    /** Groups other than warm resolve (filled in by the other benchmarks). */
    static void runGroup(String group, Path out, boolean full, Summary summary) throws Exception {
        switch (group) {
            case "cold" -> {
                // jOOQ's deep call tree needs thousands of calls before C2 compiles it: a longer warm-up.
                List<RunResult> results = run(out, "cold", ColdResolveBenchmark.class, full, 1,
                        options -> options.warmupIterations(full ? 15 : 10));
                System.out.println("# interleaved check: cold resolve");
                summary.coldCheck(InterleavedCheck.cold());
                summary.cold(results, out);
            }
            case "seed" -> summary.seed(run(out, "seed", SeedingBenchmark.class, full, 1, options -> options));
            case "scaleway" -> {
                List<RunResult> results = run(out, "scaleway", ScalewayClientBenchmark.class, full, 1,
                        options -> options.warmupIterations(full ? 15 : 10));
                System.out.println("# interleaved check: Scaleway client");
                summary.scalewayCheck(InterleavedCheck.scaleway());
                summary.scaleway(results);
            }
            case "xnode" -> summary.crossNode(CrossNodeInvalidation.run(full ? 1000 : 300));
            case "rewrap" -> summary.rewrap(run(out, "rewrap", RewrapBenchmark.class, full, 1, options -> options));
            case "memory" -> summary.memory(MemoryFootprint.runInChildJvm(BenchEnvironment.MAX_ORGANIZATIONS));
            case "cache" -> cacheGroup(out, full, summary);
            default -> throw new IllegalArgumentException(group);
        }
    }

    /**
     * The Caffeine-based cache: warm hits against the bare map with hits counted and a size bound; the miss
     * cost of a size bound; a million organizations under Zipf gets, bounded and unbounded, for both a real and a
     * credentials-only client; the "everything" reload of 100,000 cached clients, tight loop and with think time.
     * {@code -Dbench.cache.parts=warm,miss,scale,close,reload} runs some parts only.
     */
    static void cacheGroup(Path out, boolean full, Summary summary) throws Exception {
        Set<String> parts = new LinkedHashSet<>(Arrays.asList(
                System.getProperty("bench.cache.parts", "warm,miss,scale,close,reload").split(",")));
        for (int threads : parts.contains("warm") ? new int[]{1, 2} : new int[0]) {
            summary.cacheWarm(threads, run(out, "cache-warm-t" + threads, WarmResolveBenchmark.class, full, threads,
                    options -> options.include(WarmResolveBenchmark.class.getName() + "\\.(library|floorBaseline)$")
                            .exclude(WarmResolveBenchmark.class.getName() + "\\.originBaseline")
                            .param("recordHits", "false", "true").param("maximumSize", "0", "200000")
                            .timeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)));
        }
        if (parts.contains("warm")) {
            summary.section("cache: warm resolve vs bare ConcurrentHashMap.get, interleaved, 1 thread",
                    WarmInterleaved.run());
        }
        if (parts.contains("miss")) {
            Files.deleteIfExists(out.resolve(BoundedMissBenchmark.MISSES_FILE));
            summary.boundedMiss(run(out, "cache-miss", BoundedMissBenchmark.class, full, 1, options -> options), out);
            summary.section("cache: miss cost with a size bound, interleaved in CPU time", MissInterleaved.run());
        }
        long gets = full ? 4_000_000 : CacheAtScale.GETS_PER_THREAD;
        for (String client : parts.contains("scale") ? new String[]{"tiny", "scaleway"} : new String[0]) {
            summary.section("cache at 1,000,000 organizations, " + client + " client",
                    CacheAtScale.runInChildJvm(client, CacheAtScale.ORGANIZATIONS, gets).lines());
        }
        if (parts.contains("close")) {
            summary.section("cache: AutoCloseable clients waiting for closeDelay under a size bound",
                    CloseDelayRetention.runInChildJvm(CloseDelayRetention.ORGANIZATIONS).lines());
        }
        for (int[] variant : parts.contains("reload") ? new int[][]{{0, -1}, {50, -1}, {0, 200}} : new int[0][]) {
            summary.section("the everything reload, " + (variant[0] == 0 ? "tight loop" : "think time " + variant[0] + " us")
                            + (variant[1] < 0 ? "" : ", second invalidateAll() after " + variant[1] + " ms"),
                    EverythingReload.runInChildJvm(EverythingReload.ORGANIZATIONS, variant[0], variant[1]).lines());
        }
    }

    /** {@code -Dbench.out=...}, or {@code bench-results} next to the benchmarks jar (inside {@code target/}). */
    private static Path resultDirectory() throws java.net.URISyntaxException {
        String configured = System.getProperty(BenchEnvironment.OUT_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        Path code = Path.of(BenchmarksMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return code.getParent().resolve("bench-results");
    }

    interface Customizer {
        ChainedOptionsBuilder apply(ChainedOptionsBuilder options);
    }

    static List<RunResult> run(Path out, String name, Class<?> benchmark, boolean full, int threads,
                               Customizer customizer) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .threads(threads)
                .forks(full ? 2 : 1)
                .jvmArgsAppend("-D" + BenchEnvironment.URL_PROPERTY + "=" + System.getProperty(BenchEnvironment.URL_PROPERTY),
                        "-D" + BenchEnvironment.OUT_PROPERTY + "=" + System.getProperty(BenchEnvironment.OUT_PROPERTY),
                        // the fake Scaleway API (ScalewayClientBenchmark) runs in the fork: no ~40 ms Nagle wait
                        "-Dsun.net.httpserver.nodelay=true", "-Xms1g", "-Xmx2g")
                .resultFormat(ResultFormatType.JSON)
                .result(out.resolve(name + ".json").toString());
        if (benchmark != SeedingBenchmark.class && benchmark != RewrapBenchmark.class) {
            options = options.warmupIterations(full ? 5 : 3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(full ? 10 : 5).measurementTime(TimeValue.seconds(1));
        }
        options = customizer.apply(options);
        System.out.println("# " + Instant.now() + " running " + name);
        return new ArrayList<>(new Runner(options.build()).run());
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
