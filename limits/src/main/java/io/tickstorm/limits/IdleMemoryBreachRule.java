package io.tickstorm.limits;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memory breach that nothing explains: heap or direct memory stays in breach while the server holds no
 * connections, for longer than a timeout. Memory held for connections comes back when they close; memory still held
 * with none (a leak, fragmentation, an allocator that keeps its chunks) will not come back by itself, and a server
 * in breach refuses every new client for as long as it lasts. Once the rule holds, liveness should fail so that the
 * orchestrator restarts the process.
 *
 * <pre>
 *   sample: memory breach and 0 connections ──▶ since = first such sample; idle = now - since &gt;= timeout
 *   sample: no memory breach, or any connection ──▶ reset (idle = false)
 * </pre>
 *
 * <p>Threading: {@link #evaluate} runs on the monitor's sampling thread after each sample; {@link #idle()} may be
 * read from any thread.
 */
public final class IdleMemoryBreachRule {

    private static final Logger LOG = LoggerFactory.getLogger(IdleMemoryBreachRule.class);

    private final LongSupplier connections;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;

    private boolean tracking;
    private long sinceNanos;
    private volatile boolean idle;

    /**
     * @param connections connections the server holds (admitted ones: refused sockets on their way out do not count)
     * @param timeout     how long the breach must last with no connection; positive
     * @param nanoClock   monotonic time ({@code System::nanoTime})
     */
    public IdleMemoryBreachRule(LongSupplier connections, Duration timeout, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.connections = connections;
        this.timeoutNanos = timeout.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Applies one sample: whether heap or direct memory is in breach now. */
    void evaluate(boolean memoryBreach) {
        if (!memoryBreach || connections.getAsLong() > 0) {
            tracking = false;
            idle = false;
            return;
        }
        long nowNanos = nanoClock.getAsLong();
        if (!tracking) {
            tracking = true;
            sinceNanos = nowNanos;
        }
        boolean nowIdle = nowNanos - sinceNanos >= timeoutNanos;
        if (nowIdle && !idle) {
            LOG.error("memory breach with no connections for {} s: it will not clear by itself; liveness fails",
                    Duration.ofNanos(nowNanos - sinceNanos).toSeconds());
        }
        idle = nowIdle;
    }

    /** Whether memory has been in breach with no connection for at least the timeout (as of the last sample). */
    public boolean idle() {
        return idle;
    }

    /** The timeout, for messages. */
    public Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }
}
