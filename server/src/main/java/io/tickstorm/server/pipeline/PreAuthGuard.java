package io.tickstorm.server.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.server.admission.AdmissionControl;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;

/**
 * What holds only until a connection has authenticated (PROTOCOL.md §2 and §5.1). It sits next to the socket, ahead
 * of TLS, so it sees every byte read and every read request:
 *
 * <pre>
 *   bytes read               charged to the server-wide {@link PreAuthBudget}; a read that does not fit is dropped
 *                            and the connection closed with SERVER_OVERLOADED (counted)
 *   {@link AuthEvent#VERIFYING}       the AUTH is decoded: the decoder pauses (what followed it in the same read stays
 *                            there, undecoded) and the socket is not read (autoRead off, read requests held back)
 *   {@link AuthEvent#AUTHENTICATED}   budget charge and unauthenticated admission slot released; the decoder's limit
 *                            goes from the pre-auth maximum to the normal one, it resumes (frames sent behind the
 *                            AUTH reach the session, after the ACK), reading resumes; this handler leaves
 * </pre>
 * A pipelining client therefore works, while an unauthenticated one can make the server hold at most the read that
 * carried its AUTH. A failed AUTH closes the connection; the charge is released when it goes. Per channel; the
 * decoder is the channel's own.
 */
public final class PreAuthGuard extends ChannelDuplexHandler {

    private final FrameDecoder decoder;
    private final int maxPayloadBytes;
    private final PreAuthBudget budget;
    private final AdmissionControl admission;
    private final ErrorResponder responder;
    private final ServerMetrics metrics;

    private long chargedBytes;
    private boolean holding;
    private boolean refused;

    /**
     * @param decoder         this channel's frame decoder, created with the pre-auth limit
     * @param maxPayloadBytes the decoder's limit once authenticated
     */
    public PreAuthGuard(FrameDecoder decoder, int maxPayloadBytes, PreAuthBudget budget, AdmissionControl admission,
            ErrorResponder responder, ServerMetrics metrics) {
        this.decoder = decoder;
        this.maxPayloadBytes = maxPayloadBytes;
        this.budget = budget;
        this.admission = admission;
        this.responder = responder;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            int bytes = buf.readableBytes();
            if (!budget.tryCharge(bytes)) {
                buf.release();
                refuse(ctx);
                return;
            }
            chargedBytes += bytes;
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx) {
        refused = true;
        ctx.channel().config().setAutoRead(false);
        metrics.preAuthBudgetRefused();
        responder.fatal(ctx.channel(), ErrorCode.SERVER_OVERLOADED,
                "server overloaded: too much pending from unauthenticated connections; retry later",
                "pre-auth buffer budget");
    }

    /** While an AUTH is verified, explicit read requests are held back too (autoRead alone covers the loop). */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!holding) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == AuthEvent.VERIFYING) {
            hold(ctx);
        } else if (evt == AuthEvent.AUTHENTICATED) {
            lift(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void hold(ChannelHandlerContext ctx) {
        if (holding) {
            return;
        }
        holding = true;
        decoder.pause();
        // Stops the transport's read loop after the current read, as well as future reads; composes with the
        // slow-consumer guard's pause (whichever lets go last resumes reading).
        ReadGate.of(ctx.channel()).pause(ReadGate.Reason.AUTH_PENDING);
    }

    private void lift(ChannelHandlerContext ctx) {
        releaseCharge();
        admission.authenticated(ctx.channel());
        decoder.maxPayloadBytes(maxPayloadBytes);
        boolean wasHolding = holding;
        holding = false;
        ctx.pipeline().remove(this);
        // The bytes behind the AUTH first, in order, then the socket.
        decoder.resume();
        if (wasHolding && ctx.channel().isActive()) {
            ReadGate.of(ctx.channel()).resume(ReadGate.Reason.AUTH_PENDING);
        }
    }

    private void releaseCharge() {
        budget.release(chargedBytes);
        chargedBytes = 0;
    }

    /** Bytes this connection has charged to the budget. */
    long chargedBytes() {
        return chargedBytes;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseCharge();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseCharge();
    }
}
