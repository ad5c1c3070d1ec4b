package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RealtimeBatchingTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final byte[] NAME = "MSFT".getBytes(StandardCharsets.US_ASCII);

    private EventLoop[] loops;
    private RealtimeStream stream;

    @BeforeEach
    void stream() {
        loops = new EventLoop[] {new DefaultEventLoop(), new DefaultEventLoop()};
        stream = new RealtimeStream(new StreamKey(SubscriptionMode.REALTIME, new int[0], true), 4, loops,
                new ServerMetrics().mode("realtime"), new BatchBuilder(UnpooledByteBufAllocator.DEFAULT, 65_536,
                        SubscriptionMode.REALTIME_VALUE));
        stream.groups[0].registered.set(50);
        stream.groups[1].registered.set(50);
    }

    @AfterEach
    void release() {
        stream.pending.discard();
        for (EventLoop loop : loops) {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    private void pending() {
        int size = stream.pending.tickSize(NAME, 1, 1.0, 1.0, 1.0, 1.0, 1, 1);
        stream.pending.add(size, NAME, 1, 1.0, 1.0, 1.0, 1.0, 1, 1, 1);
    }

    private void lastSealedAt(long nanos) {
        stream.sequence = 7;
        stream.lastSealNanos = nanos;
    }

    @Test
    void nothingPendingIsNeverDue() {
        assertEquals(Long.MAX_VALUE, new RealtimeBatching(0).dueInNanos(stream, 1_000 * MS));
    }

    @Test
    void pendingTicksGoAtOnceWhenNothingIsInFlight() {
        lastSealedAt(999 * MS);
        pending();
        assertEquals(0, new RealtimeBatching(0).dueInNanos(stream, 1_000 * MS));
    }

    @Test
    void aBatchInFlightHoldsTheNextUntilItsRoundEnds() {
        pending();
        stream.inFlight.set(1);
        assertEquals(Long.MAX_VALUE, new RealtimeBatching(0).dueInNanos(stream, 5_000 * MS));
    }

    @Test
    void theBatchWindowSpacesBatchesFromThePreviousOne() {
        lastSealedAt(1_000 * MS);
        pending();
        RealtimeBatching batching = new RealtimeBatching(20 * MS);
        assertEquals(15 * MS, batching.dueInNanos(stream, 1_005 * MS));
        assertEquals(0, batching.dueInNanos(stream, 1_020 * MS));
    }

    @Test
    void withABatchWindowATickOnAQuietStreamGoesAtOnce() {
        RealtimeBatching batching = new RealtimeBatching(20 * MS);
        pending();
        assertEquals(0, batching.dueInNanos(stream, 1_000 * MS), "the stream's first batch");
        lastSealedAt(1_000 * MS);
        assertEquals(0, batching.dueInNanos(stream, 1_500 * MS), "nothing sent for longer than the window");
    }
}
