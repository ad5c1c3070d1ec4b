package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.codec.ProtocolException;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.server.auth.AuthReason;
import io.tickstorm.server.auth.AuthResult;
import io.tickstorm.server.auth.Authenticator;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Authentication (PROTOCOL.md §5.1): the first frame must be AUTH and must arrive within the auth timeout.
 *
 * <p>A SUBSCRIBE or HEARTBEAT first, whatever its payload, or silence until the deadline: AUTH_REQUIRED. An
 * unparseable AuthRequest or wrong credentials: INVALID_AUTH. An address over its failed-login budget:
 * RATE_LIMITED. The check itself runs on the authenticator's hash threads, never on this event loop. Meanwhile
 * nothing more is read or decoded: this handler fires {@link AuthEvent#VERIFYING} through the pipeline and
 * {@link PreAuthGuard} stops the reads and pauses the decoder, so frames sent behind the AUTH wait (in the socket, or
 * in the decoder for those that came in the same read). On success this handler writes the ACK, adds the session
 * handler after itself, removes itself and fires {@link AuthEvent#AUTHENTICATED}: the waiting frames then reach the
 * session, in order. Per channel, not sharable.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {

    private final Authenticator authenticator;
    private final long timeoutNanos;
    private final ErrorResponder responder;
    private final ServerMetrics metrics;
    private final Map<String, String> ackMetadata;
    private final Supplier<? extends ChannelHandler> sessionFactory;
    private final String sessionName;

    private ScheduledFuture<?> deadline;
    private boolean verifying;
    private String username;

    public AuthHandler(Authenticator authenticator, Duration timeout, ErrorResponder responder, ServerMetrics metrics,
            Map<String, String> ackMetadata, String sessionName, Supplier<? extends ChannelHandler> sessionFactory) {
        this.authenticator = authenticator;
        this.timeoutNanos = timeout.toNanos();
        this.responder = responder;
        this.metrics = metrics;
        this.ackMetadata = Map.copyOf(ackMetadata);
        this.sessionName = sessionName;
        this.sessionFactory = sessionFactory;
    }

    /**
     * The deadline starts when admission lets the connection through (a rate-limited one may be held back first),
     * so time spent waiting for admission does not count against the client.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armDeadline(ctx);
        ctx.fireChannelActive();
    }

    private void armDeadline(ChannelHandlerContext ctx) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> onTimeout(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimeout(ChannelHandlerContext ctx) {
        if (!verifying) {
            responder.fatal(ctx.channel(), ErrorCode.AUTH_REQUIRED,
                    "no AUTH within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", "timeout");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (verifying) {
            frame.release();
            throw new IllegalStateException("a frame was decoded while an AUTH is verified");
        }
        FrameType type = frame.type();
        if (type != FrameType.AUTH) {
            frame.release();
            throw new ProtocolException(ErrorCode.AUTH_REQUIRED, "the first frame must be AUTH, not " + type, "type");
        }
        AuthRequest request;
        try {
            request = Payloads.parse(frame, AuthRequest.class);
        } catch (ProtocolException unparseable) {
            metrics.authFailed("malformed");
            throw new ProtocolException(ErrorCode.INVALID_AUTH, "unparseable AuthRequest", "payload");
        } finally {
            frame.release();
        }
        verifying = true;
        username = request.getUsername();
        ctx.pipeline().fireUserEventTriggered(AuthEvent.VERIFYING);
        // The peer's InetAddress, not its string form: the throttle keys IPv6 peers by their /64.
        authenticator.authenticate(request.getUsername(), request.getPassword(), ctx.channel().remoteAddress(),
                (result, reason, retryAfterSeconds) -> ctx.executor().execute(
                        () -> onResult(ctx, result, reason, retryAfterSeconds)));
    }

    private void onResult(ChannelHandlerContext ctx, AuthResult result, AuthReason reason, long retryAfterSeconds) {
        verifying = false;
        if (ctx.isRemoved() || !ctx.channel().isActive() || ConnectionState.of(ctx.channel()).closing()) {
            return;
        }
        switch (result) {
            case SUCCESS -> succeed(ctx);
            case INVALID_CREDENTIALS -> {
                metrics.authFailed(reason.label());
                fail(ctx, ErrorCode.INVALID_AUTH, "invalid credentials", "");
            }
            case RATE_LIMITED -> {
                metrics.authRateLimited();
                // PROTOCOL.md §5.1: the details carry the seconds until the block ends.
                fail(ctx, ErrorCode.RATE_LIMITED, "too many failed logins; retry in " + retryAfterSeconds + " s",
                        Long.toString(retryAfterSeconds));
            }
            case BUSY -> {
                metrics.authFailed(reason.label());
                fail(ctx, ErrorCode.SERVER_OVERLOADED, "authentication capacity exhausted; retry later", "auth");
            }
            case ERROR -> {
                metrics.authFailed(reason.label());
                fail(ctx, ErrorCode.INTERNAL_ERROR, "authentication failed internally", "");
            }
        }
    }

    private void fail(ChannelHandlerContext ctx, ErrorCode code, String message, String details) {
        responder.fatal(ctx.channel(), code, message, details);
    }

    private void succeed(ChannelHandlerContext ctx) {
        cancelDeadline();
        metrics.authSucceeded();
        // One String per user, not per connection: thousands of connections of one user share it.
        ConnectionState.of(ctx.channel()).username(username.intern());
        AckResponse ack = AckResponse.newBuilder().setAckType(MessageType.AUTH).setSuccess(true)
                .setMessage("authenticated").setTimestampMs(System.currentTimeMillis()).putAllMetadata(ackMetadata)
                .build();
        ctx.writeAndFlush(OutboundMessage.of(ack), ctx.voidPromise());
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addAfter(ctx.name(), sessionName, sessionFactory.get());
        pipeline.remove(this);
        // Reading resumes: frames sent behind the AUTH now reach the session, after the ACK.
        pipeline.fireUserEventTriggered(AuthEvent.AUTHENTICATED);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }
}
