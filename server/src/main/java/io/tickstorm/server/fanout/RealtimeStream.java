package io.tickstorm.server.fanout;

import io.netty.channel.EventLoop;
import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A REALTIME stream: ticks are coalesced into {@link #pending} on the feed thread while earlier batches are still
 * being delivered, and sealed as soon as no round is in flight (natural batching) or the batch is full.
 */
final class RealtimeStream extends Stream {

    /** Feed thread only: the batch being filled. */
    final BatchBuilder pending;
    /** Feed thread only: the number of the last sealed batch (0 before the first; the first is 1). */
    long sequence;
    /** Feed thread only: when the last batch was sealed ({@link System#nanoTime()}; for a non-zero batch window). */
    long lastSealNanos;
    /** Batches sealed but not yet written by every loop. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Subscribers waiting for the feed thread to send their snapshot. */
    final ConcurrentLinkedQueue<Subscriber> joins = new ConcurrentLinkedQueue<>();

    RealtimeStream(StreamKey key, int universeSize, EventLoop[] loops, ModeMetrics metrics, BatchBuilder pending) {
        super(key, universeSize, loops, metrics);
        this.pending = pending;
    }
}
