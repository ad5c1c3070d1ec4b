package io.tickstorm.server.feed;

/**
 * The last tick of every symbol in the source's order, late or not (PROTOCOL.md §6): what a REALTIME snapshot
 * holds. Written by the {@link MarketState} as each tick arrives; read by the fan-out when it serves a REALTIME join.
 * Feed thread only, both sides: the fan-out serves joins from a {@link FeedListener#onTicks} callback, so the state
 * it reads is exactly that of the ticks delivered so far.
 */
public final class LatestTicks {

    private final boolean[] seen;
    private final long[] timestampNanos;
    private final double[] price;
    private final double[] volume;
    private final double[] bid;
    private final double[] ask;
    private final long[] bidSize;
    private final long[] askSize;

    /** Room for a universe of {@code capacity} symbols. */
    public LatestTicks(int capacity) {
        seen = new boolean[capacity];
        timestampNanos = new long[capacity];
        price = new double[capacity];
        volume = new double[capacity];
        bid = new double[capacity];
        ask = new double[capacity];
        bidSize = new long[capacity];
        askSize = new long[capacity];
    }

    void set(int symbol, long timeNanos, double tradePrice, double tradeVolume, double bestBid, double bestAsk,
             long bestBidSize, long bestAskSize) {
        seen[symbol] = true;
        timestampNanos[symbol] = timeNanos;
        price[symbol] = tradePrice;
        volume[symbol] = tradeVolume;
        bid[symbol] = bestBid;
        ask[symbol] = bestAsk;
        bidSize[symbol] = bestBidSize;
        askSize[symbol] = bestAskSize;
    }

    /** Whether the symbol has had a tick; a symbol that never had one is left out of snapshots. */
    public boolean seen(int symbol) {
        return seen[symbol];
    }

    /** The last tick's event time, epoch nanoseconds. */
    public long timestampNanos(int symbol) {
        return timestampNanos[symbol];
    }

    /** The last tick's event time, epoch milliseconds (as the wire carries it). */
    public long timestampMs(int symbol) {
        return Math.floorDiv(timestampNanos[symbol], 1_000_000L);
    }

    public double price(int symbol) {
        return price[symbol];
    }

    public double volume(int symbol) {
        return volume[symbol];
    }

    public double bid(int symbol) {
        return bid[symbol];
    }

    public double ask(int symbol) {
        return ask[symbol];
    }

    public long bidSize(int symbol) {
        return bidSize[symbol];
    }

    public long askSize(int symbol) {
        return askSize[symbol];
    }
}
