package io.tickstorm.server.fanout;

/**
 * When a REALTIME stream's pending batch goes out (PROTOCOL.md §5.6: coalesced while the connection is busy, never
 * held back when it is idle). Feed thread only.
 *
 * <ul>
 *   <li>Never while an earlier batch of the stream is still being handed to the event loops: ticks coalesce meanwhile
 *       (natural batching, bounded by the payload limit). The end of that round wakes the feed, so ticks held
 *       meanwhile go out then, even if no further tick comes.
 *   <li>Not sooner than the configured batch window after the stream's previous batch ({@code BATCH_WINDOW_MS},
 *       default 0): at most one batch per window while ticks keep coming, which trades up to one window of delay for
 *       fewer, larger writes per subscriber. A tick on a stream that sent nothing for a window goes at once.
 * </ul>
 */
final class RealtimeBatching {

    private final long windowNanos;

    RealtimeBatching(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /**
     * Nanoseconds from {@code nowNanos} until the stream's pending batch is due: 0 for now, {@link Long#MAX_VALUE}
     * when nothing is pending or a batch is still in flight (the end of its round wakes the feed).
     */
    long dueInNanos(RealtimeStream stream, long nowNanos) {
        if (stream.pending.isEmpty() || stream.inFlight.get() > 0) {
            return Long.MAX_VALUE;
        }
        if (windowNanos == 0 || stream.sequence == 0) {
            return 0;
        }
        return Math.max(0, windowNanos - (nowNanos - stream.lastSealNanos));
    }
}
