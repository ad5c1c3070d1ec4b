package io.tickstorm.server.feed;

/**
 * A reusable block of ticks in struct-of-arrays layout: slot {@code i} of every array describes tick {@code i}. The
 * market state fills one block at a time and hands it to its {@link FeedListener}; the listener copies what it needs
 * before
 * returning, because the feed refills the same block next. Callers may also own blocks of their own (snapshots,
 * coalescing buffers) and fill them with {@link #appendFrom(TickBlock, int, int)}.
 *
 * <p>Each tick is a trade (price, volume) together with the quote prevailing at it (bid, ask and their sizes).
 * Not thread-safe: one thread writes and reads a block at a time.
 */
public final class TickBlock {

    /** Capacity the feed uses unless told otherwise. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final int[] symbolIndex;
    private final long[] timestampNanos;
    private final double[] price;
    private final double[] volume;
    private final double[] bid;
    private final double[] ask;
    private final long[] bidSize;
    private final long[] askSize;
    private int count;

    /** An empty block holding at most {@code capacity} ticks. */
    public TickBlock(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        symbolIndex = new int[capacity];
        timestampNanos = new long[capacity];
        price = new double[capacity];
        volume = new double[capacity];
        bid = new double[capacity];
        ask = new double[capacity];
        bidSize = new long[capacity];
        askSize = new long[capacity];
    }

    /** The most ticks this block holds. */
    public int capacity() {
        return symbolIndex.length;
    }

    /** The ticks it holds now, in slots {@code 0 .. count() - 1}. */
    public int count() {
        return count;
    }

    /** Whether no more tick fits. */
    public boolean isFull() {
        return count == symbolIndex.length;
    }

    /** Empties the block (its arrays are kept). */
    public void clear() {
        count = 0;
    }

    /** The universe index of the tick's symbol. */
    public int symbolIndex(int i) {
        return symbolIndex[i];
    }

    /** The tick's time, epoch nanoseconds. */
    public long timestampNanos(int i) {
        return timestampNanos[i];
    }

    /** The tick's time, epoch milliseconds (as the wire carries it). */
    public long timestampMs(int i) {
        return Math.floorDiv(timestampNanos[i], 1_000_000L);
    }

    /** The trade price. */
    public double price(int i) {
        return price[i];
    }

    /** The traded quantity, >= 0. */
    public double volume(int i) {
        return volume[i];
    }

    /** The best bid, at or below the ask. */
    public double bid(int i) {
        return bid[i];
    }

    /** The best ask. */
    public double ask(int i) {
        return ask[i];
    }

    /** The quantity bid. */
    public long bidSize(int i) {
        return bidSize[i];
    }

    /** The quantity offered. */
    public long askSize(int i) {
        return askSize[i];
    }

    /**
     * Appends up to {@code length} ticks of {@code source} from slot {@code from} on, as many as fit, and returns
     * how many it copied.
     */
    public int appendFrom(TickBlock source, int from, int length) {
        if (from < 0 || length < 0 || from + length > source.count) {
            throw new IndexOutOfBoundsException("ticks [" + from + ", " + (from + length) + ") of a block of "
                    + source.count);
        }
        int n = Math.min(length, capacity() - count);
        System.arraycopy(source.symbolIndex, from, symbolIndex, count, n);
        System.arraycopy(source.timestampNanos, from, timestampNanos, count, n);
        System.arraycopy(source.price, from, price, count, n);
        System.arraycopy(source.volume, from, volume, count, n);
        System.arraycopy(source.bid, from, bid, count, n);
        System.arraycopy(source.ask, from, ask, count, n);
        System.arraycopy(source.bidSize, from, bidSize, count, n);
        System.arraycopy(source.askSize, from, askSize, count, n);
        count += n;
        return n;
    }

    void add(int symbol, long timeNanos, double tradePrice, double tradeVolume, double bestBid,
             double bestAsk, long bestBidSize, long bestAskSize) {
        int i = count;
        symbolIndex[i] = symbol;
        timestampNanos[i] = timeNanos;
        price[i] = tradePrice;
        volume[i] = tradeVolume;
        bid[i] = bestBid;
        ask[i] = bestAsk;
        bidSize[i] = bestBidSize;
        askSize[i] = bestAskSize;
        count = i + 1;
    }
}
