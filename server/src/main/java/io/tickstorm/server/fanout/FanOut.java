package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.feed.BarHistory;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.feed.BarSet;
import io.tickstorm.server.feed.FeedListener;
import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.MarketView;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickBlock;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;
import io.tickstorm.server.connection.ConnectionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns the feed into DATA_BATCH frames for every subscriber (DESIGN.md §3, PROTOCOL.md §5.2, §5.3, §5.5, §5.6).
 *
 * <h2>Threads</h2>
 * The {@link FeedListener} callbacks run on the feed thread: they encode each stream batch once and hand one
 * {@link Delivery} per event loop that has subscribers of the stream. {@link #join} and {@link #leave} run on the
 * subscriber's event loop. The stream registry (creating and ending streams, at subscribe and close) is the only
 * place that takes a lock; nothing per tick or per batch does.
 *
 * <h2>No gap, no duplicate</h2>
 * <ul>
 *   <li>SECOND/MINUTE: the feed appends a bar set to the history before calling {@link #onBars}, and reads each loop
 *       group's registration count after that; a joining subscriber registers first and reads the history after.
 *       Whichever happens first, the subscriber gets every later batch, and batches it already has from its
 *       snapshot or replay are skipped by sequence number. A replay is streamed as the connection drains
 *       ({@link ReplayStreamer}), which keeps that order and joins the group once it has caught up.
 *   <li>REALTIME: joins are served by the feed thread itself, between batches: it seals what is pending, takes the
 *       latest state of the subscribed symbols, and queues the snapshot on the subscriber's loop ahead of every later
 *       batch.
 * </ul>
 */
public final class FanOut implements FeedListener, AutoCloseable {

    /** Full REALTIME batches that may be in flight per stream before the feed thread waits for the loops. */
    static final int MAX_IN_FLIGHT = 16;
    private static final long BACKPRESSURE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long NANOS_PER_MS = 1_000_000L;

    private final FanOutContext context;
    private final ServerMetrics metrics;
    private final EventLoop[] loops;
    /** One per event loop, same index as {@link #loops}: history batches shared by the replays on that loop. */
    private final ReplayCache[] replayCaches;
    private final Map<EventExecutor, Integer> loopIndex = new IdentityHashMap<>();
    private final Map<SubscriptionMode, ModeMetrics> modeMetrics = new HashMap<>();
    private final Map<SubscriptionMode, AtomicInteger> subscriptions = new HashMap<>();

    private final Object registryLock = new Object();
    private final Map<StreamKey, Stream> streams = new HashMap<>();
    private volatile Stream[] secondStreams = new Stream[0];
    private volatile Stream[] minuteStreams = new Stream[0];
    private final ConcurrentLinkedQueue<RealtimeStream> newRealtime = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    /** REALTIME streams alive; while there are none the feed need not wake for every tick. */
    private volatile int realtimeStreams;

    private final SymbolUniverse universe;
    private final BarHistory history;
    private final Runnable wakeFeed;
    private final SubscriptionValidator validator;
    /** Conflated REALTIME streams (PROTOCOL.md §5.6): their own registry, fed by the callbacks below. */
    private final ConflatedFanOut conflated;

    // Feed thread only.
    private final List<RealtimeStream> realtime = new ArrayList<>();
    private final BatchBuilder secondBuilder;
    private final BatchBuilder minuteBuilder;
    private final LatestTicks latest;
    private final RealtimeBatching batching;

    /** A fan-out over the event loops of {@code workers}, reading the market through {@code market}. */
    public FanOut(FanOutContext context, EventLoopGroup workers, ServerMetrics metrics, MarketView market) {
        this.context = context;
        this.metrics = metrics;
        this.universe = market.universe();
        this.history = market.history();
        this.latest = market.latest();
        this.wakeFeed = market.wake();
        this.validator = new SubscriptionValidator(universe, history);
        List<EventLoop> list = new ArrayList<>();
        for (EventExecutor executor : workers) {
            loopIndex.put(executor, list.size());
            list.add((EventLoop) executor);
        }
        this.loops = list.toArray(EventLoop[]::new);
        this.replayCaches = new ReplayCache[loops.length];
        for (int i = 0; i < loops.length; i++) {
            replayCaches[i] = new ReplayCache(context.allocator(), context.maxPayloadBytes());
        }
        for (SubscriptionMode mode : List.of(SubscriptionMode.SECOND, SubscriptionMode.MINUTE,
                SubscriptionMode.REALTIME)) {
            modeMetrics.put(mode, metrics.mode(mode.name().toLowerCase(java.util.Locale.ROOT)));
            subscriptions.put(mode, new AtomicInteger());
        }
        secondBuilder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(), SubscriptionMode.SECOND_VALUE);
        minuteBuilder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(), SubscriptionMode.MINUTE_VALUE);
        batching = new RealtimeBatching(context.batchWindowNanos());
        conflated = new ConflatedFanOut(context, metrics, loops, loopIndex, universe, latest, wakeFeed);
    }

    /** The most symbols one SECOND/MINUTE batch is guaranteed to hold at {@code maxPayloadBytes}. */
    public static int maxUniverse(int maxPayloadBytes) {
        return BatchBuilder.guaranteedCapacity(maxPayloadBytes);
    }

    /**
     * SECOND/MINUTE batches and snapshots carry one tick per subscribed symbol, and a subscription may name every
     * symbol: the whole universe (up to its capacity) must fit in one payload.
     *
     * @throws IllegalArgumentException naming the settings when it does not
     */
    public static void requireUniverseFits(int symbols, int maxPayloadBytes) {
        int capacity = BatchBuilder.guaranteedCapacity(maxPayloadBytes);
        if (symbols > capacity) {
            throw new IllegalArgumentException("tick-storm.feed.symbols (TICK_SYMBOLS) / max-symbols "
                    + "(FEED_MAX_SYMBOLS): " + symbols + " symbols do not fit in one batch of "
                    + "tick-storm.max-payload-bytes = " + maxPayloadBytes + " (at most " + capacity
                    + "); raise the payload limit or carry fewer symbols");
        }
    }

    public SubscriptionValidator validator() {
        return validator;
    }

    static BarMode barMode(SubscriptionMode mode) {
        return mode == SubscriptionMode.MINUTE ? BarMode.MINUTE : BarMode.SECOND;
    }

    /** Streams currently alive (for {@code tick_storm_streams}). */
    public int streamCount() {
        synchronized (registryLock) {
            return streams.size() + conflated.streamCount();
        }
    }

    /** Conflated REALTIME subscriptions (for {@code tick_storm_subscriptions{mode="realtime_conflated"}}). */
    public int conflatedSubscriptions() {
        return conflated.subscriptions();
    }

    /** Subscribed connections of {@code mode} (for {@code tick_storm_subscriptions}). */
    public int subscriptions(SubscriptionMode mode) {
        return subscriptions.get(mode).get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Subscribe and leave: on the subscriber's event loop.

    /**
     * Adds the channel to its stream and sends its snapshot (or replay) ahead of live batches. The caller has
     * already sent the SUBSCRIBE ACK. Must run on {@code channel}'s event loop.
     */
    public Subscriber join(Channel channel, SubscriptionSpec spec) {
        if (spec.conflated()) {
            return conflated.join(channel, spec);
        }
        Stream stream = acquire(new StreamKey(spec.mode(), spec.symbols(), spec.allSymbols(), spec.entitlement()));
        Integer index = loopIndex.get(channel.eventLoop());
        if (index == null) {
            throw new IllegalStateException("channel " + channel + " is not served by the fan-out's event loops");
        }
        LoopGroup group = stream.groups[index];
        Subscriber subscriber = new Subscriber(channel, ConnectionState.of(channel), stream, group);
        if (stream instanceof RealtimeStream live) {
            live.joins.add(subscriber);
            // Served by the feed thread between batches, also when no tick comes.
            wakeFeed.run();
        } else {
            group.registered.incrementAndGet();
            if (spec.replay()) {
                // Streamed as the connection drains; the streamer adds the subscriber to its group once caught up.
                new ReplayStreamer(subscriber, history, barMode(spec.mode()), spec.startTimeMs(), replayCaches[index],
                        context.responder(), metrics).start();
            } else {
                sendBarSnapshot(subscriber, spec);
                group.add(subscriber);
            }
        }
        return subscriber;
    }

    private void sendBarSnapshot(Subscriber subscriber, SubscriptionSpec spec) {
        BarMode mode = barMode(spec.mode());
        BatchBuilder builder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(),
                spec.mode().getNumber());
        long nowMs = System.currentTimeMillis();
        Channel channel = subscriber.channel;
        BarSet latest = history.latest(mode);
        long latestSequence = latest != null ? latest.sequence() : mode.sequenceOf(history.nextBoundaryMs(mode)) - 1;
        ByteBuf batch = latest != null
                ? encodeBars(builder, latest, subscriber.stream, nowMs, true)
                : builder.finish(nowMs, latestSequence, true);
        channel.writeAndFlush(batch, channel.voidPromise());
        metrics.framesSent(FrameType.DATA_BATCH, 1);
        subscriber.lastSequence = latestSequence;
    }

    /** Removes the subscriber (connection closed). Must run on its channel's event loop; idempotent. */
    public void leave(Subscriber subscriber) {
        if (subscriber.left) {
            return;
        }
        subscriber.left = true;
        if (subscriber.slot >= 0) {
            subscriber.group.remove(subscriber);
            subscriber.group.registered.decrementAndGet();
        }
        release(subscriber.stream);
    }

    private Stream acquire(StreamKey key) {
        synchronized (registryLock) {
            Stream stream = streams.get(key);
            if (stream == null) {
                ModeMetrics mm = modeMetrics.get(key.mode());
                if (key.mode() == SubscriptionMode.REALTIME) {
                    RealtimeStream live = new RealtimeStream(key, universe.capacity(), loops, mm, new BatchBuilder(
                            context.allocator(), context.maxPayloadBytes(), SubscriptionMode.REALTIME_VALUE));
                    newRealtime.add(live);
                    realtimeStreams++;
                    stream = live;
                } else {
                    stream = new Stream(key, universe.capacity(), loops, mm);
                }
                streams.put(key, stream);
                republish();
            }
            stream.subscribers++;
            subscriptions.get(key.mode()).incrementAndGet();
            return stream;
        }
    }

    private void release(Stream stream) {
        if (stream instanceof ConflatedStream conflatedStream) {
            conflated.release(conflatedStream);
            return;
        }
        synchronized (registryLock) {
            subscriptions.get(stream.key.mode()).decrementAndGet();
            if (--stream.subscribers == 0) {
                stream.dead = true;
                if (stream instanceof RealtimeStream) {
                    realtimeStreams--;
                }
                streams.remove(stream.key);
                republish();
            }
        }
    }

    /** Rebuilds the bar-stream arrays the feed thread reads; under the registry lock. */
    private void republish() {
        List<Stream> seconds = new ArrayList<>();
        List<Stream> minutes = new ArrayList<>();
        for (Stream stream : streams.values()) {
            if (stream.key.mode() == SubscriptionMode.SECOND) {
                seconds.add(stream);
            } else if (stream.key.mode() == SubscriptionMode.MINUTE) {
                minutes.add(stream);
            }
        }
        secondStreams = seconds.toArray(Stream[]::new);
        minuteStreams = minutes.toArray(Stream[]::new);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Feed thread.

    @Override
    public boolean wantsTicks() {
        return realtimeStreams > 0;
    }

    @Override
    public void onBars(BarSet bars) {
        boolean minute = bars.mode() == BarMode.MINUTE;
        Stream[] targets = minute ? minuteStreams : secondStreams;
        BatchBuilder builder = minute ? minuteBuilder : secondBuilder;
        long originNanos = bars.boundaryMs() * NANOS_PER_MS;
        for (Stream stream : targets) {
            if (stream.dead) {
                continue;
            }
            int loopsWithSubscribers = loopsWithSubscribers(stream);
            if (loopsWithSubscribers == 0) {
                continue;
            }
            int ticks = BarSetEncoder.add(builder, bars, stream.key);
            ByteBuf batch = builder.finish(System.currentTimeMillis(), bars.sequence(), false);
            dispatch(stream, batch, bars.sequence(), ticks, originNanos, loopsWithSubscribers, null);
        }
    }

    @Override
    public void onTicks(TickBlock block) {
        adoptNewStreams();
        long nowNanos = System.nanoTime();
        for (int s = realtime.size() - 1; s >= 0; s--) {
            RealtimeStream stream = realtime.get(s);
            if (retireIfDead(stream, s)) {
                continue;
            }
            stream.learnSymbols(universe);
            append(stream, block);
            if (batching.dueInNanos(stream, nowNanos) == 0) {
                seal(stream);
            }
            serveJoins(stream);
        }
        conflated.onTicks(block);
    }

    /**
     * The feed's timer turn, once every tick so far has been through {@link #onTicks}: sends REALTIME batches held
     * back while their streams were busy, snapshots of waiting joins, and conflation intervals that
     * ended.
     */
    @Override
    public long onPump(long nowEpochNanos) {
        return Math.min(sendHeld(nowEpochNanos), conflated.onPump(nowEpochNanos));
    }

    /** Returns the feed-clock time by which held REALTIME batches are next due, or {@link Long#MAX_VALUE}. */
    private long sendHeld(long nowEpochNanos) {
        adoptNewStreams();
        long nowNanos = System.nanoTime();
        long nextDelayNanos = Long.MAX_VALUE;
        for (int s = realtime.size() - 1; s >= 0; s--) {
            RealtimeStream stream = realtime.get(s);
            if (retireIfDead(stream, s)) {
                continue;
            }
            long due = batching.dueInNanos(stream, nowNanos);
            if (due == 0) {
                seal(stream);
            } else {
                nextDelayNanos = Math.min(nextDelayNanos, due);
            }
            serveJoins(stream);
        }
        return nextDelayNanos == Long.MAX_VALUE ? Long.MAX_VALUE : nowEpochNanos + nextDelayNanos;
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
            if (pending.isEmpty()) {
                stream.firstPendingNanos = System.nanoTime();
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
        ByteBuf batch = stream.pending.finish(System.currentTimeMillis(), sequence, false);
        int loopsWithSubscribers = loopsWithSubscribers(stream);
        if (loopsWithSubscribers == 0) {
            batch.release();
            return;
        }
        stream.inFlight.incrementAndGet();
        dispatch(stream, batch, sequence, tickCount, originNanos, loopsWithSubscribers, stream.inFlight);
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
            subscriber.group.loop.execute(() -> completeJoin(joining, snapshot, sequence));
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

    /** On the subscriber's loop: the snapshot goes out ahead of every batch the feed dispatched after it. */
    private void completeJoin(Subscriber subscriber, ByteBuf snapshot, long sequence) {
        Channel channel = subscriber.channel;
        if (subscriber.left || !channel.isActive() || subscriber.state.closing()) {
            snapshot.release();
            subscriber.group.registered.decrementAndGet();
            return;
        }
        subscriber.lastSequence = sequence;
        channel.writeAndFlush(snapshot, channel.voidPromise());
        metrics.framesSent(FrameType.DATA_BATCH, 1);
        subscriber.group.add(subscriber);
    }

    private ByteBuf encodeBars(BatchBuilder builder, BarSet bars, Stream stream, long nowMs, boolean snapshot) {
        BarSetEncoder.add(builder, bars, stream.key);
        return builder.finish(nowMs, bars.sequence(), snapshot);
    }

    private static int loopsWithSubscribers(Stream stream) {
        int count = 0;
        for (LoopGroup group : stream.groups) {
            if (group.registered.get() > 0) {
                count++;
            }
        }
        return count;
    }

    private void dispatch(Stream stream, ByteBuf batch, long sequence, int tickCount, long originNanos, int loopCount,
            AtomicInteger inFlight) {
        Round round = new Round(loopCount, System.nanoTime(), stream.metrics, inFlight, wakeFeed);
        int dispatched = 0;
        for (LoopGroup group : stream.groups) {
            if (group.registered.get() > 0 && dispatched < loopCount) {
                dispatched++;
                group.loop.execute(new Delivery(context, stream, group, batch.retain(), sequence, tickCount,
                        originNanos, round));
            }
        }
        // A loop whose last subscriber left between counting and dispatching still completes the round.
        for (; dispatched < loopCount; dispatched++) {
            round.loopDone();
        }
        batch.release();
    }

    /**
     * Stops backpressure waits and drops unsent REALTIME data. Call after the feed thread has stopped; the event
     * loops release what they still hold as their tasks run or are discarded.
     */
    @Override
    public void close() {
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
