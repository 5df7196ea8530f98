package dev.providersettings.benchmarks;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Each thread's random sequence of indexes (xorshift: a few cycles, so every subject and baseline pays the same
 * cost for picking an organization).
 */
@State(Scope.Thread)
public class RandomCursor {
    private long x = System.nanoTime() | 1;

    /** The next index in {@code [0, bound)}. */
    public int next(int bound) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return (int) (((x >>> 32) * bound) >>> 32);
    }
}
