package io.tickstorm.server.fanout;

import io.netty.channel.EventLoop;
import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A conflated REALTIME stream (PROTOCOL.md §5.6): subscribers with the same symbols and {@link #conflateMs} share it.
 * The feed thread accumulates its ticks and, at the end of every interval in which some changed, sends one batch
 * numbered by the stream's own counter. Unlike a {@link RealtimeStream} it never holds the feed back: it emits at
 * most one batch per interval, of at most one tick per symbol.
 */
final class ConflatedStream extends Stream {

    final int conflateMs;
    /** Feed thread only. */
    final ConflationAccumulator accumulator;
    /** Feed thread only: the number of the last batch sent (0 before the first; the first is 1). */
    long sequence;
    /** Feed thread only: when the current interval ends, epoch ns on the feed's clock. */
    long intervalEndNanos;
    /** Subscribers waiting for the feed thread to send their snapshot. */
    final ConcurrentLinkedQueue<Subscriber> joins = new ConcurrentLinkedQueue<>();

    ConflatedStream(StreamKey key, int conflateMs, int universeCapacity, EventLoop[] loops, ModeMetrics metrics) {
        super(key, universeCapacity, loops, metrics);
        this.conflateMs = conflateMs;
        this.accumulator = new ConflationAccumulator(universeCapacity, key.symbols(), key.all());
    }
}
