package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.feed.BarSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replayed history batches on one event loop, encoded once and shared by every replay of the same stream running
 * there: a history batch of a stream is the same bytes for every subscriber (PROTOCOL.md §5.5), as a live one is.
 * Each replay gets a {@code retainedDuplicate()}; the cache keeps its own reference.
 *
 * <p>What it holds: at most {@link #MAX_BYTES} of its own references, least recently used dropped first (a dropped
 * batch still in some connection's outbound buffer lives on there), and nothing once the last replay on the loop
 * ends. That is a full SECOND replay of the default universe, so a reconnect storm of clients replaying the same
 * stream encodes the history once per loop, and 150 stalled replays share one copy of what they hold; replays of
 * many different streams cost at most this much per loop, however many connections ask. Used only by
 * {@link ReplayStreamer}, on the cache's loop, so no locks.
 */
final class ReplayCache {

    /** Encoded history kept per event loop while replays run there. */
    static final long MAX_BYTES = 8L << 20;

    private final BatchBuilder secondBuilder;
    private final BatchBuilder minuteBuilder;
    /** Least recently used first. */
    private final LinkedHashMap<Key, ByteBuf> batches = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;
    private int replays;

    ReplayCache(ByteBufAllocator allocator, int maxPayloadBytes) {
        this.secondBuilder = new BatchBuilder(allocator, maxPayloadBytes, SubscriptionMode.SECOND_VALUE);
        this.minuteBuilder = new BatchBuilder(allocator, maxPayloadBytes, SubscriptionMode.MINUTE_VALUE);
    }

    void replayStarted() {
        replays++;
    }

    /** The last replay on the loop ended: drop everything (connections still writing keep their duplicates). */
    void replayEnded() {
        if (--replays == 0) {
            for (ByteBuf batch : batches.values()) {
                batch.release();
            }
            batches.clear();
            cachedBytes = 0;
        }
    }

    /** The snapshot batch of {@code bars} for {@code stream}, encoded at the first request; the caller owns it. */
    ByteBuf batch(StreamKey stream, BarSet bars, long nowMs) {
        Key key = new Key(stream, bars.sequence());
        ByteBuf cached = batches.get(key);
        if (cached != null) {
            return cached.retainedDuplicate();
        }
        cached = encode(stream, bars, nowMs);
        ByteBuf duplicate = cached.retainedDuplicate();
        batches.put(key, cached);
        cachedBytes += cached.capacity();
        for (Iterator<Map.Entry<Key, ByteBuf>> eldest = batches.entrySet().iterator();
                cachedBytes > MAX_BYTES && eldest.hasNext(); ) {
            ByteBuf dropped = eldest.next().getValue();
            eldest.remove();
            cachedBytes -= dropped.capacity();
            dropped.release();
        }
        return duplicate;
    }

    private ByteBuf encode(StreamKey stream, BarSet bars, long nowMs) {
        BatchBuilder builder = stream.mode() == SubscriptionMode.MINUTE ? minuteBuilder : secondBuilder;
        BarSetEncoder.add(builder, bars, stream);
        return builder.finish(nowMs, bars.sequence(), true);
    }

    /** One stream's batch of one interval (sequences are per mode, and the stream key holds the mode). */
    private record Key(StreamKey stream, long sequence) {
    }
}
