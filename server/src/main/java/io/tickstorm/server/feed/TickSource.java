package io.tickstorm.server.feed;

/**
 * Where ticks come from (DESIGN.md §3): the synthetic market, a file of recorded ticks, a Kafka topic. A source only
 * writes ticks into a {@link TickSink}; it never touches bars, history or the fan-out. The {@link TickFeed} thread
 * drives it: {@link #open} once, then {@link #poll} repeatedly, and closes bars as the source's
 * {@link #positionNanos() position} passes their deadline.
 *
 * <h2>Event time</h2>
 * The position is the source's promise about the future: every tick it has yet to write is either stamped at or
 * after {@code positionNanos() - latenessNanos()}, or is late (written with {@link TickSink#NO_BARS}). A source that
 * has caught up with the present (the synthetic market, a paced file, an idle pipe) moves its position with the
 * wall clock, so bars close on the wall clock; a source that replays or catches up moves it with the data, so bars
 * close in event time, in order, never skipped (PROTOCOL.md §6).
 *
 * <p>All methods but {@link #close()} run on the feed thread.
 */
public interface TickSource extends AutoCloseable {

    /** Short name for logs and the startup line, e.g. "synthetic" or "file ticks.ndjson". */
    String description();

    /**
     * Whether the source can write the ticks of past time, so the feed rebuilds {@code TICK_BACKFILL} of bar history
     * at startup (the synthetic market computes them; a replayed file cannot).
     */
    boolean canBackfill();

    /**
     * Prepares the source and returns the event time (epoch ns) the market starts at: no tick before it is expected.
     *
     * @param nowNanos the wall clock
     * @param historyStartNanos the start of the earliest bar interval the history wants rebuilt ({@code nowNanos}
     *     when the source cannot backfill)
     */
    long open(long nowNanos, long historyStartNanos);

    /**
     * Writes ticks that are due at {@code nowNanos}, a bounded amount per call so that the feed thread closes bars
     * in between, and returns whether more are due right away.
     */
    boolean poll(long nowNanos, TickSink sink);

    /** The event-time position after the last {@link #poll} (see the class comment). */
    long positionNanos();

    /** How long after an interval's end a tick of it may still be written and count in its bar. */
    long latenessNanos();

    /**
     * When the feed thread must call {@link #poll} again, epoch ns, if nothing else wakes it earlier; a source whose
     * data arrives from another thread wakes the feed itself. {@code ticksWanted} is false while nobody streams
     * REALTIME: a source whose ticks are a function of time may then wait for the next bar boundary and write
     * them in bulk.
     */
    long nextPollNanos(long nowNanos, boolean ticksWanted);

    /** Stops any thread of the source. Idempotent; any thread. */
    @Override
    void close();
}
