package io.tickstorm.server.testing;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved subscriber reading on its own thread and checking that every batch after its snapshot carries the
 * previous number + 1 (PROTOCOL.md §5.5), for tests in which other clients misbehave. It heartbeats every
 * {@value #HEARTBEAT_INTERVAL_MS} ms, so it may run past the heartbeat timeout.
 */
public final class CheckedSubscriber implements AutoCloseable {

    static final long HEARTBEAT_INTERVAL_MS = 5_000;

    private final RawClient client;
    private final Thread reader;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private volatile Throwable failure;
    private volatile boolean closing;

    private CheckedSubscriber(RawClient client) {
        this.client = client;
        this.reader = new Thread(this::read, "checked-subscriber");
        reader.setDaemon(true);
    }

    /** Authenticates, subscribes with {@code request}, checks the ACK and starts reading. */
    public static CheckedSubscriber start(InetSocketAddress address, SubscribeRequest request) throws IOException {
        RawClient client = RawClient.connect(address);
        client.authenticate();
        client.subscribe(request);
        RawClient.Received ack = client.read();
        if (ack.type() != FrameType.ACK.code()) {
            client.close();
            throw new AssertionError("expected the SUBSCRIBE ACK, got " + ack);
        }
        CheckedSubscriber subscriber = new CheckedSubscriber(client);
        subscriber.reader.start();
        return subscriber;
    }

    private void read() {
        long previous = -1;
        long nextHeartbeatNanos = System.nanoTime();
        try {
            for (long heartbeat = 1; ; ) {
                if (System.nanoTime() - nextHeartbeatNanos >= 0) {
                    client.heartbeat(heartbeat++);
                    nextHeartbeatNanos += HEARTBEAT_INTERVAL_MS * 1_000_000L;
                }
                RawClient.Received frame = client.read();
                if (frame.type() == FrameType.PONG.code()) {
                    continue;
                }
                DataBatch batch = frame.batch();
                long sequence = Integer.toUnsignedLong(batch.getBatchSequence());
                if (previous >= 0 && !batch.getIsSnapshot() && sequence != previous + 1) {
                    gaps.incrementAndGet();
                }
                previous = sequence;
                batches.incrementAndGet();
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    public long batches() {
        return batches.get();
    }

    /** Batches whose number was not the previous one + 1. */
    public long gaps() {
        return gaps.get();
    }

    /** What ended the reader before {@link #close()}, or null: the server closed it, or a frame was wrong. */
    public Throwable failure() {
        return failure;
    }

    /** Waits until {@code more} batches beyond the current count arrived; fails after {@code timeoutMillis}. */
    public void awaitMore(long more, long timeoutMillis) throws InterruptedException {
        long target = batches.get() + more;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (batches.get() < target) {
            if (failure != null) {
                throw new AssertionError("the subscriber's stream ended", failure);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("fewer than " + more + " batches within " + timeoutMillis + " ms");
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closing = true;
        client.close();
        reader.join(10_000);
    }
}
