package io.tickstorm.server.feed.synthetic;

import java.util.Arrays;

/**
 * The hashed cell values of every octave of every symbol's price path, as last used by one generating thread. Most
 * octaves are far longer than the gap between two ticks of a symbol, so consecutive evaluations mostly reuse the
 * cached values instead of hashing 48 times per tick. The arithmetic on the values is the same as in
 * {@link SyntheticMarket#pathPrice(int, long)}, so results are bit-identical with or without a cache, whatever was
 * evaluated before. Not thread-safe: one per generating thread (the feed owns one).
 */
public final class PricePathCache {

    final long[] cell;
    final double[] low;
    final double[] high;

    /** An empty cache for a universe of {@code symbols} symbols. */
    public PricePathCache(int symbols) {
        int size = symbols * SyntheticMarket.OCTAVES;
        cell = new long[size];
        low = new double[size];
        high = new double[size];
        // No path evaluates at Long.MIN_VALUE ns (year 1677), so the first lookup of every octave misses.
        Arrays.fill(cell, Long.MIN_VALUE);
    }
}
