package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The session's heartbeat rules on an {@link EmbeddedChannel}, with time moved by hand. */
class SessionHandlerTest {

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final ErrorResponder responder = new ErrorResponder(metrics);

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new SessionHandler(new HeartbeatSweeps(Duration.ofSeconds(20)), responder, metrics, null),
                new ErrorTailHandler(responder));
        return channel;
    }

    private static Frame heartbeat(long sequence) {
        return new Frame(FrameType.HEARTBEAT, Unpooled.wrappedBuffer(HeartbeatRequest.newBuilder()
                .setSequence(sequence).setTimestampMs(42).build().toByteArray()));
    }

    @Test
    void answersEachHeartbeatWithAPongAndPushesTheDeadlineBack() {
        EmbeddedChannel channel = channel();
        for (int i = 1; i <= 5; i++) {
            channel.advanceTimeBy(15, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.writeInbound(heartbeat(i));
            OutboundMessage pong = channel.readOutbound();
            assertEquals(FrameType.PONG, pong.type());
            assertEquals(i, ((HeartbeatResponse) pong.body()).getSequence());
            assertEquals(42, ((HeartbeatResponse) pong.body()).getClientTimestampMs());
        }
        assertTrue(channel.isActive(), "a client heartbeating every 15 s outlives several 20 s timeouts");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void closesWithHeartbeatTimeoutWhenTheDeadlinePasses() {
        EmbeddedChannel channel = channel();
        channel.advanceTimeBy(19, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertNull(channel.readOutbound());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        OutboundMessage error = channel.readOutbound();
        assertEquals(ErrorCode.HEARTBEAT_TIMEOUT, ((ErrorResponse) error.body()).getCode());
        assertNull(channel.readOutbound(), "exactly one ERROR");
        assertFalse(channel.isOpen());
        assertEquals(1.0, metrics.registry().getSampleValue("tick_storm_heartbeat_timeouts_total"));
    }

    @Test
    void aSecondAuthIsAnsweredAndTheSessionContinues() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(new Frame(FrameType.AUTH, Unpooled.EMPTY_BUFFER));
        OutboundMessage error = channel.readOutbound();
        assertEquals(ErrorCode.ALREADY_AUTHENTICATED, ((ErrorResponse) error.body()).getCode());
        assertTrue(channel.isActive());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anUnparseableHeartbeatIsOneInvalidMessageThenClose() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(new Frame(FrameType.HEARTBEAT, Unpooled.wrappedBuffer(new byte[] {0x08})));
        OutboundMessage error = channel.readOutbound();
        assertEquals(ErrorCode.INVALID_MESSAGE, ((ErrorResponse) error.body()).getCode());
        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }
}
