package io.tickstorm.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long one HTTP connection may hold the port without progress: the slow-loris defence.
 *
 * <pre>
 *   accept ──▶ RECEIVING ──(request decoded)──▶ SERVING ──(response written)──▶ IDLE ──(first byte)──▶ RECEIVING
 *               request-timeout                 request-timeout                  idle-timeout
 * </pre>
 * Each phase has one deadline from the moment it began; a connection still in the phase at its deadline is closed.
 * A client that sends one header line every few seconds therefore holds its socket for at most the request timeout,
 * however it paces its bytes (a read timeout would be reset by every line).
 *
 * <p>It sits first in the pipeline, ahead of the codec, because only there is the first byte of a request visible
 * (the codec emits nothing until the headers are complete); it learns of the other transitions from
 * {@link HttpExchangeEvent}s. One instance per channel; everything runs on the channel's event loop.
 */
final class RequestDeadlineHandler extends ChannelInboundHandlerAdapter {

    private enum Phase {
        RECEIVING(HttpPortStats.Close.REQUEST_TIMEOUT),
        SERVING(HttpPortStats.Close.RESPONSE_TIMEOUT),
        IDLE(HttpPortStats.Close.IDLE_TIMEOUT);

        private final HttpPortStats.Close expiry;

        Phase(HttpPortStats.Close expiry) {
            this.expiry = expiry;
        }
    }

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final HttpPortStats stats;
    private Phase phase = Phase.RECEIVING;
    private long phaseStartNanos = System.nanoTime();
    private ScheduledFuture<?> deadline;

    RequestDeadlineHandler(long requestTimeoutNanos, long idleTimeoutNanos, HttpPortStats stats) {
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.stats = stats;
    }

    /** When the connection's current phase began ({@link System#nanoTime()}): the cap evicts the oldest. */
    long phaseStartNanos() {
        return phaseStartNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        enter(ctx, Phase.RECEIVING);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE) {
            enter(ctx, Phase.RECEIVING);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HttpExchangeEvent.REQUEST_RECEIVED) {
            enter(ctx, Phase.SERVING);
        } else if (evt == HttpExchangeEvent.RESPONSE_SENT) {
            enter(ctx, Phase.IDLE);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    private void enter(ChannelHandlerContext ctx, Phase next) {
        cancelDeadline();
        phase = next;
        phaseStartNanos = System.nanoTime();
        long timeoutNanos = next == Phase.IDLE ? idleTimeoutNanos : requestTimeoutNanos;
        // A cancelled task never runs: it would run on this same loop, so it cannot be under way while we cancel.
        deadline = ctx.executor().schedule(() -> expire(ctx, next), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx, Phase expired) {
        if (ctx.channel().isOpen()) {
            stats.closed(expired.expiry);
            ctx.close();
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
