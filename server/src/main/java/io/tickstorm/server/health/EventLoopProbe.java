package io.tickstorm.server.health;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Liveness: every event loop runs a no-op task within the timeout. A loop stuck in a busy handler, a deadlock or an
 * endless GC fails it, and Kubernetes restarts the pod. Called from the HTTP server's threads, never an event loop.
 */
public final class EventLoopProbe implements BooleanSupplier {

    private final List<EventLoopGroup> groups;
    private final long timeoutNanos;

    public EventLoopProbe(List<EventLoopGroup> groups, Duration timeout) {
        this.groups = List.copyOf(groups);
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public boolean getAsBoolean() {
        List<Future<?>> pings = new ArrayList<>();
        for (EventLoopGroup group : groups) {
            if (group.isShuttingDown()) {
                return false;
            }
            for (EventExecutor loop : group) {
                pings.add(loop.submit(() -> { }));
            }
        }
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            for (Future<?> ping : pings) {
                ping.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
