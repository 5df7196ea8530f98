package dev.providersettings.benchmarks;

import java.util.Locale;

/**
 * Latencies in nanoseconds counted in log-linear buckets (64 sub-buckets per power of two, so a reported percentile
 * is at most 1.6 % above the true value), cheap enough to record every call of a hot loop without keeping the
 * samples. One instance per thread; {@link #add} merges them.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;
    private double sum;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v > max) {
            max = v;
        }
    }

    private static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = magnitude - SUB_BITS;
        int sub = (int) (v >>> shift) & (SUB - 1);
        return (shift + 1) * SUB + sub;
    }

    /** The largest value that falls in bucket {@code i}. */
    private static long upperBound(int i) {
        if (i < SUB) {
            return i;
        }
        int shift = i / SUB - 1;
        long sub = i % SUB;
        return (((SUB + sub + 1) << shift) - 1);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /** The value at or below which {@code fraction} of the recorded latencies lie (bucket upper bound). */
    long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    /** "p50 x, p99 y, p99.9 z, max w, mean m" with units chosen per value. */
    String describe() {
        return String.format(Locale.ROOT, "p50 %s, p99 %s, p99.9 %s, max %s, mean %s (%,d calls)",
                time(percentile(0.50)), time(percentile(0.99)), time(percentile(0.999)), time(max),
                time((long) mean()), total);
    }

    static String time(long nanos) {
        if (nanos < 10_000) {
            return nanos + " ns";
        }
        if (nanos < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
