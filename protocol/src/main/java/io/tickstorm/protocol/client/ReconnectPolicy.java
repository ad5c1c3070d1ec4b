package io.tickstorm.protocol.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * When a {@link ResumingSubscription} reconnects: after the n-th failed attempt in a row it waits
 * {@code min(maxDelay, initialDelay * 2^(n-1))}, scaled by a random factor in [0.5, 1) (jitter, so that the clients a
 * shut-down server drops do not all return in the same instant), and then tries the next address. A successful
 * subscription resets the count.
 *
 * @param enabled whether to reconnect at all; when off, only the initial connection tries each address once
 * @param initialDelay the wait before the first reconnect
 * @param maxDelay the cap on any wait
 * @param silenceTimeout close and reconnect when nothing (no batch, no PONG) arrives for this long after subscribing;
 *     catches a dead server or path that never closes the socket. Must exceed the heartbeat interval, since PONGs are
 *     the only traffic on a quiet stream.
 */
public record ReconnectPolicy(boolean enabled, Duration initialDelay, Duration maxDelay, Duration silenceTimeout) {

    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(250);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    /** Two default heartbeat intervals: one lost PONG is tolerated. */
    public static final Duration DEFAULT_SILENCE_TIMEOUT = TickClientOptions.DEFAULT_HEARTBEAT_INTERVAL.multipliedBy(2);

    /** Reconnects with the default delays. */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(true, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY,
            DEFAULT_SILENCE_TIMEOUT);
    /** Never reconnects: the first session end is final. */
    public static final ReconnectPolicy NEVER = new ReconnectPolicy(false, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY,
            DEFAULT_SILENCE_TIMEOUT);

    public ReconnectPolicy {
        requirePositive(initialDelay, "initialDelay");
        requirePositive(maxDelay, "maxDelay");
        requirePositive(silenceTimeout, "silenceTimeout");
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay: " + maxDelay + " is below initialDelay " + initialDelay);
        }
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected > 0)");
        }
    }

    /**
     * The wait before attempt {@code failures + 1}.
     *
     * @param failures failed attempts in a row so far, at least 1
     * @param random a source of values in [0, 1)
     */
    public Duration delay(int failures, DoubleSupplier random) {
        long initialNanos = initialDelay.toNanos();
        long maxNanos = maxDelay.toNanos();
        int doublings = Math.min(Math.max(failures - 1, 0), 62);
        long nanos = initialNanos > (maxNanos >> doublings) ? maxNanos : Math.min(maxNanos, initialNanos << doublings);
        return Duration.ofNanos((long) (nanos * (0.5 + 0.5 * random.getAsDouble())));
    }
}
