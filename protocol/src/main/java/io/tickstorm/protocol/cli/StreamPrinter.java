package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.client.TickListener;
import io.tickstorm.protocol.proto.DataBatch;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Prints each batch's ticks, warns about sequence gaps, and tells the CLI's main thread when to stop: after
 * {@code countLimit} batches, or when the connection closes. Callbacks run on the client's event loop; the main
 * thread only {@linkplain #await waits}.
 */
final class StreamPrinter implements TickListener {

    /** Why streaming stopped. */
    enum Outcome {
        COUNT_REACHED,
        DURATION_ELAPSED,
        CLOSED
    }

    private final TickFormat format;
    private final long countLimit;
    private final PrintStream out;
    private final PrintStream err;
    private final StringBuilder line = new StringBuilder(256);
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private long batches;
    private volatile long gaps;
    private volatile Throwable closeCause;

    /** @param countLimit batches to print, the snapshot included; 0 for no limit */
    StreamPrinter(TickFormat format, long countLimit, PrintStream out, PrintStream err) {
        this.format = format;
        this.countLimit = countLimit;
        this.out = out;
        this.err = err;
    }

    @Override
    public void onBatch(DataBatch batch) {
        if (outcome.isDone()) {
            return;
        }
        format.appendBatch(line, batch);
        out.print(line);
        out.flush();
        line.setLength(0);
        if (countLimit > 0 && ++batches >= countLimit) {
            outcome.complete(Outcome.COUNT_REACHED);
        }
    }

    @Override
    public void onGap(long expected, long actual) {
        gaps++;
        err.println("warning: batch_sequence gap: expected " + expected + ", got " + actual
                + (actual < expected ? " (duplicate or out of order)" : " (" + (actual - expected) + " lost)"));
    }

    @Override
    public void onClosed(Throwable cause) {
        closeCause = cause;
        outcome.complete(Outcome.CLOSED);
    }

    /** Waits for the count or the close, at most {@code duration} ({@code null}: no limit). */
    Outcome await(Duration duration) throws InterruptedException {
        try {
            return duration == null ? outcome.get() : outcome.get(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Outcome.DURATION_ELAPSED;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the outcome is never completed exceptionally", e);
        }
    }

    /** Sequence gaps seen so far. */
    long gaps() {
        return gaps;
    }

    /** What {@link TickListener#onClosed} was given; meaningful after {@link Outcome#CLOSED}. */
    Throwable closeCause() {
        return closeCause;
    }
}
