package io.tickstorm.server.feed;

/**
 * The bars of every symbol of the universe for one closed interval: for boundary {@code B} and interval {@code I}
 * they summarise the ticks with time in {@code [B - I, B)} (PROTOCOL.md §5.6, §6). Price, bid, ask and sizes are
 * those of the interval's last tick, volume the sum of its ticks' volumes; a symbol with no tick in the interval
 * carries its previous bar's price and quote with volume 0, and a symbol that never had a tick is absent
 * ({@link #has}). Arrays are indexed by symbol index; {@link #byName()} lists the present symbols in the order the
 * wire carries them.
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
    private final boolean[] present;
    private final int[] byName;

    /** Takes ownership of the arrays: nobody may modify them afterwards (sets of one boundary share them). */
    BarSet(BarMode mode, long boundaryMs, long closedAtNanos, SymbolUniverse universe, double[] price,
           double[] volume, double[] bid, double[] ask, long[] bidSize, long[] askSize, boolean[] present,
           int[] byName) {
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
        this.present = present;
        this.byName = byName;
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

    /** Number of symbol slots: the size of the universe when the set closed (present or not). */
    public int size() {
        return price.length;
    }

    /** Whether the set holds a bar of {@code symbol}: false for a symbol that never had a tick (or is newer). */
    public boolean has(int symbol) {
        return symbol < present.length && present[symbol];
    }

    /** The symbols the set holds a bar of, ordered by name (PROTOCOL.md §6). Shared: never modify it. */
    public int[] byName() {
        return byName;
    }

    /** Price of the symbol's last tick at or before the end of the interval. */
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
        return "BarSet[" + mode + " boundaryMs=" + boundaryMs + " symbols=" + byName.length + "]";
    }
}
