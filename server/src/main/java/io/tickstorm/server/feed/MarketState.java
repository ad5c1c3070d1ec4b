package io.tickstorm.server.feed;

import io.tickstorm.server.logging.RateLimitedLogger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the market looks like, built from the ticks a source writes, and the only writer of bars (DESIGN.md §3,
 * PROTOCOL.md §6): per symbol the last tick in source order ({@link LatestTicks}, for REALTIME snapshots) and, per
 * open SECOND and MINUTE interval, the last tick and the volume sum. {@link #closeThrough} closes every interval
 * whose deadline (its end plus the source's lateness) the source's position has passed, in order, never skipping
 * one: it appends the sets to the {@link BarHistory} and only then hands them to the {@link FeedListener}, so a
 * subscriber that reads the history and one that receives the callback meet without a gap.
 *
 * <p>Ticks go to the listener in blocks ({@link FeedListener#onTicks}): a block is handed over when full, and
 * {@link #flushTicks()} hands over the rest (the feed calls it after every poll and before closing bars). While not
 * {@linkplain #delivering(boolean) delivering} (rebuilding history at startup), ticks update the state and bars go
 * to the history, but nothing goes to the listener.
 *
 * <p>Feed thread only. Nothing is allocated per tick; a closed set allocates its arrays once per interval.
 */
public final class MarketState implements TickSink {

    private static final Logger LOG = LoggerFactory.getLogger(MarketState.class);
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    private final SymbolUniverse universe;
    private final BarHistory history;
    private final LatestTicks latest;
    private final FeedListener listener;
    private final long latenessNanos;
    private final BarAccumulator seconds;
    private final BarAccumulator minutes;
    private final TickBlock block;
    private final FeedCounters counters = new FeedCounters();

    private final RateLimitedLogger failureLog = new RateLimitedLogger(LOG, 1, WARN_INTERVAL);
    private final RateLimitedLogger beyondLog = new RateLimitedLogger(LOG, 1, WARN_INTERVAL);

    private boolean delivering = true;
    private volatile long listenerFailures;
    private long beyondHorizon;

    /**
     * @param view the universe, history and latest ticks this state writes
     * @param startNanos event time the market starts at (see {@link TickSource#open})
     * @param latenessNanos the source's lateness: an interval closes once the position passes its end plus this
     * @param aheadNanos how far past its position (minus the lateness) a source may write a tick
     * @param blockCapacity ticks per block handed to {@link FeedListener#onTicks}
     */
    public MarketState(MarketView view, FeedListener listener, long startNanos, long latenessNanos, long aheadNanos,
                       int blockCapacity) {
        if (latenessNanos < 0 || aheadNanos < 0) {
            throw new IllegalArgumentException("lateness and ahead must be >= 0");
        }
        this.universe = view.universe();
        this.history = view.history();
        this.latest = view.latest();
        this.listener = listener;
        this.latenessNanos = latenessNanos;
        long startMs = Math.floorDiv(startNanos, NANOS_PER_MS);
        long spanMs = TimeUnit.NANOSECONDS.toMillis(latenessNanos + aheadNanos);
        this.seconds = new BarAccumulator(BarMode.SECOND, universe.capacity(), slots(BarMode.SECOND, spanMs),
                openFrom(BarMode.SECOND, startMs));
        this.minutes = new BarAccumulator(BarMode.MINUTE, universe.capacity(), slots(BarMode.MINUTE, spanMs),
                openFrom(BarMode.MINUTE, startMs));
        this.block = new TickBlock(blockCapacity);
    }

    /**
     * Where the first open interval of {@code mode} begins: where the market starts, or earlier when the history
     * expects an earlier first set (it was created a moment before the source started), so none is ever missing.
     */
    private long openFrom(BarMode mode, long startMs) {
        return Math.min(startMs, history.nextBoundaryMs(mode) - mode.intervalMs());
    }

    /** Intervals open at once: the oldest, those its deadline overlaps, and one for rounding. */
    private static int slots(BarMode mode, long spanMs) {
        return (int) Math.min(1 << 16, (spanMs + mode.intervalMs() - 1) / mode.intervalMs() + 2);
    }

    @Override
    public long horizonNanos() {
        return Math.min(seconds.horizonMs(), minutes.horizonMs()) * NANOS_PER_MS;
    }

    @Override
    public SymbolUniverse universe() {
        return universe;
    }

    @Override
    public void tick(int symbol, long timestampNanos, double price, double volume, double bid, double ask,
                     long bidSize, long askSize, int bars) {
        latest.set(symbol, timestampNanos, price, volume, bid, ask, bidSize, askSize);
        long timestampMs = Math.floorDiv(timestampNanos, NANOS_PER_MS);
        boolean inSecond = (bars & SECOND_BAR) != 0
                && counted(seconds.add(symbol, timestampMs, price, volume, bid, ask, bidSize, askSize));
        boolean inMinute = (bars & MINUTE_BAR) != 0
                && counted(minutes.add(symbol, timestampMs, price, volume, bid, ask, bidSize, askSize));
        boolean onTime = inSecond && inMinute;
        counters.add(onTime ? FeedCounters.Result.OK : FeedCounters.Result.LATE);
        if (delivering) {
            counters.liveTick();
            block.add(symbol, timestampNanos, price, volume, bid, ask, bidSize, askSize);
            if (block.isFull()) {
                flushTicks();
            }
        }
    }

    private boolean counted(int outcome) {
        if (outcome == BarAccumulator.BEYOND) {
            beyondHorizon++;
            beyondLog.warn("{} ticks so far were stamped too far ahead of the source's position to be kept for their "
                    + "bars; they were served on REALTIME and counted as late", beyondHorizon);
        }
        return outcome == BarAccumulator.ADDED;
    }

    @Override
    public void malformed(MalformedReason reason) {
        counters.malformed(reason);
    }

    @Override
    public void unknownSymbol() {
        counters.add(FeedCounters.Result.UNKNOWN_SYMBOL);
    }

    /** Whether ticks and bars go to the listener (false while rebuilding history at startup). */
    public void delivering(boolean deliver) {
        flushTicks();
        this.delivering = deliver;
    }

    /** Hands the ticks written since the last flush to the listener. */
    public void flushTicks() {
        if (block.count() == 0) {
            return;
        }
        try {
            listener.onTicks(block);
        } catch (RuntimeException e) {
            listenerFailed("onTicks", e);
        }
        block.clear();
    }

    /** Hands over the ticks written so far, then gives the listener its {@link FeedListener#onPump} turn. */
    public long pumped(long nowNanos) {
        flushTicks();
        try {
            return listener.onPump(nowNanos);
        } catch (RuntimeException e) {
            listenerFailed("onPump", e);
            return Long.MAX_VALUE;
        }
    }

    /**
     * Closes, in order, every interval whose end plus the lateness is at or before {@code positionNanos}: all
     * ticks still to come for it would be late. The ticks written so far are flushed first.
     *
     * @param nowNanos the wall clock, recorded in each set for close-latency metrics
     */
    public void closeThrough(long positionNanos, long nowNanos) {
        long deadlineMs = Math.floorDiv(positionNanos - latenessNanos, NANOS_PER_MS);
        while (seconds.nextBoundaryMs() <= deadlineMs) {
            flushTicks();
            long boundaryMs = seconds.nextBoundaryMs();
            BarSet second = seconds.close(universe, nowNanos);
            BarSet minute = minutes.nextBoundaryMs() == boundaryMs ? minutes.close(universe, nowNanos) : null;
            boolean secondKept = keep(second);
            boolean minuteKept = minute != null && keep(minute);
            if (delivering) {
                if (secondKept) {
                    deliver(second);
                }
                if (minuteKept) {
                    deliver(minute);
                }
            }
        }
    }

    /** Appends the set to the history if it is the one the history expects next; earlier ones are not retained. */
    private boolean keep(BarSet bars) {
        long expected = history.nextBoundaryMs(bars.mode());
        if (bars.boundaryMs() < expected) {
            return false;
        }
        history.append(bars);
        return true;
    }

    private void deliver(BarSet bars) {
        try {
            listener.onBars(bars);
        } catch (RuntimeException e) {
            listenerFailed("onBars", e);
        }
    }

    /** When the next interval's deadline falls: its end plus the lateness, epoch ns. */
    public long nextDeadlineNanos() {
        return seconds.nextBoundaryMs() * NANOS_PER_MS + latenessNanos;
    }

    /** The records counted so far (published by {@link FeedCounters#publish()}). */
    public FeedCounters counters() {
        return counters;
    }

    /** Makes the counters visible to other threads; once per pump. */
    public void publishCounters() {
        counters.publish();
    }

    /** Listener callbacks that threw. */
    public long listenerFailures() {
        return listenerFailures;
    }

    private void listenerFailed(String callback, RuntimeException e) {
        listenerFailures++;
        failureLog.error("Feed listener {} failed ({} failures so far); the feed goes on", callback, listenerFailures,
                e);
    }
}
