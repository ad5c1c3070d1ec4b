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
import io.tickstorm.server.feed.MarketView;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickBlock;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;
import io.tickstorm.server.connection.ConnectionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

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
 *   <li>REALTIME ({@link RealtimeFanOut}): joins are served by the feed thread itself, between batches: it seals what is pending, takes the
 *       latest state of the subscribed symbols, and queues the snapshot on the subscriber's loop ahead of every later
 *       batch.
 * </ul>
 */
public final class FanOut implements FeedListener, AutoCloseable {

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
    /** REALTIME streams alive; while there are none the feed need not wake for every tick. */
    private volatile int realtimeStreams;

    private final SymbolUniverse universe;
    private final BarHistory history;
    private final Runnable wakeFeed;
    private final SubscriptionValidator validator;
    /** REALTIME streams' feed side: coalescing, sealing and serving joins (PROTOCOL.md §5.6). */
    private final RealtimeFanOut realtime;
    /** Conflated REALTIME streams (PROTOCOL.md §5.6): their own registry, fed by the callbacks below. */
    private final ConflatedFanOut conflated;

    // Feed thread only.
    private final BatchBuilder secondBuilder;
    private final BatchBuilder minuteBuilder;

    /** A fan-out over the event loops of {@code workers}, reading the market through {@code market}. */
    public FanOut(FanOutContext context, EventLoopGroup workers, ServerMetrics metrics, MarketView market) {
        this.context = context;
        this.metrics = metrics;
        this.universe = market.universe();
        this.history = market.history();
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
            modeMetrics.put(mode, metrics.mode(mode.name().toLowerCase(Locale.ROOT)));
            subscriptions.put(mode, new AtomicInteger());
        }
        secondBuilder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(), SubscriptionMode.SECOND_VALUE);
        minuteBuilder = new BatchBuilder(context.allocator(), context.maxPayloadBytes(), SubscriptionMode.MINUTE_VALUE);
        realtime = new RealtimeFanOut(context, metrics, universe, market.latest(), wakeFeed);
        conflated = new ConflatedFanOut(context, metrics, loops, loopIndex, universe, market.latest(), wakeFeed);
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

    /** Exports the streams alive and the subscriptions by mode. */
    public void registerMetrics(ServerMetrics metrics) {
        metrics.gauge(ServerMetrics.STREAMS, "Shared streams alive (subscribers with the same mode and symbols).",
                this::streamCount);
        Map<List<String>, DoubleSupplier> byMode = new LinkedHashMap<>();
        for (SubscriptionMode mode : List.of(SubscriptionMode.SECOND, SubscriptionMode.MINUTE,
                SubscriptionMode.REALTIME)) {
            byMode.put(List.of(mode.name().toLowerCase(Locale.ROOT)), () -> subscriptions(mode));
        }
        byMode.put(List.of(ServerMetrics.MODE_REALTIME_CONFLATED), this::conflatedSubscriptions);
        metrics.gauge(ServerMetrics.SUBSCRIPTIONS, "Subscribed connections, by mode.", List.of("mode"), byMode);
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
        subscriber.out.writeAndFlush(batch, channel.voidPromise());
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
                    realtime.start(live);
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
            int loopsWithSubscribers = Dispatch.loopsWithSubscribers(stream);
            if (loopsWithSubscribers == 0) {
                continue;
            }
            int ticks = BarSetEncoder.add(builder, bars, stream.key);
            ByteBuf batch = builder.finish(System.currentTimeMillis(), bars.sequence(), false);
            Dispatch.toLoops(context, stream, batch, bars.sequence(), ticks, originNanos, loopsWithSubscribers, null, null);
        }
    }

    @Override
    public void onTicks(TickBlock block) {
        realtime.onTicks(block);
        conflated.onTicks(block);
    }

    /**
     * The feed's timer turn, once every tick so far has been through {@link #onTicks}: sends REALTIME batches held
     * back while their streams were busy, snapshots of waiting joins, and conflation intervals that
     * ended.
     */
    @Override
    public long onPump(long nowEpochNanos) {
        return Math.min(realtime.sendHeld(nowEpochNanos), conflated.onPump(nowEpochNanos));
    }

    private ByteBuf encodeBars(BatchBuilder builder, BarSet bars, Stream stream, long nowMs, boolean snapshot) {
        BarSetEncoder.add(builder, bars, stream.key);
        return builder.finish(nowMs, bars.sequence(), snapshot);
    }

    /**
     * Stops backpressure waits and drops unsent REALTIME data. Call after the feed thread has stopped; the event
     * loops release what they still hold as their tasks run or are discarded.
     */
    @Override
    public void close() {
        realtime.close();
    }
}
