package io.tickstorm.server.health;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the health endpoints report.
 *
 * <ul>
 *   <li>startup: the server has bound its ports and started its feed;
 *   <li>ready: started, the feed running (its source started), still listening, not draining for shutdown and not
 *       in a resource breach;
 *   <li>live: the event loops answer (see {@link EventLoopProbe}).
 * </ul>
 *
 * Written by the server's lifecycle thread, read by the HTTP server's threads.
 */
public final class HealthState {

    private volatile boolean started;
    private volatile boolean draining;
    private final BooleanSupplier breach;
    private final BooleanSupplier eventLoopsLive;
    private final BooleanSupplier feedRunning;
    /** What startup waits for (a source rebuilding its history), or null. */
    private volatile Supplier<String> startingDetail;

    public HealthState(BooleanSupplier breach, BooleanSupplier eventLoopsLive, BooleanSupplier feedRunning) {
        this.breach = breach;
        this.eventLoopsLive = eventLoopsLive;
        this.feedRunning = feedRunning;
    }

    /** Says what startup is waiting for in the "starting" reason, until {@link #markStarted()}. */
    public void startingBecause(Supplier<String> detail) {
        this.startingDetail = detail;
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
        return eventLoopsLive.getAsBoolean();
    }

    public boolean ready() {
        return started && !draining && feedRunning.getAsBoolean() && !breach.getAsBoolean();
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
        return reasons;
    }
}
