package io.tickstorm.server.feed;

/**
 * Receives what the market state produces, synchronously on the feed thread: every tick exactly once, in the
 * source's order, and each closed bar set after every tick counted in it. Implementations must be quick and must
 * not block: the source does not advance while a callback runs. An exception thrown by a callback is counted and
 * logged and does not stop the feed.
 */
public interface FeedListener {

    /**
     * The next block of ticks. The block is reused once this returns: copy what is needed (for example with
     * {@link TickBlock#appendFrom(TickBlock, int, int)}), never keep the reference.
     */
    void onTicks(TickBlock block);

    /**
     * A closed set of bars. It has already been appended to the feed's {@link BarHistory} when this is called
     * (append happens-before the call), so a reader that sees it in the history and a listener that receives it here
     * can meet without a gap or a duplicate by comparing {@link BarSet#sequence()}. At a whole minute, the SECOND set
     * comes first, then the MINUTE set.
     */
    void onBars(BarSet bars);

    /**
     * Whether anyone needs ticks as they happen. While false a source whose ticks are a function of time (the
     * synthetic market) lets the feed thread sleep until the next boundary (or {@link TickFeed#wake()}) and writes
     * the ticks in bulk then: bars come out the same, and an idle server does not wake a thousand times a second.
     * Read by the feed thread before each sleep.
     */
    default boolean wantsTicks() {
        return true;
    }

    /**
     * The listener's timer turn, after every pump, once every tick written so far has been handed to
     * {@link #onTicks}: work due at a time rather than at a tick (conflation intervals, REALTIME batches held
     * while their readers were busy) runs here, on the feed thread. Returns the feed clock's time (epoch ns) by which it wants its next turn, or {@code Long.MAX_VALUE}:
     * the feed thread wakes by then even while the source is idle.
     */
    default long onPump(long nowEpochNanos) {
        return Long.MAX_VALUE;
    }
}
