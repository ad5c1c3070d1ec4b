package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every callback, for assertions from the test thread; waits are bounded. */
final class RecordingListener implements TickListener {

    static final long WAIT_SECONDS = 10;

    final BlockingQueue<DataBatch> batches = new LinkedBlockingQueue<>();
    final BlockingQueue<ErrorResponse> errors = new LinkedBlockingQueue<>();
    final BlockingQueue<HeartbeatResponse> pongs = new LinkedBlockingQueue<>();
    /** Each gap as {expected, actual}. */
    final BlockingQueue<long[]> gaps = new LinkedBlockingQueue<>();
    /** Completes once, with the close cause (empty for a close by the client). */
    final CompletableFuture<Optional<Throwable>> closed = new CompletableFuture<>();

    @Override
    public void onBatch(DataBatch batch) {
        batches.add(batch);
    }

    @Override
    public void onError(ErrorResponse error) {
        errors.add(error);
    }

    @Override
    public void onPong(HeartbeatResponse pong) {
        pongs.add(pong);
    }

    @Override
    public void onGap(long expected, long actual) {
        gaps.add(new long[] {expected, actual});
    }

    @Override
    public void onClosed(Throwable cause) {
        if (!closed.complete(Optional.ofNullable(cause))) {
            throw new AssertionError("onClosed called twice");
        }
    }

    static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T value = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(value, "nothing arrived within " + WAIT_SECONDS + " s");
        return value;
    }

    Optional<Throwable> awaitClosed() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
