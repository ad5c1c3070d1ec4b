package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The inbound frame rate (PROTOCOL.md §5.8) on an {@link EmbeddedChannel} whose clock is a mock ticker. */
class InboundRateLimiterTest {

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final ErrorResponder responder = new ErrorResponder(metrics);
    private final MockTicker ticker = Ticker.newMockTicker();

    /** Counts (and releases) the frames the limiter lets through, in front of the error tail. */
    private static final class Passed extends ChannelInboundHandlerAdapter {
        int frames;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frames++;
            ReferenceCountUtil.release(msg);
        }
    }

    private final Passed passed = new Passed();

    private EmbeddedChannel channel(int framesPerSecond, int burst) {
        return EmbeddedChannel.builder().ticker(ticker).handlers(new InboundRateLimiter(framesPerSecond, burst,
                metrics), passed, new ErrorTailHandler(responder)).build();
    }

    private static Frame heartbeat() {
        return new Frame(FrameType.HEARTBEAT, Unpooled.buffer(0));
    }

    /** Writes {@code count} frames; returns how many went through. */
    private int send(EmbeddedChannel channel, int count) {
        int before = passed.frames;
        for (int i = 0; i < count; i++) {
            channel.writeInbound(heartbeat());
        }
        return passed.frames - before;
    }

    private static void assertRateLimitedAndClosed(EmbeddedChannel channel) {
        OutboundMessage error = channel.readOutbound();
        assertEquals(ErrorCode.RATE_LIMITED, ((ErrorResponse) error.body()).getCode());
        assertEquals("1", ((ErrorResponse) error.body()).getDetails(), "PROTOCOL.md §5.1: seconds until allowed");
        assertNull(channel.readOutbound(), "exactly one ERROR");
        assertFalse(channel.isOpen());
    }

    @Test
    void aBurstPassesAndTheFrameAfterItIsRateLimitedThenClosed() {
        EmbeddedChannel channel = channel(100, 1000);
        assertEquals(1000, send(channel, 1000));
        assertTrue(channel.isActive());
        int before = passed.frames;
        channel.writeInbound(heartbeat(), heartbeat(), heartbeat());
        assertEquals(before, passed.frames, "the 1,001st frame and those decoded with it are dropped");
        assertRateLimitedAndClosed(channel);
        assertEquals(1.0, metrics.registry().getSampleValue("tick_storm_inbound_rate_limited_total"));
        assertEquals(1.0, metrics.registry().getSampleValue("tick_storm_protocol_errors_total",
                new String[] {"code"}, new String[] {"rate_limited"}));
    }

    @Test
    void theBucketRefillsAtTheRate() {
        EmbeddedChannel channel = channel(100, 1000);
        assertEquals(1000, send(channel, 1000));
        ticker.advance(100, TimeUnit.MILLISECONDS);
        assertEquals(10, send(channel, 10), "100 frames/s: ten more after 100 ms");
        assertEquals(0, send(channel, 1));
        assertRateLimitedAndClosed(channel);
    }

    @Test
    void aClientAtTheRateIsNeverLimited() {
        EmbeddedChannel channel = channel(100, 1000);
        for (int second = 0; second < 60; second++) {
            for (int i = 0; i < 100; i++) {
                assertEquals(1, send(channel, 1));
                ticker.advance(10, TimeUnit.MILLISECONDS);
            }
        }
        assertTrue(channel.isActive());
        assertNull(channel.readOutbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anIdleConnectionEarnsNoMoreThanTheBurst() {
        EmbeddedChannel channel = channel(100, 1000);
        ticker.advance(1, TimeUnit.HOURS);
        assertEquals(1000, send(channel, 1000));
        assertEquals(0, send(channel, 1));
        assertRateLimitedAndClosed(channel);
    }
}
