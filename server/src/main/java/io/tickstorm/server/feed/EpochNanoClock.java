package io.tickstorm.server.feed;

import java.time.Clock;
import java.time.Instant;

/**
 * Wall-clock time in epoch nanoseconds. Bars close on wall-clock boundaries, so the feed follows this clock (not
 * {@link System#nanoTime()}, which drifts away from the wall clock that every replica shares). Tests pass a fake.
 */
@FunctionalInterface
public interface EpochNanoClock {

    /** The current time, nanoseconds since the epoch. */
    long epochNanos();

    /** The system UTC clock, at the precision the platform offers (micro- or nanoseconds on Linux). */
    static EpochNanoClock system() {
        Clock clock = Clock.systemUTC();
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }
}
