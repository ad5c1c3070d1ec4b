package io.tickstorm.server.feed;

import java.util.Arrays;

/**
 * The bars of one mode being built: a ring of the intervals still open (the oldest, whose deadline has not
 * passed, and the ones after it that early ticks already fall in), and the price and quote each symbol carries from
 * its last closed bar. Ticks of one interval may arrive while a later one has begun (lateness, PROTOCOL.md §6), so
 * "last" is per interval, in the order ticks are added. Feed thread only; nothing allocated per tick.
 */
final class BarAccumulator {

    /** {@link #add} outcome: counted in its interval's bar. */
    static final int ADDED = 0;
    /** {@link #add} outcome: its interval has closed; the tick is late for this mode. */
    static final int CLOSED = 1;
    /** {@link #add} outcome: too far ahead of the oldest open interval for the ring. */
    static final int BEYOND = 2;

    private final BarMode mode;
    private final long intervalMs;
    private final int slots;
    private final boolean[][] has;
    private final double[][] price;
    private final double[][] volume;
    private final double[][] bid;
    private final double[][] ask;
    private final long[][] bidSize;
    private final long[][] askSize;

    private final boolean[] carried;
    private final double[] carriedPrice;
    private final double[] carriedBid;
    private final double[] carriedAsk;
    private final long[] carriedBidSize;
    private final long[] carriedAskSize;

    /** Interval index (boundary / interval - 1) of the oldest open interval. */
    private long oldestOpen;

    /**
     * @param capacity the universe's capacity
     * @param slots how many consecutive intervals may be open at once: covers the lateness and how far ahead of
     *     its position a source may write
     * @param startMs event time the market starts at: the oldest open interval is the one containing it
     */
    BarAccumulator(BarMode mode, int capacity, int slots, long startMs) {
        this.mode = mode;
        this.intervalMs = mode.intervalMs();
        this.slots = slots;
        this.has = new boolean[slots][capacity];
        this.price = new double[slots][capacity];
        this.volume = new double[slots][capacity];
        this.bid = new double[slots][capacity];
        this.ask = new double[slots][capacity];
        this.bidSize = new long[slots][capacity];
        this.askSize = new long[slots][capacity];
        this.carried = new boolean[capacity];
        this.carriedPrice = new double[capacity];
        this.carriedBid = new double[capacity];
        this.carriedAsk = new double[capacity];
        this.carriedBidSize = new long[capacity];
        this.carriedAskSize = new long[capacity];
        this.oldestOpen = Math.floorDiv(startMs, intervalMs);
    }

    /** The boundary the next {@link #close} closes: the end of the oldest open interval, epoch ms. */
    long nextBoundaryMs() {
        return (oldestOpen + 1) * intervalMs;
    }

    /** The start of the first interval beyond the open ones, epoch ms: ticks at or after it do not fit yet. */
    long horizonMs() {
        return (oldestOpen + slots) * intervalMs;
    }

    /**
     * Adds a tick to the interval containing {@code timestampMs}; returns {@link #ADDED}, {@link #CLOSED} or
     * {@link #BEYOND}.
     */
    int add(int symbol, long timestampMs, double tradePrice, double tradeVolume, double bestBid, double bestAsk,
            long bestBidSize, long bestAskSize) {
        long interval = Math.floorDiv(timestampMs, intervalMs);
        if (interval < oldestOpen) {
            return CLOSED;
        }
        if (interval - oldestOpen >= slots) {
            return BEYOND;
        }
        int slot = (int) Math.floorMod(interval, (long) slots);
        has[slot][symbol] = true;
        price[slot][symbol] = tradePrice;
        volume[slot][symbol] += tradeVolume;
        bid[slot][symbol] = bestBid;
        ask[slot][symbol] = bestAsk;
        bidSize[slot][symbol] = bestBidSize;
        askSize[slot][symbol] = bestAskSize;
        return ADDED;
    }

    /**
     * Closes the oldest open interval into a set over the first {@code universe.size()} symbols, carrying prices
     * of symbols that had no tick in it, and opens the next one.
     */
    BarSet close(SymbolUniverse universe, long closedAtNanos) {
        int n = universe.size();
        int slot = (int) Math.floorMod(oldestOpen, (long) slots);
        boolean[] inInterval = has[slot];
        double[] outPrice = new double[n];
        double[] outVolume = new double[n];
        double[] outBid = new double[n];
        double[] outAsk = new double[n];
        long[] outBidSize = new long[n];
        long[] outAskSize = new long[n];
        boolean[] present = new boolean[n];
        int count = 0;
        for (int s = 0; s < n; s++) {
            if (inInterval[s]) {
                carried[s] = true;
                carriedPrice[s] = price[slot][s];
                carriedBid[s] = bid[slot][s];
                carriedAsk[s] = ask[slot][s];
                carriedBidSize[s] = bidSize[slot][s];
                carriedAskSize[s] = askSize[slot][s];
                outVolume[s] = volume[slot][s];
            }
            if (carried[s]) {
                present[s] = true;
                count++;
                outPrice[s] = carriedPrice[s];
                outBid[s] = carriedBid[s];
                outAsk[s] = carriedAsk[s];
                outBidSize[s] = carriedBidSize[s];
                outAskSize[s] = carriedAskSize[s];
            }
        }
        int[] byName = new int[count];
        int next = 0;
        for (int s : universe.byName()) {
            if (s < n && present[s]) {
                byName[next++] = s;
            }
        }
        Arrays.fill(inInterval, 0, n, false);
        Arrays.fill(volume[slot], 0, n, 0.0);
        BarSet bars = new BarSet(mode, nextBoundaryMs(), closedAtNanos, universe, outPrice, outVolume, outBid, outAsk,
                outBidSize, outAskSize, present, byName);
        oldestOpen++;
        return bars;
    }
}
