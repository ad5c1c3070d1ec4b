package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.entitlement.DenialReason;
import io.tickstorm.server.entitlement.EntitlementGuard;
import io.tickstorm.server.entitlement.Entitlements;
import io.tickstorm.server.entitlement.SymbolPatterns;
import io.tickstorm.server.fanout.FanOut;
import io.tickstorm.server.fanout.Subscriber;
import io.tickstorm.server.fanout.SubscriptionDeniedException;
import io.tickstorm.server.fanout.SubscriptionRejectedException;
import io.tickstorm.server.fanout.SubscriptionSpec;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.concurrent.TimeUnit;

/**
 * An authenticated connection (PROTOCOL.md §5.2 and §5.4): one SUBSCRIBE (a second one, valid or not, is
 * ALREADY_SUBSCRIBED; an invalid one is INVALID_SUBSCRIPTION; both leave the connection open), any number of
 * HEARTBEATs answered with PONG, and the heartbeat deadline. A second AUTH is ALREADY_AUTHENTICATED. Unparseable
 * payloads are fatal INVALID_MESSAGE, thrown to the error tail. The SUBSCRIBE is checked against the user's
 * entitlements (§5.11): a denial is INVALID_SUBSCRIPTION naming the symbol, counted and logged by the
 * {@link EntitlementGuard}, which also learns of the subscription so that a reload can end it. The heartbeat deadline
 * is watched by its event loop's {@link HeartbeatSweep}. Per channel.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter implements HeartbeatSweep.Watched {

    private final HeartbeatSweeps sweeps;
    private final ErrorResponder responder;
    private final ServerMetrics metrics;
    private final FanOut fanOut;
    /** Null: everyone is entitled to everything (handler tests). */
    private final EntitlementGuard entitlements;

    private HeartbeatSweep sweep;
    private ChannelHandlerContext ctx;
    private int sweepSlot = -1;
    private long lastHeartbeatNanos;
    private boolean subscribed;
    private Subscriber subscriber;

    /** A session without entitlements: every user may subscribe to every symbol. */
    public SessionHandler(HeartbeatSweeps sweeps, ErrorResponder responder, ServerMetrics metrics, FanOut fanOut) {
        this(sweeps, responder, metrics, fanOut, null);
    }

    public SessionHandler(HeartbeatSweeps sweeps, ErrorResponder responder, ServerMetrics metrics, FanOut fanOut,
            EntitlementGuard entitlements) {
        this.sweeps = sweeps;
        this.responder = responder;
        this.metrics = metrics;
        this.fanOut = fanOut;
        this.entitlements = entitlements;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        sweep = sweeps.of(ctx.executor());
        lastHeartbeatNanos = sweep.nowNanos();
        sweep.watch(this);
    }

    @Override
    public long lastHeartbeatNanos() {
        return lastHeartbeatNanos;
    }

    @Override
    public int sweepSlot() {
        return sweepSlot;
    }

    @Override
    public void sweepSlot(int slot) {
        sweepSlot = slot;
    }

    @Override
    public void heartbeatMissed() {
        if (!ConnectionState.of(ctx.channel()).closing()) {
            metrics.heartbeatTimedOut();
            responder.fatal(ctx.channel(), ErrorCode.HEARTBEAT_TIMEOUT, "no HEARTBEAT within "
                    + TimeUnit.NANOSECONDS.toMillis(sweep.timeoutNanos()) + " ms", "heartbeat");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            switch (frame.type()) {
                case AUTH -> responder.nonFatal(ctx.channel(), ErrorCode.ALREADY_AUTHENTICATED,
                        "this connection is already authenticated", "");
                case HEARTBEAT -> heartbeat(ctx, Payloads.parse(frame, HeartbeatRequest.class));
                case SUBSCRIBE -> subscribe(ctx, frame);
                default -> throw new IllegalStateException("the decoder let a " + frame.type() + " frame through");
            }
        } finally {
            frame.release();
        }
    }

    private void heartbeat(ChannelHandlerContext ctx, HeartbeatRequest request) {
        lastHeartbeatNanos = sweep.nowNanos();
        HeartbeatResponse pong = HeartbeatResponse.newBuilder().setClientTimestampMs(request.getTimestampMs())
                .setServerTimestampMs(System.currentTimeMillis()).setSequence(request.getSequence()).build();
        ctx.writeAndFlush(OutboundMessage.of(pong), ctx.voidPromise());
    }

    private void subscribe(ChannelHandlerContext ctx, Frame frame) {
        if (subscribed) {
            responder.nonFatal(ctx.channel(), ErrorCode.ALREADY_SUBSCRIBED, "this connection is already subscribed",
                    "");
            return;
        }
        SubscribeRequest request = Payloads.parse(frame, SubscribeRequest.class);
        // One snapshot per SUBSCRIBE: the check and the registration below see the same entitlements.
        Entitlements snapshot = entitlements != null ? entitlements.current() : null;
        SymbolPatterns entitled = snapshot != null ? snapshot.of(ConnectionState.of(ctx.channel()).username())
                : SymbolPatterns.EVERYTHING;
        SubscriptionSpec spec;
        try {
            spec = fanOut.validator().validate(request, entitled);
        } catch (SubscriptionDeniedException denied) {
            if (entitlements != null) {
                entitlements.denied(ctx.channel(), denied.symbol().isEmpty() ? DenialReason.NO_ENTITLEMENT
                        : DenialReason.NOT_ENTITLED, denied.symbol(), request.getSymbolsList());
            }
            responder.nonFatal(ctx.channel(), ErrorCode.INVALID_SUBSCRIPTION, denied.getMessage(), denied.details());
            return;
        } catch (SubscriptionRejectedException rejected) {
            responder.nonFatal(ctx.channel(), ErrorCode.INVALID_SUBSCRIPTION, rejected.getMessage(), rejected.field());
            return;
        }
        subscribed = true;
        AckResponse ack = AckResponse.newBuilder().setAckType(MessageType.SUBSCRIBE).setSuccess(true)
                .setMessage("subscribed to " + spec.mode() + ", "
                        + (spec.allSymbols() ? "every symbol" : spec.symbols().length + " symbols"))
                .setTimestampMs(System.currentTimeMillis()).build();
        ctx.writeAndFlush(OutboundMessage.of(ack), ctx.voidPromise());
        subscriber = fanOut.join(ctx.channel(), spec);
        if (entitlements != null) {
            entitlements.subscribed(ctx.channel(), entitled, snapshot, spec.symbols(), spec.allSymbols());
        }
    }

    private void end(ChannelHandlerContext ctx) {
        sweep.unwatch(this);
        if (subscriber != null) {
            fanOut.leave(subscriber);
            subscriber = null;
            if (entitlements != null) {
                entitlements.unsubscribed(ctx.channel());
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(ctx);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end(ctx);
    }
}
