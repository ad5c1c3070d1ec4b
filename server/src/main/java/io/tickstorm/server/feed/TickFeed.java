package io.tickstorm.server.feed;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one feed thread: it runs the {@link TickSource} and the bar clock (DESIGN.md §3). Each pump polls the
 * source, which writes the ticks that are due into the {@link MarketState}, then closes every interval whose
 * deadline the source's position has passed. The clock is the wall clock while the source keeps up with it and
 * event time while it replays or catches up: bars are never skipped and never invented.
 *
 * <h2>Startup</h2>
 * A source that {@linkplain TickSource#canBackfill() can backfill} starts where the history's earliest kept
 * interval begins; {@link #rebuildHistory()} runs it up to the present without delivering anything, so history is
 * available at once and the first live bars are complete and the same on every replica.
 *
 * <h2>Threads</h2>
 * {@link #start()} runs the pump on a daemon thread named {@value #THREAD_NAME}, which parks until the source or
 * the next deadline needs it (absolute deadlines, no spinning) or until {@link #wake()}. Without {@code start()} a
 * single caller thread (tests, with a fake clock) drives {@link #pump(long)}. Listener callbacks run on that
 * thread. The getters may be called from any thread.
 */
public final class TickFeed implements AutoCloseable {

    /** Name of the feed thread. */
    public static final String THREAD_NAME = "tick-feed";

    private static final Logger LOG = LoggerFactory.getLogger(TickFeed.class);
    private static final long NANOS_PER_MS = 1_000_000L;
    /** Longest park, so a wall-clock step is noticed promptly even when the next event is far. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Polls per pump before the thread re-reads the clock, so a source with a backlog still lets bars close. */
    private static final int MAX_POLLS_PER_PUMP = 64;
    private static final long CLOSE_JOIN_MS = 5_000;

    private final TickSource source;
    private final MarketState market;
    private final FeedListener listener;
    private final EpochNanoClock clock;
    private final SymbolUniverse universe;
    private final BarHistory history;
    private final long startNanos;

    private volatile long positionNanos;
    /** Feed thread only: when the listener wants its next {@link FeedListener#onPump} turn. */
    private long listenerWakeNanos = Long.MAX_VALUE;
    private volatile boolean running;
    private volatile Thread thread;

    /** A feed delivering blocks of {@link TickBlock#DEFAULT_CAPACITY} ticks. */
    public TickFeed(TickSource source, MarketView view, FeedListener listener, EpochNanoClock clock) {
        this(source, view, listener, clock, TickBlock.DEFAULT_CAPACITY);
    }

    /** A feed delivering blocks of at most {@code blockCapacity} ticks; opens the source. */
    public TickFeed(TickSource source, MarketView view, FeedListener listener, EpochNanoClock clock,
                    int blockCapacity) {
        this.source = source;
        this.listener = listener;
        this.clock = clock;
        this.universe = view.universe();
        this.history = view.history();
        long nowNanos = clock.epochNanos();
        long historyStartNanos = source.canBackfill() ? history.earliestIntervalStartMs() * NANOS_PER_MS : nowNanos;
        this.startNanos = source.open(nowNanos, historyStartNanos);
        this.positionNanos = startNanos;
        // A tick may run ahead of the position by the bar horizon only: one interval more than the lateness.
        this.market = new MarketState(view, listener, startNanos, source.latenessNanos(),
                BarMode.SECOND.intervalMs() * NANOS_PER_MS, blockCapacity);
    }

    /**
     * Runs the source from its start up to the present without delivering ticks or bars to anyone, filling the
     * history; logs what it took. Call once, before {@link #start()}; does nothing for a source that cannot
     * backfill.
     */
    public void rebuildHistory() {
        if (!source.canBackfill()) {
            return;
        }
        long began = System.nanoTime();
        market.delivering(false);
        long nowNanos = clock.epochNanos();
        while (source.poll(nowNanos, market)) {
            market.closeThrough(source.positionNanos(), nowNanos);
        }
        market.closeThrough(source.positionNanos(), nowNanos);
        positionNanos = source.positionNanos();
        market.publishCounters();
        market.delivering(true);
        FeedCounters counters = market.counters();
        LOG.info("Feed rebuilt {} SECOND and {} MINUTE bar sets from {} ticks of {} in {} ms ({} symbols)",
                history.retained(BarMode.SECOND), history.retained(BarMode.MINUTE),
                counters.count(FeedCounters.Result.OK) + counters.count(FeedCounters.Result.LATE),
                source.description(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), universe.size());
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
     * Polls the source and closes due bars at {@code nowEpochNanos}, and returns whether the source has more due
     * right away. Only on the feed thread once started, else on one caller thread.
     */
    public boolean pump(long nowEpochNanos) {
        Thread feedThread = thread;
        if (feedThread != null && feedThread != Thread.currentThread()) {
            throw new IllegalStateException("pump is driven by the " + THREAD_NAME + " thread once started");
        }
        boolean more = false;
        for (int polls = 0; polls < MAX_POLLS_PER_PUMP; polls++) {
            more = source.poll(nowEpochNanos, market);
            market.flushTicks();
            market.closeThrough(source.positionNanos(), nowEpochNanos);
            if (!more) {
                break;
            }
        }
        positionNanos = source.positionNanos();
        listenerWakeNanos = market.pumped(nowEpochNanos);
        market.publishCounters();
        return more;
    }

    /** The symbols the feed carries. */
    public SymbolUniverse universe() {
        return universe;
    }

    /** The closed bars kept for snapshots and replay. */
    public BarHistory history() {
        return history;
    }

    /** What the source's records came to: ok, malformed (by reason), unknown symbol, late. */
    public FeedCounters counters() {
        return market.counters();
    }

    /** Ticks written while live (not the history rebuild): tick_storm_ticks_generated_total. */
    public long ticksGenerated() {
        return market.counters().liveTicks();
    }

    /** The source's event-time position after the last pump, epoch ns (tick_storm_feed_event_time_seconds). */
    public long positionNanos() {
        return positionNanos;
    }

    /** Event time the market started at, epoch ns. */
    public long startNanos() {
        return startNanos;
    }

    /** The source, for its description in logs. */
    public TickSource source() {
        return source;
    }

    /** Listener callbacks that threw. */
    public long listenerFailures() {
        return market.listenerFailures();
    }

    /** Whether the feed thread is started and alive. */
    public boolean isRunning() {
        Thread feedThread = thread;
        return running && feedThread != null && feedThread.isAlive();
    }

    /**
     * Stops the feed thread, if started, waits up to 5 s for it to finish its current pump, and closes the source.
     * Idempotent. If the calling thread is interrupted while waiting, it returns early with the interrupt flag set.
     */
    @Override
    public void close() {
        running = false;
        Thread feedThread = thread;
        try {
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
        } finally {
            source.close();
        }
    }

    /** Ends the feed thread's current sleep: a listener starts wanting ticks, or a source has data. */
    public void wake() {
        Thread feedThread = thread;
        if (feedThread != null) {
            LockSupport.unpark(feedThread);
        }
    }

    private void run() {
        LOG.info("Feed started: {} ({} symbols)", source.description(), universe.size());
        while (running) {
            long nowNanos = clock.epochNanos();
            if (pump(nowNanos)) {
                continue;
            }
            long next = Math.min(Math.min(source.nextPollNanos(nowNanos, listener.wantsTicks()),
                    market.nextDeadlineNanos()), listenerWakeNanos);
            long waitNanos = next - clock.epochNanos();
            if (waitNanos > 0) {
                LockSupport.parkNanos(this, Math.min(waitNanos, MAX_PARK_NANOS));
            }
        }
        LOG.info("Feed stopped after {} live ticks", market.counters().liveTicks());
    }
}
