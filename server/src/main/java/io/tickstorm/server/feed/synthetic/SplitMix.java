package io.tickstorm.server.feed.synthetic;

/**
 * The 64-bit mixing function of SplitMix64 (Steele, Lea and Flood), used to derive every pseudo-random value of the
 * market directly from a key and a counter instead of from a stateful generator: that is what makes each tick a
 * pure function of its index and lets any tick or bar be recomputed without replaying the ones before it.
 */
final class SplitMix {

    /** The golden-ratio increment of SplitMix64: keys of consecutive counters are far apart. */
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private SplitMix() {
    }

    /** A bijective avalanche mix of {@code z}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The value of counter {@code n} of the stream keyed by {@code key}. */
    static long at(long key, long n) {
        return mix(key + n * GOLDEN);
    }

    /** A key derived from {@code key} for a sub-stream {@code salt}. */
    static long derive(long key, long salt) {
        return mix(mix(key ^ salt) + GOLDEN);
    }

    /** The top 53 bits of {@code h} as a double in [0, 1). */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** A uniform int in [0, bound) from the high bits of {@code h}; bound must be below 2^31. */
    static int below(long h, int bound) {
        return (int) (((h >>> 33) * bound) >>> 31);
    }
}
