package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.client.ResumeListener;
import io.tickstorm.protocol.client.ServerAddress;
import io.tickstorm.protocol.proto.DataBatch;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Prints each batch's ticks, warns about sequence gaps, and tells the CLI's main thread when to stop: after
 * {@code countLimit} batches, when standard output is closed (a {@link PrintStream} swallows the IOException, so
 * {@link PrintStream#checkError()} is asked after each batch), or when the subscription ends. Connection events go
 * to a {@link ConnectionEventPrinter}. Callbacks run on the subscription's event loop; the main thread only
 * {@linkplain #await waits}.
 */
final class StreamPrinter implements ResumeListener {

    /** Why streaming stopped. */
    enum Outcome {
        COUNT_REACHED,
        DURATION_ELAPSED,
        OUTPUT_CLOSED,
        TERMINATED
    }

    private final TickFormat format;
    private final long countLimit;
    private final PrintStream out;
    private final PrintStream err;
    private final ConnectionEventPrinter events;
    private final StringBuilder line = new StringBuilder(256);
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private long batches;

    /** @param countLimit batches to print, the snapshot included; 0 for no limit */
    StreamPrinter(TickFormat format, long countLimit, PrintStream out, PrintStream err,
            ConnectionEventPrinter events) {
        this.format = format;
        this.countLimit = countLimit;
        this.out = out;
        this.err = err;
        this.events = events;
    }

    @Override
    public void onBatch(DataBatch batch) {
        if (outcome.isDone()) {
            return;
        }
        format.appendBatch(line, batch);
        out.print(line);
        line.setLength(0);
        // checkError flushes, then says whether any write failed: a closed pipe (`| head`) ends the run at once.
        if (out.checkError()) {
            outcome.complete(Outcome.OUTPUT_CLOSED);
            return;
        }
        if (countLimit > 0 && ++batches >= countLimit) {
            outcome.complete(Outcome.COUNT_REACHED);
        }
    }

    @Override
    public void onGap(long expected, long actual) {
        err.println("warning: batch_sequence gap: expected " + expected + ", got " + actual
                + (actual < expected ? " (duplicate or out of order)" : " (" + (actual - expected) + " lost)"));
    }

    @Override
    public void onConnecting(ServerAddress address, int attempt) {
        events.connecting(address, attempt);
    }

    @Override
    public void onSubscribed(ServerAddress address, long startTimeMs, boolean resumed) {
        events.subscribed(address, startTimeMs, resumed);
    }

    @Override
    public void onDisconnected(ServerAddress address, boolean subscribed, Throwable cause) {
        events.disconnected(address, subscribed, cause);
    }

    @Override
    public void onReconnectScheduled(ServerAddress next, long delayMillis) {
        events.reconnectScheduled(next, delayMillis);
    }

    @Override
    public void onResumeImpossible(String reason) {
        events.resumeImpossible(reason);
    }

    /** The subscription ended by itself (its cause is in its {@code terminated()} future). */
    void terminated() {
        outcome.complete(Outcome.TERMINATED);
    }

    /** Waits for the count, a closed output or the end, at most {@code duration} ({@code null}: no limit). */
    Outcome await(Duration duration) throws InterruptedException {
        try {
            return duration == null ? outcome.get() : outcome.get(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Outcome.DURATION_ELAPSED;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the outcome is never completed exceptionally", e);
        }
    }
}
