package dev.providersettings.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^s} by inverting the cumulative
 * distribution (one binary search over a precomputed table), and maps each rank to an index through a fixed random
 * permutation, so the popular organizations are spread over the id space rather than being the first ones created.
 */
final class ZipfSampler {
    private final double[] cumulative;
    private final int[] rankToIndex;

    ZipfSampler(int n, double s, long seed) {
        cumulative = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += 1.0 / Math.pow(r + 1, s);
            cumulative[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            cumulative[r] /= sum;
        }
        rankToIndex = new int[n];
        for (int i = 0; i < n; i++) {
            rankToIndex[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rankToIndex[i];
            rankToIndex[i] = rankToIndex[j];
            rankToIndex[j] = t;
        }
    }

    /** The rank of a uniform draw {@code u} in [0, 1). */
    int rank(double u) {
        int i = Arrays.binarySearch(cumulative, u);
        int rank = i >= 0 ? i : -i - 1;
        return Math.min(rank, cumulative.length - 1);
    }

    int index(int rank) {
        return rankToIndex[rank];
    }

    /** The probability mass of the {@code k} most popular ranks: the hit ratio of a perfect frequency-based cache of size k. */
    double massOfTop(int k) {
        return k <= 0 ? 0 : cumulative[Math.min(k, cumulative.length) - 1];
    }
}
