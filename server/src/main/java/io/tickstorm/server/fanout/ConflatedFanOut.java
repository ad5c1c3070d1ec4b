package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickBlock;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;
import io.tickstorm.server.connection.ConnectionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conflated REALTIME part of the fan-out (PROTOCOL.md §5.6): streams keyed by (symbols, conflate_ms), fed by
 * {@link FanOut}'s feed callbacks.
 *
 * <h2>Threads</h2>
 * {@link #join} and {@link #release} run on the subscriber's event loop and take the registry lock (at subscribe and
 * close only). {@link #onTicks} and {@link #onPump} run on the feed thread, which alone touches a stream's
 * accumulator, sequence and interval: the interval timer is the feed's own ({@code FeedListener#onPump}), so no other
 * thread does.
 *
 * <h2>Intervals</h2>
 * Intervals are aligned on the feed clock's multiples of conflate_ms. The first pump at or after an interval's end
 * sends one batch holding the symbols that changed in it (none changed: nothing is sent), so there is at most one
 * batch per interval whatever the tick rate, each of at most one tick per symbol. That bounds what a stream can
 * queue on a connection that reads one batch per interval, and the feed thread never waits for a conflated stream.
 *
 * <h2>No gap, no duplicate</h2>
 * Joins are served by the feed thread right after the stream's due batch: the snapshot is the state as of the
 * stream's last batch and carries its number, and it is queued on the subscriber's loop ahead of the next batch. A
 * new stream starts from the latest tick of each symbol, taken after every tick written so far was accumulated
 * nowhere: snapshot plus live batches count every tick once.
 */
final class ConflatedFanOut {

    private record Key(StreamKey stream, int conflateMs) {
    }

    private final FanOutContext context;
    private final ServerMetrics metrics;
    private final ModeMetrics modeMetrics;
    private final EventLoop[] loops;
    private final Map<EventExecutor, Integer> loopIndex;
    private final SymbolUniverse universe;
    private final LatestTicks latest;
    private final Runnable wakeFeed;

    private final Object registryLock = new Object();
    private final Map<Key, ConflatedStream> streams = new HashMap<>();
    private final ConcurrentLinkedQueue<ConflatedStream> created = new ConcurrentLinkedQueue<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile int streamCount;

    // Feed thread only.
    private final List<ConflatedStream> live = new ArrayList<>();
    private final BatchBuilder builder;

    ConflatedFanOut(FanOutContext context, ServerMetrics metrics, EventLoop[] loops,
            Map<EventExecutor, Integer> loopIndex, SymbolUniverse universe, LatestTicks latest, Runnable wakeFeed) {
        this.context = context;
        this.metrics = metrics;
        this.modeMetrics = metrics.mode(ServerMetrics.MODE_REALTIME_CONFLATED);
        this.loops = loops;
        this.loopIndex = loopIndex;
        this.universe = universe;
        this.latest = latest;
        this.wakeFeed = wakeFeed;
        this.builder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(),
                SubscriptionMode.REALTIME_VALUE);
    }

    /** Conflated streams alive. */
    int streamCount() {
        return streamCount;
    }

    /** Conflated subscriptions. */
    int subscriptions() {
        return subscriptions.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Subscribe and leave: on the subscriber's event loop.

    /** Adds the channel to its stream; the feed thread sends its snapshot. Must run on the channel's event loop. */
    Subscriber join(Channel channel, SubscriptionSpec spec) {
        Integer index = loopIndex.get(channel.eventLoop());
        if (index == null) {
            throw new IllegalStateException("channel " + channel + " is not served by the fan-out's event loops");
        }
        ConflatedStream stream = acquire(new Key(new StreamKey(SubscriptionMode.REALTIME, spec.symbols(),
                spec.allSymbols(), spec.entitlement()), spec.conflateMs()));
        Subscriber subscriber = new Subscriber(channel, ConnectionState.of(channel), stream, stream.groups[index]);
        stream.joins.add(subscriber);
        // The feed may be asleep until its next deadline: the snapshot should not wait for it.
        wakeFeed.run();
        return subscriber;
    }

    private ConflatedStream acquire(Key key) {
        synchronized (registryLock) {
            ConflatedStream stream = streams.get(key);
            if (stream == null) {
                stream = new ConflatedStream(key.stream(), key.conflateMs(), universe.capacity(), loops, modeMetrics);
                streams.put(key, stream);
                streamCount = streams.size();
                created.add(stream);
            }
            stream.subscribers++;
            subscriptions.incrementAndGet();
            return stream;
        }
    }

    /** The subscriber has left its group ({@link FanOut#leave}); ends the stream with its last subscriber. */
    void release(ConflatedStream stream) {
        synchronized (registryLock) {
            subscriptions.decrementAndGet();
            if (--stream.subscribers == 0) {
                stream.dead = true;
                streams.remove(new Key(stream.key, stream.conflateMs));
                streamCount = streams.size();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Feed thread.

    /** Accumulates the block's ticks into every started stream that carries their symbols. */
    void onTicks(TickBlock block) {
        for (int s = 0, streamsNow = live.size(); s < streamsNow; s++) {
            ConflatedStream stream = live.get(s);
            if (stream.dead) {
                continue;
            }
            stream.learnSymbols(universe);
            boolean[] wanted = stream.wanted;
            ConflationAccumulator accumulator = stream.accumulator;
            for (int i = 0, n = block.count(); i < n; i++) {
                int symbol = block.symbolIndex(i);
                if (wanted[symbol]) {
                    accumulator.add(symbol, block.timestampNanos(i), block.price(i), block.volume(i), block.bid(i),
                            block.ask(i), block.bidSize(i), block.askSize(i));
                }
            }
        }
    }

    /**
     * The feed's timer turn, after every tick written so far went through {@link #onTicks}: starts new streams,
     * sends the batch of every stream whose interval has ended, then serves joins.
     *
     * @return when the next interval ends (epoch ns), or {@code Long.MAX_VALUE} without streams: the feed wakes then
     *     and polls its source even while no REALTIME stream wants every tick, so each batch holds what is due
     */
    long onPump(long nowNanos) {
        for (ConflatedStream stream; (stream = created.poll()) != null; ) {
            // Every tick so far is in the latest ticks and in no accumulator: the stream starts from exactly there.
            stream.accumulator.seed(latest, stream.symbols(universe));
            stream.intervalEndNanos = intervalEnd(nowNanos, stream.conflateMs);
            live.add(stream);
        }
        long wakeNanos = Long.MAX_VALUE;
        for (int s = live.size() - 1; s >= 0; s--) {
            ConflatedStream stream = live.get(s);
            if (stream.dead) {
                live.remove(s);
                continue;
            }
            if (stream.intervalEndNanos - nowNanos <= 0) {
                if (!stream.accumulator.isEmpty()) {
                    emit(stream);
                }
                stream.intervalEndNanos = intervalEnd(nowNanos, stream.conflateMs);
            }
            if (!stream.joins.isEmpty()) {
                serveJoins(stream);
            }
            if (stream.intervalEndNanos < wakeNanos) {
                wakeNanos = stream.intervalEndNanos;
            }
        }
        return wakeNanos;
    }

    /** The end of the interval holding {@code nowNanos}: the next multiple of the interval after it. */
    static long intervalEnd(long nowNanos, int conflateMs) {
        long intervalNanos = conflateMs * 1_000_000L;
        return (Math.floorDiv(nowNanos, intervalNanos) + 1) * intervalNanos;
    }

    private void emit(ConflatedStream stream) {
        int tickCount = stream.accumulator.drainTo(builder, stream.symbols(universe), universe);
        long originNanos = builder.oldestTickNanos();
        long sequence = ++stream.sequence;
        ByteBuf batch = builder.finish(System.currentTimeMillis(), sequence, false);
        int loopCount = Dispatch.loopsWithSubscribers(stream);
        if (loopCount == 0) {
            batch.release();
            return;
        }
        // No in-flight count: a conflated stream never holds the feed back (see the class comment).
        Dispatch.toLoops(context, stream, batch, sequence, tickCount, originNanos, loopCount, null, null);
    }

    /** One snapshot per stream and pump, whatever the number of joiners: each gets a duplicate of the same bytes. */
    private void serveJoins(ConflatedStream stream) {
        ByteBuf snapshot = null;
        for (Subscriber subscriber; (subscriber = stream.joins.poll()) != null; ) {
            if (subscriber.left) {
                continue;
            }
            if (snapshot == null) {
                stream.accumulator.snapshotTo(builder, stream.symbols(universe), universe);
                snapshot = builder.finish(System.currentTimeMillis(), stream.sequence, true);
            }
            subscriber.group.registered.incrementAndGet();
            ByteBuf own = snapshot.retainedDuplicate();
            long sequence = stream.sequence;
            Subscriber joining = subscriber;
            subscriber.group.loop.execute(() -> Dispatch.snapshotThenJoin(joining, own, sequence, metrics));
        }
        if (snapshot != null) {
            snapshot.release();
        }
    }

}
