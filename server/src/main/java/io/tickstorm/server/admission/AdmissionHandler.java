package io.tickstorm.server.admission;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * First handler of every child pipeline: admits, delays or refuses a new connection before any later handler (TLS
 * included) sees it.
 *
 * <pre>
 *   channelActive ──refused──▶ autoRead off, responder (ERROR + close, or close); nothing propagates
 *        │
 *        ├─admitted, rate ok──▶ fireChannelActive
 *        └─admitted, over rate─▶ autoRead off, schedule on the channel's loop
 *                                   ──▶ later: fireChannelActive, autoRead restored
 *   channelInactive ──▶ free the slot counted at admission, for the address recorded then (and its
 *                       unauthenticated slot, unless {@link AdmissionControl#authenticated} freed that already)
 * </pre>
 * The peer address is kept in a channel attribute at admission because {@code remoteAddress()} may be gone by the
 * time the channel closes, and the decrement must match the increment. Later handlers see neither
 * {@code channelActive} nor {@code channelInactive} of a refused connection, nor of one that closed while delayed.
 * Only the two lifecycle events are overridden, so reads and writes skip this handler entirely.
 *
 * <p>{@code @Sharable}: its state lives in {@link AdmissionControl} and in the channel attribute; get the instance from
 * {@link AdmissionControl#handler()}.
 */
@Sharable
public final class AdmissionHandler extends ChannelInboundHandlerAdapter {

    static final AttributeKey<Admitted> ADMITTED = AttributeKey.valueOf(AdmissionHandler.class, "admitted");

    private final AdmissionControl control;

    AdmissionHandler(AdmissionControl control) {
        this.control = control;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress peer = ctx.channel().remoteAddress();
        Refusal refusal = control.admit(peer);
        if (refusal != null) {
            // No read may reach TLS or the decoder, which never saw the channel become active.
            ctx.channel().config().setAutoRead(false);
            control.refuse(ctx, peer, refusal);
            return;
        }
        Admitted admitted = new Admitted(peer, ctx.channel().config().isAutoRead());
        ctx.channel().attr(ADMITTED).set(admitted);
        long delayNanos = control.acceptDelayNanos(peer);
        if (delayNanos <= 0) {
            admitted.propagated = true;
            ctx.fireChannelActive();
            return;
        }
        // Turned off before the head context's read-if-auto-read, which runs right after this method returns.
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> proceed(ctx, admitted), delayNanos, TimeUnit.NANOSECONDS);
    }

    private static void proceed(ChannelHandlerContext ctx, Admitted admitted) {
        if (!ctx.channel().isActive() || admitted.propagated) {
            return;
        }
        admitted.propagated = true;
        ctx.fireChannelActive();
        ctx.channel().config().setAutoRead(admitted.autoRead);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Admitted admitted = ctx.channel().attr(ADMITTED).getAndSet(null);
        if (admitted == null) {
            return;
        }
        control.release(admitted);
        if (admitted.propagated) {
            ctx.fireChannelInactive();
        } else {
            control.refundDelay(admitted.peer);
        }
    }

    /** Per-channel admission record; touched only on the channel's event loop. */
    static final class Admitted {
        final SocketAddress peer;
        final boolean autoRead;
        boolean propagated;
        /** Counted against the unauthenticated caps until it authenticates or closes. */
        boolean unauthenticated = true;

        Admitted(SocketAddress peer, boolean autoRead) {
            this.peer = peer;
            this.autoRead = autoRead;
        }
    }
}
