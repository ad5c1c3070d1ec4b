package io.tickstorm.server.health;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Liveness: every event loop runs a no-op task within the timeout. A loop stuck in a busy handler, a deadlock or an
 * endless GC fails it, and Kubernetes restarts the pod.
 *
 * <pre>
 *   every timeout/4 (scheduler's thread): each loop that answered its last ping gets a new one
 *   ping (that loop):                      answeredNanos[loop] = now
 *   getAsBoolean (any thread):             every loop answered within the last timeout
 * </pre>
 * Reading the result never waits for a loop, so the health endpoint answers at once even when a loop is stuck; a
 * stuck loop holds at most one ping in its queue.
 */
public final class EventLoopProbe implements BooleanSupplier, AutoCloseable {

    /** Pings per timeout: a healthy loop has answered several times before its answer could be called stale. */
    private static final int PINGS_PER_TIMEOUT = 4;

    private final List<EventLoopGroup> groups;
    private final List<EventExecutor> loops = new ArrayList<>();
    private final Runnable[] pings;
    private final AtomicLongArray answeredNanos;
    private final AtomicIntegerArray awaiting;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;
    private ScheduledFuture<?> task;

    public EventLoopProbe(List<EventLoopGroup> groups, Duration timeout) {
        this(groups, timeout, System::nanoTime);
    }

    /** With an injected clock, for tests. */
    EventLoopProbe(List<EventLoopGroup> groups, Duration timeout, LongSupplier nanoClock) {
        this.groups = List.copyOf(groups);
        for (EventLoopGroup group : this.groups) {
            for (EventExecutor loop : group) {
                loops.add(loop);
            }
        }
        this.timeoutNanos = timeout.toNanos();
        this.nanoClock = nanoClock;
        this.answeredNanos = new AtomicLongArray(loops.size());
        this.awaiting = new AtomicIntegerArray(loops.size());
        this.pings = new Runnable[loops.size()];
        long now = nanoClock.getAsLong();
        for (int i = 0; i < pings.length; i++) {
            int loop = i;
            answeredNanos.set(loop, now);
            pings[loop] = () -> {
                answeredNanos.set(loop, this.nanoClock.getAsLong());
                awaiting.set(loop, 0);
            };
        }
    }

    /** Pings every {@code timeout / 4} on {@code scheduler}, which the caller owns, until {@link #close()}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task != null) {
            throw new IllegalStateException("already started");
        }
        long intervalNanos = Math.max(1, timeoutNanos / PINGS_PER_TIMEOUT);
        task = scheduler.scheduleAtFixedRate(this::pingAll, 0, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Sends one ping to every loop that has answered its previous one. */
    void pingAll() {
        for (int i = 0; i < pings.length; i++) {
            if (awaiting.compareAndSet(i, 0, 1)) {
                try {
                    loops.get(i).execute(pings[i]);
                } catch (RejectedExecutionException e) {
                    // The loop is shutting down: getAsBoolean reports that through its group.
                    awaiting.set(i, 0);
                }
            }
        }
    }

    @Override
    public boolean getAsBoolean() {
        for (EventLoopGroup group : groups) {
            if (group.isShuttingDown()) {
                return false;
            }
        }
        long now = nanoClock.getAsLong();
        for (int i = 0; i < pings.length; i++) {
            if (now - answeredNanos.get(i) > timeoutNanos) {
                return false;
            }
        }
        return true;
    }

    /** Stops pinging; the scheduler itself is the caller's. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
