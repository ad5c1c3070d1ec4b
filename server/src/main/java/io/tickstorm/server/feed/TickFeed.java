package io.tickstorm.server.feed;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one tick feed: generates the {@link SyntheticMarket}'s ticks as wall-clock time reaches them, keeps
 * the volume of the current second and minute per symbol, closes the bars at every boundary into the
 * {@link BarHistory} and hands ticks and bars to its {@link FeedListener}.
 *
 * <h2>Startup backfill</h2>
 * The constructor recomputes, from the model, the closed bars of the last {@code backfill} (capped by each
 * retention) and the volumes of the current partial second and minute, so history is available at once and the
 * first live bars are complete and identical on every replica. It generates only volumes on that path (a few ns a
 * tick), {@code rate * (min(backfill, longest retention) + up to 1 minute)} ticks: use a small backfill with huge
 * rates (10 minutes at 1M ticks/s is 600M ticks, seconds of startup).
 *
 * <h2>Pumping</h2>
 * {@link #pump(long)} generates every tick with time at or before {@code now} not yet generated, in blocks of the
 * block capacity, and before crossing a boundary delivers every tick before it, then closes the SECOND set (and at
 * whole minutes the MINUTE set), appends them to the history and only then calls {@link FeedListener#onBars}. A
 * late call closes every missed boundary in order; none is ever skipped.
 *
 * <h2>Threads</h2>
 * {@link #start()} runs the pump on a daemon thread named {@value #THREAD_NAME}, which parks until the next tick or
 * boundary (absolute deadlines, so no drift; no spinning; at high rates each wake-up generates the ticks that came
 * due meanwhile). Without {@code start()} a single caller thread (tests, with a fake clock) drives {@code pump}.
 * Listener callbacks run on that thread. {@link #history()}, {@link #ticksGenerated()},
 * {@link #copyLatestTicks(TickBlock)} and the other getters may be called from any thread.
 */
public final class TickFeed implements AutoCloseable {

    /** Name of the feed thread. */
    public static final String THREAD_NAME = "tick-feed";

    private static final Logger LOG = LoggerFactory.getLogger(TickFeed.class);
    private static final long NANOS_PER_MS = 1_000_000L;
    /** Longest park, so a wall-clock step is noticed promptly even when the next event is far. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLOSE_JOIN_MS = 5_000;

    private final SyntheticMarket market;
    private final SymbolUniverse universe;
    private final FeedListener listener;
    private final EpochNanoClock clock;
    private final BarHistory history;
    private final TickBlock block;
    private final TickBlock closing;
    private final PricePathCache pathCache;
    private final long[] secondLots;
    private final long[] minuteLots;
    private final long backfillTicks;

    // Feed-thread state.
    private long nextK;
    private long nextBoundaryMs;
    private long nextBoundaryNanos;
    private long nextBoundaryK;
    private long nextFailureLogNanos;

    private volatile long publishedNextK;
    private volatile long ticksGenerated;
    private volatile long listenerFailures;
    private volatile boolean running;
    private volatile Thread thread;

    /** A feed with blocks of {@link TickBlock#DEFAULT_CAPACITY}; backfills before returning. */
    public TickFeed(SyntheticMarket market, FeedListener listener, EpochNanoClock clock) {
        this(market, listener, clock, TickBlock.DEFAULT_CAPACITY);
    }

    /** A feed delivering blocks of at most {@code blockCapacity} ticks; backfills before returning. */
    public TickFeed(SyntheticMarket market, FeedListener listener, EpochNanoClock clock, int blockCapacity) {
        this.market = market;
        this.universe = market.universe();
        this.listener = listener;
        this.clock = clock;
        this.block = new TickBlock(blockCapacity);
        this.closing = new TickBlock(universe.size());
        this.pathCache = new PricePathCache(universe.size());
        this.secondLots = new long[universe.size()];
        this.minuteLots = new long[universe.size()];

        FeedConfig config = market.config();
        long startNanos = clock.epochNanos();
        long nowMs = Math.floorDiv(startNanos, NANOS_PER_MS);
        long firstSecond = BarMode.SECOND.floorMs(nowMs)
                - (config.backfillBars(BarMode.SECOND) - 1L) * BarMode.SECOND.intervalMs();
        long firstMinute = BarMode.MINUTE.floorMs(nowMs)
                - (config.backfillBars(BarMode.MINUTE) - 1L) * BarMode.MINUTE.intervalMs();
        this.history = new BarHistory(config.secondBars(), config.minuteBars(), firstSecond, firstMinute);
        // Start where the earliest interval to rebuild begins, so its volume sum is complete.
        long generationStartMs = Math.min(firstSecond - BarMode.SECOND.intervalMs(),
                firstMinute - BarMode.MINUTE.intervalMs());
        this.nextK = market.firstTickAtOrAfter(generationStartMs * NANOS_PER_MS);
        setNextBoundary(generationStartMs + BarMode.SECOND.intervalMs());

        long firstK = nextK;
        long began = System.nanoTime();
        advance(startNanos, false);
        this.backfillTicks = nextK - firstK;
        this.publishedNextK = nextK;
        LOG.info("Feed backfilled {} SECOND and {} MINUTE bar sets from {} ticks in {} ms ({} symbols, {} ticks/s)",
                history.retained(BarMode.SECOND), history.retained(BarMode.MINUTE), backfillTicks,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), universe.size(), market.ticksPerSecond());
    }

    /** Starts the {@value #THREAD_NAME} daemon thread that pumps on the clock. At most once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the feed is already started");
        }
        Thread feedThread = new Thread(this::run, THREAD_NAME);
        feedThread.setDaemon(true);
        feedThread.setUncaughtExceptionHandler((t, e) -> LOG.error("The feed thread died; no more ticks", e));
        running = true;
        thread = feedThread;
        feedThread.start();
    }

    /**
     * Generates and delivers everything due at {@code nowEpochNanos} (see the class comment). Only on the feed
     * thread once started, else on one caller thread. A time before the previous call does nothing.
     */
    public void pump(long nowEpochNanos) {
        Thread feedThread = thread;
        if (feedThread != null && feedThread != Thread.currentThread()) {
            throw new IllegalStateException("pump is driven by the " + THREAD_NAME + " thread once started");
        }
        advance(nowEpochNanos, true);
    }

    /**
     * Writes the latest tick (last trade and quote) of every symbol into {@code out}, slot {@code i} holding symbol
     * {@code i}, as of the ticks generated so far, and returns the index of the first tick it does not reflect:
     * live ticks with {@link TickBlock#tickIndex(int)} at or above it come after the snapshot. Any thread; exact
     * with respect to delivered blocks when called on the feed thread (from a listener callback). No allocation.
     *
     * @throws IllegalArgumentException if {@code out} holds fewer than {@code universe().size()} ticks
     */
    public long copyLatestTicks(TickBlock out) {
        if (out.capacity() < universe.size()) {
            throw new IllegalArgumentException("the block holds " + out.capacity() + " ticks, the universe has "
                    + universe.size() + " symbols");
        }
        long next = publishedNextK;
        out.clear();
        for (int s = 0; s < universe.size(); s++) {
            market.appendTick(market.lastTickOfSymbolAtOrBefore(s, next - 1), out);
        }
        return next;
    }

    /** The closed bars kept for snapshots and replay. */
    public BarHistory history() {
        return history;
    }

    /** The symbols the feed carries. */
    public SymbolUniverse universe() {
        return universe;
    }

    /** The model the feed generates. */
    public SyntheticMarket market() {
        return market;
    }

    /** Live ticks generated and handed to the listener (not the backfill): tick_storm_ticks_generated_total. */
    public long ticksGenerated() {
        return ticksGenerated;
    }

    /** Ticks recomputed (volumes only) by the startup backfill. */
    public long backfillTicks() {
        return backfillTicks;
    }

    /** Index of the next tick to generate: every tick below it has been delivered or is being delivered. */
    public long nextTickIndex() {
        return publishedNextK;
    }

    /** Listener callbacks that threw. */
    public long listenerFailures() {
        return listenerFailures;
    }

    /** Whether the feed thread is started and alive. */
    public boolean isRunning() {
        Thread feedThread = thread;
        return running && feedThread != null && feedThread.isAlive();
    }

    /**
     * Stops the feed thread, if started, and waits up to 5 s for it to finish its current pump. Idempotent. If the
     * calling thread is interrupted while waiting, it returns early with the interrupt flag set.
     */
    @Override
    public void close() {
        running = false;
        Thread feedThread = thread;
        if (feedThread == null || feedThread == Thread.currentThread()) {
            return;
        }
        LockSupport.unpark(feedThread);
        try {
            feedThread.join(CLOSE_JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for the feed thread to stop");
            return;
        }
        if (feedThread.isAlive()) {
            LOG.warn("The feed thread did not stop within {} ms", CLOSE_JOIN_MS);
        }
    }

    /** Ends the feed thread's current sleep, e.g. when a listener starts wanting ticks as they happen. */
    public void wake() {
        Thread feedThread = thread;
        if (feedThread != null) {
            LockSupport.unpark(feedThread);
        }
    }

    private void run() {
        LOG.info("Feed started: {} symbols, {} ticks/s", universe.size(), market.ticksPerSecond());
        while (running) {
            pump(clock.epochNanos());
            long nextEventNanos = listener.wantsTicks()
                    ? Math.min(market.tickTimeNanos(nextK), nextBoundaryNanos) : nextBoundaryNanos;
            long waitNanos = nextEventNanos - clock.epochNanos();
            if (waitNanos > 0) {
                LockSupport.parkNanos(this, Math.min(waitNanos, MAX_PARK_NANOS));
            }
        }
        LOG.info("Feed stopped after {} ticks", ticksGenerated);
    }

    /** Generates up to now, closing every boundary at or before it; delivers only when {@code deliver}. */
    private void advance(long nowNanos, boolean deliver) {
        long endK = market.firstTickAtOrAfter(nowNanos + 1);
        while (true) {
            generate(Math.min(endK, nextBoundaryK), deliver);
            if (nowNanos < nextBoundaryNanos) {
                return;
            }
            closeBoundary(nowNanos, deliver);
        }
    }

    private void generate(long stopK, boolean deliver) {
        if (!deliver) {
            if (nextK < stopK) {
                market.accumulateVolumeLots(nextK, stopK, secondLots);
                nextK = stopK;
            }
            return;
        }
        while (nextK < stopK) {
            int n = (int) Math.min(block.capacity(), stopK - nextK);
            market.fill(nextK, n, block, pathCache);
            market.accumulateVolumeLots(nextK, nextK + n, secondLots);
            nextK += n;
            publishedNextK = nextK;
            ticksGenerated += n;
            try {
                listener.onTicks(block);
            } catch (RuntimeException e) {
                listenerFailed("onTicks", e);
            }
        }
    }

    /** Closes the interval ending at nextBoundaryMs; every tick before it has been generated. */
    private void closeBoundary(long nowNanos, boolean deliver) {
        long boundaryMs = nextBoundaryMs;
        boolean wholeMinute = BarMode.MINUTE.floorMs(boundaryMs) == boundaryMs;
        boolean secondKept = boundaryMs == history.nextBoundaryMs(BarMode.SECOND);
        boolean minuteKept = wholeMinute && boundaryMs == history.nextBoundaryMs(BarMode.MINUTE);
        BarSet second = null;
        BarSet minute = null;
        if (secondKept || minuteKept) {
            int n = universe.size();
            double[] price = new double[n];
            double[] bid = new double[n];
            double[] ask = new double[n];
            long[] bidSize = new long[n];
            long[] askSize = new long[n];
            // Last trade and quote come from the model in O(1) per symbol, traded in this interval or not.
            closing.clear();
            for (int s = 0; s < n; s++) {
                market.appendTick(market.lastTickOfSymbolAtOrBefore(s, nextK - 1), closing);
                price[s] = closing.price(s);
                bid[s] = closing.bid(s);
                ask[s] = closing.ask(s);
                bidSize[s] = closing.bidSize(s);
                askSize[s] = closing.askSize(s);
            }
            if (secondKept) {
                second = new BarSet(BarMode.SECOND, boundaryMs, nowNanos, universe, price, volumes(secondLots), bid,
                        ask, bidSize, askSize);
            }
            if (minuteKept) {
                addInto(minuteLots, secondLots);
                minute = new BarSet(BarMode.MINUTE, boundaryMs, nowNanos, universe, price, volumes(minuteLots), bid,
                        ask, bidSize, askSize);
                Arrays.fill(minuteLots, 0);
            }
        }
        if (!minuteKept) {
            addInto(minuteLots, secondLots);
            if (wholeMinute) {
                Arrays.fill(minuteLots, 0);
            }
        }
        Arrays.fill(secondLots, 0);
        setNextBoundary(boundaryMs + BarMode.SECOND.intervalMs());

        if (second != null) {
            history.append(second);
        }
        if (minute != null) {
            history.append(minute);
        }
        if (deliver) {
            deliverBars(second);
            deliverBars(minute);
        }
    }

    private void deliverBars(BarSet bars) {
        if (bars == null) {
            return;
        }
        try {
            listener.onBars(bars);
        } catch (RuntimeException e) {
            listenerFailed("onBars", e);
        }
    }

    private double[] volumes(long[] lots) {
        double[] volume = new double[lots.length];
        for (int s = 0; s < lots.length; s++) {
            volume[s] = market.volume(s, lots[s]);
        }
        return volume;
    }

    private static void addInto(long[] total, long[] part) {
        for (int s = 0; s < total.length; s++) {
            total[s] += part[s];
        }
    }

    private void setNextBoundary(long boundaryMs) {
        nextBoundaryMs = boundaryMs;
        nextBoundaryNanos = boundaryMs * NANOS_PER_MS;
        nextBoundaryK = market.firstTickAtOrAfter(nextBoundaryNanos);
    }

    /** Counts every failure; logs the first and then at most one every 10 s, so a broken listener cannot flood. */
    private void listenerFailed(String callback, RuntimeException e) {
        long failures = listenerFailures + 1;
        listenerFailures = failures;
        long now = System.nanoTime();
        if (failures == 1 || now - nextFailureLogNanos >= 0) {
            nextFailureLogNanos = now + FAILURE_LOG_INTERVAL_NANOS;
            LOG.warn("Feed listener {} failed ({} failures so far); the feed goes on", callback, failures, e);
        }
    }
}
