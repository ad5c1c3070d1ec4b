package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The write deadline (PROTOCOL.md §5.8): a channel that stays unwritable (above its write-buffer high water mark)
 * longer than the deadline is closed as SLOW_CONSUMER. One timer per unwritable episode, armed when the channel
 * turns unwritable and cancelled when it drains: nothing polls. (The outbound budget is checked by the fan-out
 * before each write.) Per channel.
 */
public final class SlowConsumerGuard extends ChannelInboundHandlerAdapter {

    private final long deadlineNanos;
    private final ErrorResponder responder;
    private ScheduledFuture<?> deadline;

    public SlowConsumerGuard(Duration deadline, ErrorResponder responder) {
        this.deadlineNanos = deadline.toNanos();
        this.responder = responder;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            if (deadline == null) {
                deadline = ctx.executor().schedule(() -> expire(ctx), deadlineNanos, TimeUnit.NANOSECONDS);
            }
        } else {
            cancel();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (!ctx.channel().isWritable()) {
            responder.slowConsumer(ctx.channel(), "unwritable for longer than the write deadline of "
                    + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms");
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
