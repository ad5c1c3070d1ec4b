package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickBlock;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The feed side of the REALTIME streams (PROTOCOL.md §5.5, §5.6): every tick appended to the pending batch of each
 * stream that wants it, batches sealed when {@link RealtimeBatching} says so and handed to the loops, and joins
 * served between batches with the latest state of their symbols, so that the snapshot is followed by exactly the
 * batches after it. Feed thread only, except {@link #start}, which {@link FanOut}'s registry calls under its lock.
 */
final class RealtimeFanOut {

    /** Full REALTIME batches that may be in flight per stream before the feed thread waits for the loops. */
    static final int MAX_IN_FLIGHT = 16;
    private static final long BACKPRESSURE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final FanOutContext context;
    private final ServerMetrics metrics;
    private final SymbolUniverse universe;
    private final LatestTicks latest;
    private final Runnable wakeFeed;
    private final RealtimeBatching batching;
    /** Streams created since the feed thread last looked: it adopts them into {@link #realtime}. */
    private final ConcurrentLinkedQueue<RealtimeStream> newRealtime = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    // Feed thread only.
    private final List<RealtimeStream> realtime = new ArrayList<>();

    RealtimeFanOut(FanOutContext context, ServerMetrics metrics, SymbolUniverse universe, LatestTicks latest,
            Runnable wakeFeed) {
        this.context = context;
        this.metrics = metrics;
        this.universe = universe;
        this.latest = latest;
        this.wakeFeed = wakeFeed;
        this.batching = new RealtimeBatching(context.batchWindowNanos());
    }

    /** A new stream: the feed thread takes it up before its next block of ticks. Any thread. */
    void start(RealtimeStream stream) {
        newRealtime.add(stream);
    }

    /** The next block of ticks: appended to every stream that wants them, sealed when due, joins served. */
    void onTicks(TickBlock block) {
        adoptNewStreams();
        long nowNanos = System.nanoTime();
        for (int s = realtime.size() - 1; s >= 0; s--) {
            RealtimeStream stream = realtime.get(s);
            if (retireIfDead(stream, s)) {
                continue;
            }
            stream.learnSymbols(universe);
            append(stream, block);
            sendIfDue(stream, nowNanos);
        }
    }

    /** Returns the feed-clock time by which held REALTIME batches are next due, or {@link Long#MAX_VALUE}. */
    long sendHeld(long nowEpochNanos) {
        adoptNewStreams();
        long nowNanos = System.nanoTime();
        long nextDelayNanos = Long.MAX_VALUE;
        for (int s = realtime.size() - 1; s >= 0; s--) {
            RealtimeStream stream = realtime.get(s);
            if (retireIfDead(stream, s)) {
                continue;
            }
            nextDelayNanos = Math.min(nextDelayNanos, sendIfDue(stream, nowNanos));
        }
        return nextDelayNanos == Long.MAX_VALUE ? Long.MAX_VALUE : nowEpochNanos + nextDelayNanos;
    }

    /**
     * Seals the stream's pending batch if it is due, then serves its joins.
     *
     * @return nanoseconds until a held batch is due, or {@link Long#MAX_VALUE} when none is held (none pending, one
     *     in flight, or just sealed: the end of its round wakes the feed)
     */
    private long sendIfDue(RealtimeStream stream, long nowNanos) {
        long due = batching.dueInNanos(stream, nowNanos);
        if (due == 0) {
            seal(stream);
            due = Long.MAX_VALUE;
        }
        serveJoins(stream);
        return due;
    }

    private void adoptNewStreams() {
        for (RealtimeStream created; (created = newRealtime.poll()) != null; ) {
            realtime.add(created);
        }
    }

    private boolean retireIfDead(RealtimeStream stream, int index) {
        if (!stream.dead) {
            return false;
        }
        stream.pending.discard();
        realtime.remove(index);
        return true;
    }

    private void append(RealtimeStream stream, TickBlock block) {
        boolean[] wanted = stream.wanted;
        BatchBuilder pending = stream.pending;
        for (int i = 0, n = block.count(); i < n; i++) {
            int symbol = block.symbolIndex(i);
            if (!wanted[symbol]) {
                continue;
            }
            byte[] name = universe.symbolBytes(symbol);
            long timestampMs = block.timestampMs(i);
            int size = pending.tickSize(name, timestampMs, block.price(i), block.volume(i), block.bid(i),
                    block.ask(i), block.bidSize(i), block.askSize(i));
            if (!pending.fits(size)) {
                awaitCapacity(stream);
                seal(stream);
            }
            pending.add(size, name, timestampMs, block.price(i), block.volume(i), block.bid(i), block.ask(i),
                    block.bidSize(i), block.askSize(i), block.timestampNanos(i));
        }
    }

    /** Backpressure: with too many full batches in flight the feed waits for the loops (it falls behind, honestly). */
    private void awaitCapacity(RealtimeStream stream) {
        while (stream.inFlight.get() >= MAX_IN_FLIGHT && !stream.dead && !closed) {
            LockSupport.parkNanos(BACKPRESSURE_PARK_NANOS);
        }
    }

    private void seal(RealtimeStream stream) {
        int tickCount = stream.pending.tickCount();
        long originNanos = stream.pending.oldestTickNanos();
        long sequence = ++stream.sequence;
        stream.lastSealNanos = System.nanoTime();
        ByteBuf batch = stream.pending.finish(System.currentTimeMillis(), sequence, false);
        int loopsWithSubscribers = Dispatch.loopsWithSubscribers(stream);
        if (loopsWithSubscribers == 0) {
            batch.release();
            return;
        }
        stream.inFlight.incrementAndGet();
        Dispatch.toLoops(context, stream, batch, sequence, tickCount, originNanos, loopsWithSubscribers,
                stream.inFlight, wakeFeed);
    }

    /** Snapshots for the stream's waiting joins, after sealing what is pending (it precedes their snapshot). */
    private void serveJoins(RealtimeStream stream) {
        if (stream.joins.isEmpty()) {
            return;
        }
        if (!stream.pending.isEmpty()) {
            seal(stream);
        }
        BatchBuilder builder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(),
                SubscriptionMode.REALTIME_VALUE);
        for (Subscriber subscriber; (subscriber = stream.joins.poll()) != null; ) {
            if (subscriber.left) {
                continue;
            }
            subscriber.group.registered.incrementAndGet();
            // The latest ticks are exactly those delivered so far: this runs in onTicks, after the block's ticks.
            for (int symbol : stream.symbols(universe)) {
                if (latest.seen(symbol)) {
                    addLatestTick(builder, symbol);
                }
            }
            ByteBuf snapshot = builder.finish(System.currentTimeMillis(), stream.sequence, true);
            long sequence = stream.sequence;
            Subscriber joining = subscriber;
            subscriber.group.loop.execute(() -> Dispatch.snapshotThenJoin(joining, snapshot, sequence, metrics));
        }
    }

    private void addLatestTick(BatchBuilder builder, int symbol) {
        byte[] name = universe.symbolBytes(symbol);
        long timestampMs = latest.timestampMs(symbol);
        int size = builder.tickSize(name, timestampMs, latest.price(symbol), latest.volume(symbol),
                latest.bid(symbol), latest.ask(symbol), latest.bidSize(symbol), latest.askSize(symbol));
        builder.add(size, name, timestampMs, latest.price(symbol), latest.volume(symbol), latest.bid(symbol),
                latest.ask(symbol), latest.bidSize(symbol), latest.askSize(symbol), latest.timestampNanos(symbol));
    }

    /** Stops backpressure waits and drops unsent data. Call after the feed thread has stopped. */
    void close() {
        closed = true;
        for (RealtimeStream stream : realtime) {
            stream.pending.discard();
        }
        for (RealtimeStream stream; (stream = newRealtime.poll()) != null; ) {
            stream.pending.discard();
        }
        realtime.clear();
    }
}
