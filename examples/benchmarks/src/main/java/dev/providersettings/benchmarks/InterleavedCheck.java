package dev.providersettings.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A cross-check of a JMH ratio that does not drift with the machine's load: subject and baseline run in the same
 * JVM, alternating blocks of calls, and the ratio is the median of the per-round ratios. JMH runs each benchmark in
 * its own fork one after the other, so on a shared machine a change in background load between the two forks moves
 * the ratio; alternating blocks cancels that out.
 */
final class InterleavedCheck {
    /** A call under test. */
    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    /** The figures of one check. */
    record Result(double subjectMicros, double baselineMicros, double medianRatio, int rounds, int block) {
        String line(String subject, String baseline) {
            return String.format(Locale.ROOT, "interleaved check (one JVM, %d rounds of %d + %d alternating calls, after "
                            + "warm-up): %s %.1f us, %s %.1f us, median ratio %.2fx", rounds, block, block, subject,
                    subjectMicros, baseline, baselineMicros, medianRatio);
        }
    }

    private InterleavedCheck() {
    }

    static Result run(Call subject, Call baseline, int warmupRounds, int rounds, int block) throws Exception {
        return run(subject, baseline, warmupRounds, rounds, block, () -> { });
    }

    static Result run(Call subject, Call baseline, int warmupRounds, int rounds, int block, Runnable betweenRounds)
            throws Exception {
        return run(subject, baseline, warmupRounds, rounds, block, betweenRounds, System::nanoTime);
    }

    /**
     * As above, timing each block with {@code clock}: {@link #threadCpuTime()} leaves out the time the thread spent
     * descheduled, which on an oversubscribed machine is most of the wall-clock time of a nanosecond-scale call.
     */
    static Result run(Call subject, Call baseline, int warmupRounds, int rounds, int block, Runnable betweenRounds,
                      java.util.function.LongSupplier clock) throws Exception {
        List<Double> ratios = new ArrayList<>();
        double[] subjectTimes = new double[rounds];
        double[] baselineTimes = new double[rounds];
        Object sink = null;
        for (int round = -warmupRounds; round < rounds; round++) {
            // Alternate which side goes first, so neither always follows the other.
            boolean subjectFirst = (round & 1) == 0;
            long a = 0;
            long b = 0;
            for (int side = 0; side < 2; side++) {
                boolean isSubject = (side == 0) == subjectFirst;
                long start = clock.getAsLong();
                for (int i = 0; i < block; i++) {
                    sink = isSubject ? subject.run() : baseline.run();
                }
                long elapsed = clock.getAsLong() - start;
                if (isSubject) {
                    a = elapsed;
                } else {
                    b = elapsed;
                }
            }
            betweenRounds.run();
            if (round >= 0) {
                subjectTimes[round] = a / 1e3 / block;
                baselineTimes[round] = b / 1e3 / block;
                ratios.add(a / (double) b);
            }
        }
        if (sink == null) {
            throw new IllegalStateException("calls returned nothing");
        }
        return new Result(median(subjectTimes), median(baselineTimes),
                median(ratios.stream().mapToDouble(Double::doubleValue).toArray()), rounds, block);
    }

    /** The calling thread's CPU time in nanoseconds. */
    static long threadCpuTime() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Cold resolve (invalidate + get) against the bare primary-key SELECT, as in {@link ColdResolveBenchmark}. */
    static Result cold() throws Exception {
        ColdResolveBenchmark bench = new ColdResolveBenchmark();
        bench.setUp();
        try {
            RandomCursor a = new RandomCursor();
            RandomCursor b = new RandomCursor();
            return run(() -> bench.library(a), () -> bench.primaryKeySelectBaseline(b), 20, 30, 500);
        } finally {
            bench.tearDown();
        }
    }

    /** ScalewayProvider.getVolume against the bare HttpClient GET, as in {@link ScalewayClientBenchmark}. */
    static Result scaleway() throws Exception {
        ScalewayClientBenchmark bench = new ScalewayClientBenchmark();
        bench.setUp();
        try {
            return run(bench::library, bench::bareHttpClientBaseline, 20, 30, 500, bench::forgetRequests);
        } finally {
            bench.tearDown();
        }
    }
}
