package io.tickstorm.server.feed;

/**
 * Where a {@link TickSource} writes: the {@link MarketState}. Feed thread only. A source resolves each symbol name
 * through {@link #universe()}, writes each tick it accepts with {@link #tick}, and reports each record it skips
 * with {@link #malformed} or {@link #unknownSymbol}, so that every record is counted exactly once
 * ({@code tick_storm_feed_ticks_total}).
 */
public interface TickSink {

    /** {@link #tick} flag: the tick counts in its SECOND bar. */
    int SECOND_BAR = 1;
    /** {@link #tick} flag: the tick counts in its MINUTE bar. */
    int MINUTE_BAR = 2;
    /** {@link #tick} flags: the tick counts in both its bars (an on-time tick). */
    int BOTH_BARS = SECOND_BAR | MINUTE_BAR;
    /** {@link #tick} flags: a late tick, delivered on REALTIME streams but left out of every bar. */
    int NO_BARS = 0;

    /**
     * The event time (epoch ns) from which ticks cannot be kept for their bars yet: the market holds a bounded run
     * of open intervals. A source stops before writing a tick stamped at or after it and writes it at a later poll,
     * once its position has let the feed close the oldest intervals (a poll that stops there returns "more").
     */
    long horizonNanos();

    /** The symbols: {@link SymbolUniverse#resolve} turns a name into the index {@link #tick} takes. */
    SymbolUniverse universe();

    /**
     * One tick, in the source's order. {@code bars} says which bars the source counts it in (PROTOCOL.md §6: a
     * source that judges lateness per bar passes fewer than {@link #BOTH_BARS}); a tick whose interval has already
     * closed is left out of that bar whatever the flags say. Every tick goes to REALTIME streams.
     *
     * @param symbol index in {@link #universe()}
     * @param timestampNanos the tick's event time, epoch nanoseconds
     */
    void tick(int symbol, long timestampNanos, double price, double volume, double bid, double ask, long bidSize,
              long askSize, int bars);

    /** A record the source skipped as malformed. */
    void malformed(MalformedReason reason);

    /** A record of a symbol the universe does not carry (and cannot learn), skipped. */
    void unknownSymbol();
}
