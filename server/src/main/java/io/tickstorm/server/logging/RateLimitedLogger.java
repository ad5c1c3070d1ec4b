package io.tickstorm.server.logging;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A WARN (or ERROR) channel that lets at most {@code maxPerInterval} messages through per interval and drops the
 * rest, so that a wave of failures (thousands of failed logins, an out-of-memory storm on every connection) writes a
 * handful of lines, not thousands of stack traces. The first message let through after some were dropped ends with
 * {@code [N similar messages suppressed]}, so the log still says how big the wave was.
 *
 * <p>Intervals are fixed windows that start at the first message after the previous one ended. One instance per
 * kind of message (its own budget): a flood of one kind never hides another. Thread-safe; the budget is a short
 * {@code synchronized} step and the logger is called outside it. Meant for failure paths, never per message or per
 * tick: each call may allocate its argument array.
 */
public final class RateLimitedLogger {

    private final Logger logger;
    private final int maxPerInterval;
    private final long intervalNanos;
    private final LongSupplier nanoClock;

    /** Guarded by {@code this}. */
    private long windowStartNanos;
    private int loggedInWindow;
    private long suppressed;
    private boolean started;

    /**
     * @param logger         where the messages go
     * @param maxPerInterval messages let through per interval, at least 1
     * @param interval       length of one window, positive
     */
    public RateLimitedLogger(Logger logger, int maxPerInterval, Duration interval) {
        this(logger, maxPerInterval, interval, System::nanoTime);
    }

    /** As the public constructor, on a given monotonic clock (tests). */
    public RateLimitedLogger(Logger logger, int maxPerInterval, Duration interval, LongSupplier nanoClock) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (maxPerInterval < 1) {
            throw new IllegalArgumentException("maxPerInterval must be at least 1, was " + maxPerInterval);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.maxPerInterval = maxPerInterval;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs at WARN unless this interval's budget is spent. Arguments as SLF4J's (a trailing Throwable included). */
    public void warn(String format, Object... arguments) {
        long dropped = admit();
        if (dropped >= 0 && logger.isWarnEnabled()) {
            logger.warn(withSuppressed(format, dropped), withSuppressed(arguments, dropped));
        }
    }

    /** Logs at ERROR unless this interval's budget is spent. */
    public void error(String format, Object... arguments) {
        long dropped = admit();
        if (dropped >= 0 && logger.isErrorEnabled()) {
            logger.error(withSuppressed(format, dropped), withSuppressed(arguments, dropped));
        }
    }

    /** Messages dropped and not yet reported. */
    public synchronized long pendingSuppressed() {
        return suppressed;
    }

    /** -1 to drop this message; otherwise how many were dropped since the last message let through. */
    private synchronized long admit() {
        long nowNanos = nanoClock.getAsLong();
        if (!started || nowNanos - windowStartNanos >= intervalNanos) {
            started = true;
            windowStartNanos = nowNanos;
            loggedInWindow = 0;
        }
        if (loggedInWindow >= maxPerInterval) {
            suppressed++;
            return -1;
        }
        loggedInWindow++;
        long dropped = suppressed;
        suppressed = 0;
        return dropped;
    }

    private static String withSuppressed(String format, long dropped) {
        return dropped == 0 ? format : format + " [{} similar messages suppressed]";
    }

    /** Inserts the count before a trailing Throwable, which SLF4J only treats as such in last place. */
    private static Object[] withSuppressed(Object[] arguments, long dropped) {
        if (dropped == 0) {
            return arguments;
        }
        int n = arguments.length;
        boolean trailingThrowable = n > 0 && arguments[n - 1] instanceof Throwable;
        Object[] extended = Arrays.copyOf(arguments, n + 1);
        if (trailingThrowable) {
            extended[n - 1] = dropped;
            extended[n] = arguments[n - 1];
        } else {
            extended[n] = dropped;
        }
        return extended;
    }
}
