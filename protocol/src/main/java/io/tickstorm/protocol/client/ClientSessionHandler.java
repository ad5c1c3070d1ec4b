package io.tickstorm.protocol.client;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client end of one session: matches ACK/ERROR to the outstanding AUTH and SUBSCRIBE requests, sends heartbeats
 * once authenticated, checks batch continuity and hands everything to the {@link TickListener}.
 *
 * <p>Stateful, one per connection. Apart from {@link #requestClose()}, every method runs on the channel's event loop.
 * The inbound {@link Frame} is released by {@link SimpleChannelInboundHandler} once {@link #channelRead0} returns;
 * payloads are parsed into heap messages before that.
 */
final class ClientSessionHandler extends SimpleChannelInboundHandler<Frame> {

    private final TickListener listener;
    private final boolean tls;
    private final long heartbeatIntervalNanos;
    private final long responseTimeoutNanos;
    private final BatchSequenceTracker sequences = new BatchSequenceTracker();
    private final ArrayDeque<PendingRequest> pending = new ArrayDeque<>();
    private final Runnable heartbeatTask = this::sendHeartbeat;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> heartbeats;
    private long heartbeatSequence;
    /** The first ERROR that ends the session (§5.7: the server's last frame), reported as the close cause. */
    private ErrorResponse fatalError;
    private Throwable failure;
    private boolean frameReceived;
    private volatile boolean closeRequested;

    ClientSessionHandler(TickClientOptions options, TickListener listener) {
        this.listener = listener;
        this.tls = options.tls();
        this.heartbeatIntervalNanos = options.heartbeatInterval().toNanos();
        this.responseTimeoutNanos = options.responseTimeout().toNanos();
    }

    /** An AUTH or SUBSCRIBE awaiting its ACK (matched by type) or an ERROR (matched by order). */
    private record PendingRequest(MessageType ackType, CompletableFuture<AckResponse> result,
            ScheduledFuture<?> timeout) {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
    }

    /** Marks the coming close as the client's own, so that {@link TickListener#onClosed} gets {@code null}. */
    void requestClose() {
        closeRequested = true;
    }

    /** Sends {@code message} and completes {@code result} with its ACK. */
    void request(OutboundMessage message, MessageType ackType, CompletableFuture<AckResponse> result) {
        if (!ctx.channel().isActive()) {
            // Say why it closed: with TLS 1.3 a refused client certificate closes the channel right after the
            // handshake, before the AUTH is written.
            Throwable cause = failure != null || fatalError != null ? closeCause() : null;
            result.completeExceptionally(cause instanceof TickClientException known ? known
                    : new TickClientException(ackType + ": not connected", cause));
            return;
        }
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> timeOut(ackType), responseTimeoutNanos,
                TimeUnit.NANOSECONDS);
        pending.addLast(new PendingRequest(ackType, result, timeout));
        ctx.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /** Sends one HEARTBEAT stamped with the wall clock and the next sequence number. */
    void sendHeartbeat() {
        if (!ctx.channel().isActive()) {
            return;
        }
        HeartbeatRequest heartbeat = HeartbeatRequest.newBuilder()
                .setTimestampMs(System.currentTimeMillis())
                .setSequence(++heartbeatSequence)
                .build();
        ctx.writeAndFlush(new OutboundMessage(FrameType.HEARTBEAT, heartbeat))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, Frame frame) {
        frameReceived = true;
        switch (frame.type()) {
            case DATA_BATCH -> onBatch(Payloads.parse(frame, DataBatch.class));
            case ERROR -> onError(Payloads.parse(frame, ErrorResponse.class));
            case ACK -> onAck(Payloads.parse(frame, AckResponse.class));
            case PONG -> listener.onPong(Payloads.parse(frame, HeartbeatResponse.class));
            // The decoder only lets server-to-client types through.
            default -> throw new IllegalStateException("unexpected " + frame.type());
        }
    }

    private void onBatch(DataBatch batch) {
        long sequence = Integer.toUnsignedLong(batch.getBatchSequence());
        long expected = sequences.observe(sequence);
        if (expected != BatchSequenceTracker.CONTINUOUS) {
            listener.onGap(expected, sequence);
        }
        listener.onBatch(batch);
    }

    private void onError(ErrorResponse error) {
        if (fatalError == null && endsSession(error.getCode())) {
            fatalError = error;
        }
        listener.onError(error);
        PendingRequest request = pending.pollFirst();
        if (request != null) {
            request.timeout().cancel(false);
            request.result().completeExceptionally(new TickClientException(error));
        }
    }

    /** PROTOCOL.md §5.2: these refusals leave the connection open; every other ERROR is followed by a close. */
    private static boolean endsSession(ErrorCode code) {
        return code != ErrorCode.ALREADY_AUTHENTICATED
                && code != ErrorCode.INVALID_SUBSCRIPTION
                && code != ErrorCode.ALREADY_SUBSCRIBED;
    }

    private void onAck(AckResponse ack) {
        for (Iterator<PendingRequest> it = pending.iterator(); it.hasNext(); ) {
            PendingRequest request = it.next();
            if (request.ackType() == ack.getAckType()) {
                it.remove();
                request.timeout().cancel(false);
                if (!ack.getSuccess()) {
                    request.result().completeExceptionally(
                            new TickClientException(ack.getAckType() + " not acknowledged: " + ack.getMessage()));
                    return;
                }
                if (ack.getAckType() == MessageType.AUTH) {
                    startHeartbeats();
                }
                request.result().complete(ack);
                return;
            }
        }
        // An ACK nobody asked for: the server is not following the protocol.
        throw new TickClientException("unsolicited ACK for " + ack.getAckType());
    }

    private void startHeartbeats() {
        if (heartbeatIntervalNanos > 0 && heartbeats == null) {
            heartbeats = ctx.executor().scheduleAtFixedRate(heartbeatTask, heartbeatIntervalNanos,
                    heartbeatIntervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void timeOut(MessageType ackType) {
        if (failure == null) {
            failure = new TickClientException("no answer to " + ackType + " within "
                    + TimeUnit.NANOSECONDS.toMillis(responseTimeoutNanos) + " ms");
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        // A handshake timeout reaches us only as this event, not as an exception.
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess() && failure == null) {
            failure = classify(handshake.cause());
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (failure == null) {
            failure = classify(cause);
        }
        context.close();
    }

    /** A TLS failure or a transport mismatch as a {@link TickClientException} saying so; others as they are. */
    private static Throwable classify(Throwable cause) {
        TickClientException known = TlsFailures.classify("TLS error", cause);
        return known != null ? known : cause;
    }

    /** The failure that ends this connection, if one has been seen. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        Throwable cause = closeCause();
        for (PendingRequest request; (request = pending.pollFirst()) != null; ) {
            request.timeout().cancel(false);
            request.result().completeExceptionally(cause instanceof TickClientException
                    ? cause
                    : new TickClientException("connection closed before the server answered "
                            + request.ackType(), cause));
        }
        listener.onClosed(cause);
        context.fireChannelInactive();
    }

    private Throwable closeCause() {
        if (fatalError != null) {
            return new TickClientException(fatalError);
        }
        if (failure != null) {
            return failure;
        }
        if (closeRequested) {
            return null;
        }
        if (!tls && !frameReceived && awaitingAuth()) {
            return new TickClientException(TickClientException.Kind.CLOSED_BEFORE_AUTH, "the server closed the"
                    + " connection before answering AUTH, without sending a byte, as a TLS server does to a plain-TCP"
                    + " client: if it speaks TLS, turn TLS on", null);
        }
        return new TickClientException("connection closed by the server");
    }

    private boolean awaitingAuth() {
        for (PendingRequest request : pending) {
            if (request.ackType() == MessageType.AUTH) {
                return true;
            }
        }
        return false;
    }
}
