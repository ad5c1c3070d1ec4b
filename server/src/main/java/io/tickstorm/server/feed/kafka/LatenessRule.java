package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.feed.TickSink;

/**
 * PROTOCOL.md §6 for Kafka, as functions of a record alone, so every replica judges a record the same way whenever
 * it reads it: a tick belongs to the intervals containing its own timestamp_ms, and counts in each of them (SECOND
 * and MINUTE judged apart) only if its record's timestamp (when the log received it) is no later than that
 * interval's end plus the lateness.
 *
 * <p>Two limits keep absurd timestamps out:
 * <ul>
 *   <li>a tick stamped more than {@value #MAX_TICK_AHEAD_MS} ms after its record counts in no bar (late): the
 *       market keeps open only the intervals up to about two seconds past the log's time, and a tick can wait for
 *       its interval only that long;
 *   <li>a tick stamped more than {@value #FUTURE_MS} ms after its record, or a record stamped more than that ahead
 *       of the server's clock, is malformed ({@code future_timestamp}). The second check reads the clock, so it is
 *       the one rule that replicas may apply differently; it only fires for a producer or broker whose clock is
 *       off by more than a minute.
 * </ul>
 */
final class LatenessRule {

    /** How far after its record a tick may be stamped and still count in a bar. */
    static final long MAX_TICK_AHEAD_MS = 1_000;
    /** How far ahead a timestamp may be before the record is malformed. */
    static final long FUTURE_MS = 60_000;

    private static final long NANOS_PER_MS = 1_000_000L;

    private LatenessRule() {
    }

    /**
     * The bars ({@link TickSink#SECOND_BAR}, {@link TickSink#MINUTE_BAR}) a tick stamped {@code tickMs} in a record
     * stamped {@code recordMs} counts in.
     */
    static int bars(long recordMs, long tickMs, long latenessNanos) {
        if (tickMs - recordMs > MAX_TICK_AHEAD_MS) {
            return TickSink.NO_BARS;
        }
        int bars = TickSink.NO_BARS;
        if (onTime(BarMode.SECOND, recordMs, tickMs, latenessNanos)) {
            bars |= TickSink.SECOND_BAR;
        }
        if (onTime(BarMode.MINUTE, recordMs, tickMs, latenessNanos)) {
            bars |= TickSink.MINUTE_BAR;
        }
        return bars;
    }

    private static boolean onTime(BarMode mode, long recordMs, long tickMs, long latenessNanos) {
        long endMs = mode.floorMs(tickMs) + mode.intervalMs();
        // Whole milliseconds against a nanosecond deadline: compare in nanoseconds, exactly.
        return (recordMs - endMs) * NANOS_PER_MS <= latenessNanos;
    }

    /** Whether the record is malformed for a timestamp too far ahead (see the class comment). */
    static boolean future(long recordMs, long tickMs, long nowMs) {
        return tickMs - recordMs > FUTURE_MS || recordMs - nowMs > FUTURE_MS;
    }
}
