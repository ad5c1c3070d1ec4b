package io.tickstorm.server.feed;

/**
 * The bars of every symbol of the universe for one closed interval: for boundary {@code B} and interval {@code I}
 * they summarise the ticks with time in {@code [B - I, B)} (PROTOCOL.md §5.6). Price is the last trade of the
 * interval, volume the sum traded in it (0 if none), bid, ask and sizes the last quote; a symbol that did not trade
 * in the interval carries its last trade and quote from before it. Arrays are indexed by symbol index.
 *
 * <p>Immutable once built, so the feed thread publishes it to any reader (history, event loops) as is.
 */
public final class BarSet {

    private final BarMode mode;
    private final long boundaryMs;
    private final long closedAtNanos;
    private final SymbolUniverse universe;
    private final double[] price;
    private final double[] volume;
    private final double[] bid;
    private final double[] ask;
    private final long[] bidSize;
    private final long[] askSize;

    /** Takes ownership of the arrays: nobody may modify them afterwards (sets of one boundary share them). */
    BarSet(BarMode mode, long boundaryMs, long closedAtNanos, SymbolUniverse universe, double[] price,
           double[] volume, double[] bid, double[] ask, long[] bidSize, long[] askSize) {
        this.mode = mode;
        this.boundaryMs = boundaryMs;
        this.closedAtNanos = closedAtNanos;
        this.universe = universe;
        this.price = price;
        this.volume = volume;
        this.bid = bid;
        this.ask = ask;
        this.bidSize = bidSize;
        this.askSize = askSize;
    }

    /** SECOND or MINUTE. */
    public BarMode mode() {
        return mode;
    }

    /** The boundary that closed the interval, epoch ms: every bar's timestamp_ms. */
    public long boundaryMs() {
        return boundaryMs;
    }

    /** The interval's batch sequence: epoch second (SECOND) or epoch minute (MINUTE) of the boundary. */
    public long sequence() {
        return mode.sequenceOf(boundaryMs);
    }

    /**
     * When the feed actually computed this set, epoch nanoseconds of the clock it runs on (for close-latency
     * metrics: {@code closedAtNanos - boundaryMs * 1e6}). Backfilled sets carry the startup time.
     */
    public long closedAtNanos() {
        return closedAtNanos;
    }

    /** The universe the symbol indices refer to. */
    public SymbolUniverse universe() {
        return universe;
    }

    /** Number of bars: the size of the universe. */
    public int size() {
        return price.length;
    }

    /** Last trade price of the symbol at or before the end of the interval. */
    public double price(int symbol) {
        return price[symbol];
    }

    /** Quantity of the symbol traded in the interval, 0 if none. */
    public double volume(int symbol) {
        return volume[symbol];
    }

    /** Bid of the symbol's last quote. */
    public double bid(int symbol) {
        return bid[symbol];
    }

    /** Ask of the symbol's last quote. */
    public double ask(int symbol) {
        return ask[symbol];
    }

    /** Bid size of the symbol's last quote. */
    public long bidSize(int symbol) {
        return bidSize[symbol];
    }

    /** Ask size of the symbol's last quote. */
    public long askSize(int symbol) {
        return askSize[symbol];
    }

    @Override
    public String toString() {
        return "BarSet[" + mode + " boundaryMs=" + boundaryMs + " symbols=" + price.length + "]";
    }
}
