package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.MessageSizeEstimator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickstorm.server.connection.ErrorResponder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Slow-consumer protection (PROTOCOL.md §5.8), for every byte the server queues on a connection:
 *
 * <ul>
 *   <li><b>Outbound budget.</b> Every write (data, replay, PONG, ACK, ERROR) passes here, already framed, on its way
 *       to TLS and the socket; one that would take the connection's unsent bytes past the budget is refused and the
 *       connection is closed as SLOW_CONSUMER. Unsent bytes are those Netty's outbound buffer counts: queued on the
 *       channel plus, with TLS, the plaintext waiting in the {@code SslHandler}.
 *   <li><b>Write deadline.</b> A channel that stays unwritable (above its high water mark) longer than the deadline
 *       is closed as SLOW_CONSUMER: one timer per unwritable episode, armed when the channel turns unwritable and
 *       cancelled when it drains; nothing polls.
 *   <li><b>No reading while unwritable.</b> A client that does not read cannot make the server answer it: the
 *       {@link ReadGate} is paused for {@link ReadGate.Reason#UNWRITABLE} while the channel is unwritable.
 * </ul>
 *
 * Sits between TLS and the frame codec, so that writes from any handler (the session's PONG and ACK) and from the
 * channel (fan-out batches, ERRORs) all pass it. Per channel.
 */
public final class SlowConsumerGuard extends ChannelDuplexHandler {

    /**
     * What Netty's outbound buffer adds to its pending count for each queued message besides the message's bytes
     * (its default {@code io.netty.transport.outboundBufferEntrySizeOverhead}): counted here too, so that the pending
     * count never exceeds the budget, and ten thousand tiny PONGs cost what their bookkeeping costs.
     */
    static final int ENTRY_OVERHEAD_BYTES = 96;

    private final long budgetBytes;
    private final long deadlineNanos;
    private final ErrorResponder responder;
    private MessageSizeEstimator.Handle sizes;
    private ScheduledFuture<?> deadline;

    public SlowConsumerGuard(long budgetBytes, Duration deadline, ErrorResponder responder) {
        this.budgetBytes = budgetBytes;
        this.deadlineNanos = deadline.toNanos();
        this.responder = responder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sizes = ctx.channel().config().getMessageSizeEstimator().newHandle();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        if (outbound == null
                || outbound.totalPendingWriteBytes() + sizes.size(msg) + ENTRY_OVERHEAD_BYTES <= budgetBytes) {
            ctx.write(msg, promise);
            return;
        }
        ReferenceCountUtil.release(msg);
        // SLOW_CONSUMER first: the ERROR is best effort (it passes here too and is refused when it does not fit), and
        // the connection is marked closing, so the failed promise below reaches an error tail that ignores it.
        responder.slowConsumer(ctx.channel(), "outbound budget of " + budgetBytes + " bytes exceeded");
        promise.tryFailure(OutboundBudgetExceededException.INSTANCE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ReadGate gate = ReadGate.of(ctx.channel());
        if (!ctx.channel().isWritable()) {
            gate.pause(ReadGate.Reason.UNWRITABLE);
            if (deadline == null) {
                deadline = ctx.executor().schedule(() -> expire(ctx), deadlineNanos, TimeUnit.NANOSECONDS);
            }
        } else {
            gate.resume(ReadGate.Reason.UNWRITABLE);
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
