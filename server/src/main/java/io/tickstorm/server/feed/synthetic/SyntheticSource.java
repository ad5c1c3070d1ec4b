package io.tickstorm.server.feed.synthetic;

import io.tickstorm.server.feed.TickSink;
import io.tickstorm.server.feed.TickSource;

/**
 * The embedded default source: the {@link SyntheticMarket}'s ticks, written as wall-clock time reaches them. Its
 * ticks are a pure function of time, so it can write past time too: the feed rebuilds history at startup from the
 * same ticks a replica that ran all along wrote live, and both close the same bars.
 *
 * <p>It starts two rounds of the market before the earliest interval the history keeps (every symbol trades once
 * in each round, and any run of two rounds' length holds a whole round), so every symbol has a last trade to carry
 * into the first kept bar, exactly as on a replica that started earlier. Feed thread only.
 */
public final class SyntheticSource implements TickSource {

    /** Ticks written per poll at most, so that the feed thread closes bars in between during a rebuild. */
    static final int MAX_TICKS_PER_POLL = 1 << 16;

    private final SyntheticMarket market;
    private final PricePathCache cache;
    private long nextK;
    private long polledAtNanos;

    public SyntheticSource(SyntheticMarket market) {
        this.market = market;
        this.cache = new PricePathCache(market.universe().size());
    }

    /** The model this source writes. */
    public SyntheticMarket market() {
        return market;
    }

    @Override
    public String description() {
        return "synthetic market (" + market.universe().size() + " symbols, " + market.ticksPerSecond()
                + " ticks/s, seed " + market.config().seed() + ")";
    }

    @Override
    public boolean canBackfill() {
        return true;
    }

    @Override
    public long open(long nowNanos, long historyStartNanos) {
        nextK = market.firstTickAtOrAfter(Math.min(nowNanos, historyStartNanos)) - 2L * market.universe().size();
        polledAtNanos = Math.min(nowNanos, historyStartNanos);
        return market.tickTimeNanos(nextK);
    }

    @Override
    public boolean poll(long nowNanos, TickSink sink) {
        polledAtNanos = Math.max(polledAtNanos, nowNanos);
        long dueK = market.firstTickAtOrAfter(nowNanos + 1);
        long fitK = market.firstTickAtOrAfter(sink.horizonNanos());
        long endK = Math.min(dueK, Math.min(fitK, nextK + MAX_TICKS_PER_POLL));
        if (nextK < endK) {
            market.write(nextK, (int) (endK - nextK), sink, cache);
            nextK = endK;
        }
        return nextK < dueK;
    }

    /** Every tick not yet written is at or after the next tick's time, and no bar closes ahead of the clock. */
    @Override
    public long positionNanos() {
        return Math.min(market.tickTimeNanos(nextK), polledAtNanos + 1);
    }

    @Override
    public long latenessNanos() {
        return 0;
    }

    /** While nobody wants ticks as they happen, the feed sleeps until the next boundary and writes them in bulk. */
    @Override
    public long nextPollNanos(long nowNanos, boolean ticksWanted) {
        return ticksWanted ? market.tickTimeNanos(nextK) : Long.MAX_VALUE;
    }

    @Override
    public void close() {
    }
}
