package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.client.ServerAddress;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Says on stderr what happens to the connection of a {@code --reconnect} run: each attempt, subscription, loss and
 * scheduled retry, and when a resume cannot be lossless. Silent without {@code --reconnect} except for the loss of a
 * lossless resume, so that a plain run's stderr holds only warnings and the final error.
 */
final class ConnectionEventPrinter {

    private final PrintStream err;
    private final boolean verbose;

    /** @param verbose whether to report every step ({@code --reconnect}) */
    ConnectionEventPrinter(PrintStream err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    void connecting(ServerAddress address, int attempt) {
        if (verbose) {
            err.println("info: connecting to " + address + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
        }
    }

    void subscribed(ServerAddress address, long startTimeMs, boolean resumed) {
        if (verbose) {
            err.println("info: subscribed on " + address + (resumed
                    ? ", resuming from start_time_ms=" + startTimeMs + " (" + Instant.ofEpochMilli(startTimeMs) + ")"
                    : startTimeMs > 0 ? ", replaying from start_time_ms=" + startTimeMs : ""));
        }
    }

    void disconnected(ServerAddress address, boolean subscribed, Throwable cause) {
        if (verbose) {
            err.println("warning: " + (subscribed ? "lost " : "cannot reach ") + address + ": "
                    + TickClientCli.describe(cause));
        }
    }

    void reconnectScheduled(ServerAddress next, long delayMillis) {
        err.println("info: reconnecting to " + next + " in " + delayMillis + " ms");
    }

    void resumeImpossible(String reason) {
        err.println("warning: cannot resume losslessly: " + reason);
    }
}
