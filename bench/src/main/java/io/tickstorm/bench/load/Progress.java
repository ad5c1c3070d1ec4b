package io.tickstorm.bench.load;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's progress lines on stderr (stdout keeps the report): at most one every {@code --progress-seconds}
 * while connecting, holding and draining, so a long run shows it is alive and how far it got. Used by the
 * coordinator thread only.
 */
final class Progress {

    private final PrintStream err;
    private final long intervalNanos;
    private final long startNanos;
    private long lastNanos;

    Progress(PrintStream err, int intervalSeconds, long startNanos) {
        this.err = err;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
    }

    /** Prints {@code state} if the interval has passed since the last line (never when the interval is 0). */
    void maybePrint(long nowNanos, String state) {
        if (intervalNanos == 0 || nowNanos - lastNanos < intervalNanos) {
            return;
        }
        lastNanos = nowNanos;
        err.println(line(TimeUnit.NANOSECONDS.toSeconds(nowNanos - startNanos), state));
        err.flush();
    }

    static String line(long elapsedSeconds, String state) {
        return String.format(Locale.ROOT, "[tick-storm-bench %d s] %s", Math.max(0, elapsedSeconds), state);
    }

    /** "connecting (round 1 of 2): 4,500 subscribed, 12 failed of 10,000" from the workers' last reports. */
    static String connecting(List<long[]> reports, int rounds, int connections) {
        long round = 0;
        long subscribed = 0;
        long failed = 0;
        for (long[] r : reports) {
            if (r != null) {
                round = Math.max(round, r[0]);
                subscribed += r[1];
                failed += r[2];
            }
        }
        return String.format(Locale.ROOT, "connecting (round %d of %d): %,d subscribed, %,d failed of %,d",
                round + 1, rounds, subscribed, failed, connections);
    }

    /** "holding: 25 of 75 s" (elapsed clamped to 0..total). */
    static String holding(long elapsedSeconds, long totalSeconds) {
        return String.format(Locale.ROOT, "holding: %d of %d s", Math.min(Math.max(0, elapsedSeconds), totalSeconds),
                totalSeconds);
    }
}
