package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.ProtocolException;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.concurrent.TimeUnit;

/**
 * The inbound frame rate (PROTOCOL.md §5.8): a connection may send {@code burst} frames at once and
 * {@code framesPerSecond} on average; the first frame over that is RATE_LIMITED, then close (thrown to the error
 * tail). Frames decoded after it, from bytes already read, are dropped.
 *
 * <p>A token bucket kept as one number, the generic cell rate algorithm: {@code allowedAtNanos} is when the bucket
 * would be full again; each frame pushes it one emission interval later, and a frame that would push it more than
 * {@code burst} intervals past now is over the limit. Time is the event loop's ticker, read once per frame, so tests
 * move it with a mock ticker. Sits right after the frame decoder, so every frame counts, authenticated or not.
 * Per channel.
 */
public final class InboundRateLimiter extends ChannelInboundHandlerAdapter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long intervalNanos;
    private final long burstNanos;
    private final int framesPerSecond;
    private final int burst;
    private final ServerMetrics metrics;
    private long allowedAtNanos;
    private boolean started;
    private boolean exceeded;

    public InboundRateLimiter(int framesPerSecond, int burst, ServerMetrics metrics) {
        if (framesPerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive: " + framesPerSecond + "/s, "
                    + burst);
        }
        this.framesPerSecond = framesPerSecond;
        this.burst = burst;
        this.intervalNanos = Math.max(1, NANOS_PER_SECOND / framesPerSecond);
        this.burstNanos = intervalNanos * burst;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (exceeded) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long nowNanos = ctx.executor().ticker().nanoTime();
        if (!started || allowedAtNanos - nowNanos < 0) {
            started = true;
            allowedAtNanos = nowNanos;
        }
        long next = allowedAtNanos + intervalNanos;
        if (next - nowNanos > burstNanos) {
            exceeded = true;
            ReferenceCountUtil.release(msg);
            metrics.inboundRateLimited();
            // PROTOCOL.md §5.1: an ERROR 12 carries in details the seconds until sending would be allowed again.
            long retrySeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(next - nowNanos - burstNanos
                    + TimeUnit.SECONDS.toNanos(1) - 1));
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "more than " + burst + " frames at once or "
                    + framesPerSecond + " frames per second; retry in " + retrySeconds + " s",
                    Long.toString(retrySeconds));
        }
        allowedAtNanos = next;
        ctx.fireChannelRead(msg);
    }
}
