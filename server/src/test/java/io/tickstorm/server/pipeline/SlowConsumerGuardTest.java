package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.codec.FrameEncoder;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbound budget, the write deadline and the read pause (PROTOCOL.md §5.8) on an {@link EmbeddedChannel}:
 * nothing is flushed, so everything written stays pending as it would for a peer that does not read.
 */
class SlowConsumerGuardTest {

    private static final int BUDGET_BYTES = 4096;
    private static final int HIGH_WATER_BYTES = 2048;

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final ErrorResponder responder = new ErrorResponder(metrics);

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(HIGH_WATER_BYTES / 2, HIGH_WATER_BYTES));
        // As in the server: the guard on the socket side of the encoder, so it sees framed bytes.
        channel.pipeline().addLast(new SlowConsumerGuard(BUDGET_BYTES, Duration.ofSeconds(5), responder),
                new FrameEncoder(), new ErrorTailHandler(responder));
        return channel;
    }

    private static OutboundMessage pong(long sequence) {
        return OutboundMessage.of(HeartbeatResponse.newBuilder().setSequence(sequence).setServerTimestampMs(1)
                .build());
    }

    private static long pending(EmbeddedChannel channel) {
        return channel.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    @Test
    void controlFramesCountAgainstTheBudgetAndTheOneOverItClosesAsSlowConsumer() {
        EmbeddedChannel channel = channel();
        int written = 0;
        while (channel.isOpen() && written < 10_000) {
            channel.write(pong(++written), channel.voidPromise());
            assertTrue(!channel.isOpen() || pending(channel) <= BUDGET_BYTES, "never queues past the budget");
        }
        assertFalse(channel.isOpen(), "PONGs alone exhausted the budget and closed the connection");
        assertTrue(written > 10 && written < 1000, "some dozens of PONGs fit in 4 KiB, got " + written);
        assertEquals(1.0, metrics.registry().getSampleValue("tick_storm_slow_consumer_disconnects_total"));
        channel.finishAndReleaseAll();
    }

    @Test
    void aRefusedWriteIsReleasedAndItsPromiseFails() {
        EmbeddedChannel channel = channel();
        channel.write(Unpooled.wrappedBuffer(new byte[BUDGET_BYTES - 100]));
        ByteBuf tooMuch = Unpooled.buffer(200).writeZero(200);
        ChannelFuture refused = channel.write(tooMuch);
        assertFalse(refused.isSuccess());
        assertSame(OutboundBudgetExceededException.class, refused.cause().getClass());
        assertEquals(0, tooMuch.refCnt(), "the guard released what it refused");
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void writesWithinTheBudgetPassUntouched() {
        EmbeddedChannel channel = channel();
        ByteBuf batch = Unpooled.wrappedBuffer(new byte[BUDGET_BYTES / 2]);
        assertTrue(channel.writeAndFlush(batch).isSuccess());
        assertSame(batch, channel.readOutbound());
        batch.release();
        assertTrue(channel.isActive());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void readingPausesWhileUnwritableAndResumesWhenDrained() {
        EmbeddedChannel channel = channel();
        channel.write(Unpooled.wrappedBuffer(new byte[HIGH_WATER_BYTES + 1]));
        assertFalse(channel.isWritable());
        assertFalse(channel.config().isAutoRead(), "no reading while the peer does not take what it is sent");
        channel.flush();
        assertTrue(channel.isWritable());
        assertTrue(channel.config().isAutoRead());
        assertTrue(channel.isActive());
        channel.finishAndReleaseAll();
    }

    @Test
    void theReadPauseComposesWithAnotherReason() {
        EmbeddedChannel channel = channel();
        ReadGate.of(channel).pause(ReadGate.Reason.AUTH_PENDING);
        channel.write(Unpooled.wrappedBuffer(new byte[HIGH_WATER_BYTES + 1]));
        channel.flush();
        assertTrue(channel.isWritable());
        assertFalse(channel.config().isAutoRead(), "draining does not end a pause the guard did not take");
        channel.finishAndReleaseAll();
    }

    @Test
    void staysUnwritablePastTheDeadlineClosesAsSlowConsumer() {
        EmbeddedChannel channel = channel();
        channel.write(Unpooled.wrappedBuffer(new byte[HIGH_WATER_BYTES + 1]));
        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertEquals(1.0, metrics.registry().getSampleValue("tick_storm_slow_consumer_disconnects_total"));
        channel.finishAndReleaseAll();
    }
}
