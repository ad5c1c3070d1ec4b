package io.tickstorm.server.pipeline;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat deadlines of the sessions on one event loop, checked together by one periodic sweep owned by that
 * loop's thread.
 *
 * <p>Why not a timer per connection: 20,000 idle sessions heartbeating every 15 s made 1,300 timer expiries a second,
 * each a wake-up of its own between the heartbeats' reads, a priority-queue removal and re-insertion among 10,000
 * timers, and about 100 bytes of timer per connection (bench/RESULTS.md, "Idle cost"). A sweep costs one wake-up per period
 * and a read of one long per session. The price is precision: a silent session is closed between the timeout and
 * one period after it, never before.
 *
 * <p>Every method runs on {@link #loop}; the sweep runs only while it watches a session.
 */
final class HeartbeatSweep implements Runnable {

    /** What the sweep watches: the time of a session's last heartbeat and what to do when it is too old. */
    interface Watched {

        /** {@link EventExecutor#ticker()} time of the last HEARTBEAT, or of the start of the session. */
        long lastHeartbeatNanos();

        /** The deadline passed. Called once; the session is no longer watched by then. */
        void heartbeatMissed();

        /** This session's slot in the sweep, -1 when not watched; only the sweep sets it. */
        int sweepSlot();

        void sweepSlot(int slot);
    }

    private static final long LONGEST_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long SHORTEST_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final EventExecutor loop;
    private final long timeoutNanos;
    private final long periodNanos;
    private final List<Watched> missed = new ArrayList<>();
    private Watched[] watched = new Watched[64];
    private int size;
    private boolean scheduled;

    HeartbeatSweep(EventExecutor loop, long timeoutNanos) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.periodNanos = periodFor(timeoutNanos);
    }

    /** A fortieth of the timeout, between 10 and 500 ms: 20 s timeouts close at most 2.5% late. */
    static long periodFor(long timeoutNanos) {
        return Math.max(SHORTEST_PERIOD_NANOS, Math.min(LONGEST_PERIOD_NANOS, timeoutNanos / 40));
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    long nowNanos() {
        return loop.ticker().nanoTime();
    }

    int size() {
        return size;
    }

    void watch(Watched session) {
        if (session.sweepSlot() >= 0) {
            return;
        }
        if (size == watched.length) {
            watched = Arrays.copyOf(watched, size * 2);
        }
        session.sweepSlot(size);
        watched[size++] = session;
        if (!scheduled) {
            scheduled = true;
            loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops watching {@code session}; does nothing if it is not watched. */
    void unwatch(Watched session) {
        int slot = session.sweepSlot();
        if (slot < 0) {
            return;
        }
        Watched last = watched[--size];
        watched[slot] = last;
        last.sweepSlot(slot);
        watched[size] = null;
        session.sweepSlot(-1);
    }

    @Override
    public void run() {
        scheduled = false;
        long now = nowNanos();
        for (int i = 0; i < size; i++) {
            if (now - watched[i].lastHeartbeatNanos() >= timeoutNanos) {
                missed.add(watched[i]);
            }
        }
        // Closing a connection can end its session (and so unwatch it) at once: act only once the scan is done.
        try {
            for (Watched session : missed) {
                unwatch(session);
                session.heartbeatMissed();
            }
        } finally {
            // Should one fail, the sweep goes on: the sessions not reached yet are still watched, for the next one.
            missed.clear();
            if (size > 0 && !scheduled) {
                scheduled = true;
                loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
