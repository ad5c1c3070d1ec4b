package io.tickstorm.server.health;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the health endpoints report.
 *
 * <ul>
 *   <li>startup: the server has bound its ports and started its feed;
 *   <li>ready: started, the feed running (its source started), still listening, not draining for shutdown, not
 *       in a resource breach, and every condition added by {@link #notReadyWhile} met (a credentials file with
 *       users: a deployment that admits nobody must not look healthy);
 *   <li>live: the event loops answer (see {@link EventLoopProbe}) and memory is not stuck in breach: heap or direct
 *       memory in breach with no connection for the configured time will not clear by itself (see
 *       {@code io.tickstorm.limits.IdleMemoryBreachRule}), so the orchestrator should restart the server.
 * </ul>
 *
 * Written by the server's lifecycle thread, read on the HTTP port's event loop, which answers every probe itself:
 * nothing here may block or wait (a slow check would hold up every other probe and scrape of the port).
 */
public final class HealthState {

    private volatile boolean started;
    private volatile boolean draining;
    private final BooleanSupplier breach;
    private final BooleanSupplier eventLoopsLive;
    private final BooleanSupplier memoryBreachIdle;
    private final BooleanSupplier feedRunning;
    /** What startup waits for (a source rebuilding its history), or null. */
    private volatile Supplier<String> startingDetail;
    /** Further conditions of readiness: each gives the reason the server is not ready, or null when it may be. */
    private final List<Supplier<String>> readinessConditions = new CopyOnWriteArrayList<>();

    /**
     * @param breach           true while a resource is in breach
     * @param eventLoopsLive   the event-loop probe
     * @param memoryBreachIdle true while memory has stayed in breach with no connection for too long
     * @param feedRunning      true while the feed thread runs its source
     */
    public HealthState(BooleanSupplier breach, BooleanSupplier eventLoopsLive, BooleanSupplier memoryBreachIdle,
                       BooleanSupplier feedRunning) {
        this.breach = breach;
        this.eventLoopsLive = eventLoopsLive;
        this.memoryBreachIdle = memoryBreachIdle;
        this.feedRunning = feedRunning;
    }

    /** Says what startup is waiting for in the "starting" reason, until {@link #markStarted()}. */
    public void startingBecause(Supplier<String> detail) {
        this.startingDetail = detail;
    }

    /**
     * Adds a condition of readiness, read at every probe (it must not block): {@code reason} gives why the server
     * is not ready (e.g. no user can log in), or null when that condition is met.
     */
    public void notReadyWhile(Supplier<String> reason) {
        readinessConditions.add(reason);
    }

    public void markStarted() {
        started = true;
    }

    public void markDraining() {
        draining = true;
    }

    public boolean started() {
        return started;
    }

    public boolean draining() {
        return draining;
    }

    public boolean live() {
        return !memoryBreachIdle.getAsBoolean() && eventLoopsLive.getAsBoolean();
    }

    /** Why the server is not live (empty when it is). */
    public List<String> notLiveReasons() {
        List<String> reasons = new ArrayList<>(2);
        if (memoryBreachIdle.getAsBoolean()) {
            reasons.add("memory breach with no connections");
        }
        if (!eventLoopsLive.getAsBoolean()) {
            reasons.add("event loops not responding");
        }
        return reasons;
    }

    public boolean ready() {
        return started && !draining && feedRunning.getAsBoolean() && !breach.getAsBoolean() && conditionsMet();
    }

    private boolean conditionsMet() {
        for (Supplier<String> condition : readinessConditions) {
            if (condition.get() != null) {
                return false;
            }
        }
        return true;
    }

    /** Why the server is not ready (empty when it is). */
    public List<String> notReadyReasons() {
        List<String> reasons = new ArrayList<>(3);
        if (!started) {
            Supplier<String> detail = startingDetail;
            reasons.add(detail == null ? "starting" : "starting: " + detail.get());
        }
        if (draining) {
            reasons.add("draining");
        }
        if (started && !feedRunning.getAsBoolean()) {
            reasons.add("feed not running");
        }
        if (breach.getAsBoolean()) {
            reasons.add("resource breach");
        }
        for (Supplier<String> condition : readinessConditions) {
            String reason = condition.get();
            if (reason != null) {
                reasons.add(reason);
            }
        }
        return reasons;
    }
}
