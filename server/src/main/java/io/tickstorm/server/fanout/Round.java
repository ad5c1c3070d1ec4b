package io.tickstorm.server.fanout;

import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stream batch on its way to every loop that has subscribers: the last loop to finish records the fan-out
 * duration and, for REALTIME, ends the round so the next coalesced batch can go.
 */
final class Round {

    private final AtomicInteger remainingLoops;
    private final long startNanos;
    private final ModeMetrics metrics;
    private final AtomicInteger inFlight;
    private final Runnable wakeFeed;

    /**
     * @param inFlight the REALTIME stream's rounds in flight, or null for bars
     * @param wakeFeed called when the stream's last round in flight ends: ticks held meanwhile can go
     */
    Round(int loops, long startNanos, ModeMetrics metrics, AtomicInteger inFlight, Runnable wakeFeed) {
        this.remainingLoops = new AtomicInteger(loops);
        this.startNanos = startNanos;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.wakeFeed = wakeFeed;
    }

    void loopDone() {
        if (remainingLoops.decrementAndGet() == 0) {
            metrics.fanoutDuration().observe((System.nanoTime() - startNanos) / 1e9);
            if (inFlight != null && inFlight.decrementAndGet() == 0) {
                wakeFeed.run();
            }
        }
    }
}
