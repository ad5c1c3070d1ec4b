package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.tickstorm.server.feed.BarSet;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Replayed history batches of one stream on one event loop, encoded once and shared by every replay running there
 * (PROTOCOL.md §5.5: a history batch of a stream is the same bytes for every subscriber, as a live one is). Each
 * replay gets a {@code retainedDuplicate()}; the cache keeps its own reference.
 *
 * <p>What it costs: a cached batch that some connection still holds (its outbound buffer has a duplicate,
 * {@code refCnt() > 1}) costs nothing extra, and keeping it is what lets 150 stalled replays of one stream share
 * their first megabyte instead of holding 150 copies. Batches nobody holds are kept up to {@link #MAX_IDLE_BYTES},
 * oldest dropped first, for replays a little behind; everything goes when the last replay of the group ends. Only
 * {@link ReplayStreamer} uses it, on the group's loop, so no locks.
 */
final class ReplayCache {

    /** Bytes of batches that no connection holds, kept for replays that follow a little behind (~40 batches). */
    static final int MAX_IDLE_BYTES = 256 * 1024;
    private static final long NANOS_PER_MS = 1_000_000L;

    private final BatchBuilder builder;
    /** By batch sequence, in the order encoded: roughly oldest bar first. */
    private final LinkedHashMap<Long, ByteBuf> batches = new LinkedHashMap<>();
    private long cachedBytes;
    private int replays;

    ReplayCache(BatchBuilder builder) {
        this.builder = builder;
    }

    void replayStarted() {
        replays++;
    }

    /** The last replay of the group ended: drop every batch (connections still writing keep their duplicates). */
    void replayEnded() {
        if (--replays == 0) {
            for (ByteBuf batch : batches.values()) {
                batch.release();
            }
            batches.clear();
            cachedBytes = 0;
        }
    }

    /**
     * The snapshot batch of {@code bars} for a stream of {@code symbols}, encoded at the first request; the caller
     * owns the returned duplicate.
     */
    ByteBuf batch(BarSet bars, int[] symbols, long nowMs) {
        Long sequence = bars.sequence();
        ByteBuf cached = batches.get(sequence);
        if (cached != null) {
            return cached.retainedDuplicate();
        }
        cached = encode(bars, symbols, nowMs);
        ByteBuf duplicate = cached.retainedDuplicate();
        batches.put(sequence, cached);
        cachedBytes += cached.capacity();
        if (cachedBytes > MAX_IDLE_BYTES) {
            dropIdle();
        }
        return duplicate;
    }

    /** Drops the oldest batches that no connection holds until those left fit in {@link #MAX_IDLE_BYTES}. */
    private void dropIdle() {
        long idleBytes = 0;
        for (ByteBuf batch : batches.values()) {
            if (batch.refCnt() == 1) {
                idleBytes += batch.capacity();
            }
        }
        for (Iterator<ByteBuf> it = batches.values().iterator(); it.hasNext() && idleBytes > MAX_IDLE_BYTES; ) {
            ByteBuf batch = it.next();
            if (batch.refCnt() == 1) {
                idleBytes -= batch.capacity();
                cachedBytes -= batch.capacity();
                it.remove();
                batch.release();
            }
        }
    }

    private ByteBuf encode(BarSet bars, int[] symbols, long nowMs) {
        SymbolUniverse universe = bars.universe();
        long timestampMs = bars.boundaryMs();
        long createdNanos = timestampMs * NANOS_PER_MS;
        for (int symbol : symbols) {
            byte[] name = universe.symbolBytes(symbol);
            int size = builder.tickSize(name, timestampMs, bars.price(symbol), bars.volume(symbol), bars.bid(symbol),
                    bars.ask(symbol), bars.bidSize(symbol), bars.askSize(symbol));
            builder.add(size, name, timestampMs, bars.price(symbol), bars.volume(symbol), bars.bid(symbol),
                    bars.ask(symbol), bars.bidSize(symbol), bars.askSize(symbol), createdNanos);
        }
        return builder.finish(nowMs, bars.sequence(), true);
    }
}
