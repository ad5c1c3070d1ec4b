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

    Round(int loops, long startNanos, ModeMetrics metrics, AtomicInteger inFlight) {
        this.remainingLoops = new AtomicInteger(loops);
        this.startNanos = startNanos;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    void loopDone() {
        if (remainingLoops.decrementAndGet() == 0) {
            metrics.fanoutDuration().observe((System.nanoTime() - startNanos) / 1e9);
            if (inFlight != null) {
                inFlight.decrementAndGet();
            }
        }
    }
}
