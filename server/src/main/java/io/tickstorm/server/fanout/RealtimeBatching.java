package io.tickstorm.server.fanout;

import java.util.concurrent.TimeUnit;

/**
 * When a REALTIME stream's pending batch goes out (PROTOCOL.md §5.6: coalesced while the connection is busy, never
 * held back when it is idle). Feed thread only.
 *
 * <ul>
 *   <li>Never while an earlier batch of the stream is still being handed to the event loops: ticks coalesce meanwhile
 *       (natural batching, bounded by the payload limit).
 *   <li>Not before the configured batch window since the first pending tick ({@code BATCH_WINDOW_MS}, default 0).
 *   <li>While the stream is <em>congested</em> (more than a tenth of its subscribers still had unsent bytes after
 *       the last batch, that is their sockets were full), not before {@link #CONGESTED_HOLD_NANOS}: every write
 *       costs the server and the client about the same whatever its size, so under overload batches grow, the cost
 *       per tick falls and the healthy subscribers catch up, instead of a flood of small batches piling up in
 *       every queue until all connections hit their budget at once. A slow minority does not hold the others back:
 *       it falls behind alone and is cut as a slow consumer when its budget runs out.
 * </ul>
 */
final class RealtimeBatching {

    /** How long a congested stream's ticks may be held to grow its batches: the latency overload adds at most. */
    static final long CONGESTED_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A stream is congested when more than 1/{@value} of its subscribers are backlogged. */
    static final int CONGESTED_SHARE_DIVISOR = 10;

    private final long windowNanos;
    private final long congestedHoldNanos;

    RealtimeBatching(long windowNanos) {
        this.windowNanos = windowNanos;
        this.congestedHoldNanos = Math.max(windowNanos, CONGESTED_HOLD_NANOS);
    }

    /**
     * Nanoseconds from {@code nowNanos} until the stream's pending batch is due: 0 for now, {@link Long#MAX_VALUE}
     * when nothing is pending or a batch is still in flight (the end of its round wakes the feed).
     */
    long dueInNanos(RealtimeStream stream, long nowNanos) {
        if (stream.pending.isEmpty() || stream.inFlight.get() > 0) {
            return Long.MAX_VALUE;
        }
        long hold = congested(stream) ? congestedHoldNanos : windowNanos;
        return Math.max(0, stream.firstPendingNanos + hold - nowNanos);
    }

    static boolean congested(Stream stream) {
        int backlogged = 0;
        int registered = 0;
        for (LoopGroup group : stream.groups) {
            backlogged += group.backlogged;
            registered += group.registered.get();
        }
        return backlogged > 0 && (long) backlogged * CONGESTED_SHARE_DIVISOR > registered;
    }
}
