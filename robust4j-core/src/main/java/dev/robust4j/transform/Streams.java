package dev.robust4j.transform;

import java.util.SplittableRandom;

/** Independent random streams keyed by integers, so that a draw depends only on its key. */
final class Streams {

    private Streams() {}

    /**
     * @return one stream per row, row r keyed by {@code (seed, a, b, first + r)}
     */
    static SplittableRandom[] of(long seed, long a, long b, long first, int rows) {
        SplittableRandom[] out = new SplittableRandom[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = new SplittableRandom(mix(mix(mix(seed, a), b), first + r));
        }
        return out;
    }

    /**
     * @return one stream per key, row r keyed by {@code (seed, keys[r], draw)}
     */
    static SplittableRandom[] keyed(long seed, long[] keys, long draw) {
        SplittableRandom[] out = new SplittableRandom[keys.length];
        for (int r = 0; r < keys.length; r++) {
            out[r] = new SplittableRandom(mix(mix(mix(seed, -2), keys[r]), draw));
        }
        return out;
    }

    /** SplitMix64's finaliser over a combination of two keys. */
    static long mix(long x, long y) {
        long z = x * 0x9E3779B97F4A7C15L + y + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
