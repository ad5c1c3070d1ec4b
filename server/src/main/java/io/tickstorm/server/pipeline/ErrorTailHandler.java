package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.tickstorm.protocol.codec.ProtocolException;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.logging.RateLimitedLogger;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler: the single place where a failure becomes one ERROR frame and a close.
 *
 * <ul>
 *   <li>{@link ProtocolException}: its code, message and details (PROTOCOL.md §5.7);
 *   <li>I/O errors and TLS failures: the peer is gone or never spoke our protocol, so close without an ERROR;
 *   <li>anything else is a bug of ours, or the server out of memory: INTERNAL_ERROR, logged at WARN with its stack
 *       trace, at most {@value #UNEXPECTED_LOGS_PER_INTERVAL} per {@value #UNEXPECTED_LOG_INTERVAL_SECONDS} s (one
 *       failure tends to hit every connection at once: a direct-memory breach wrote 7,011 stack traces in 10 s).
 * </ul>
 *
 * Also releases anything that reached the end of the pipeline unhandled.
 */
@Sharable
public final class ErrorTailHandler extends ChannelInboundHandlerAdapter {

    static final int UNEXPECTED_LOGS_PER_INTERVAL = 10;
    static final long UNEXPECTED_LOG_INTERVAL_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(ErrorTailHandler.class);

    private final ErrorResponder responder;
    private final RateLimitedLogger unexpected = new RateLimitedLogger(LOG, UNEXPECTED_LOGS_PER_INTERVAL,
            Duration.ofSeconds(UNEXPECTED_LOG_INTERVAL_SECONDS));

    public ErrorTailHandler(ErrorResponder responder) {
        this.responder = responder;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ConnectionState.of(ctx.channel()).closing()) {
            return;
        }
        if (cause instanceof ProtocolException protocol) {
            responder.fatal(ctx.channel(), protocol.code(), protocol.getMessage(), protocol.details());
        } else if (isTransportFailure(cause)) {
            LOG.debug("Closing {} after transport failure: {}", ctx.channel().remoteAddress(), cause.toString());
            responder.closeQuietly(ctx.channel());
        } else {
            unexpected.warn("Unexpected failure on {}; closing with INTERNAL_ERROR", ctx.channel().remoteAddress(),
                    cause);
            responder.fatal(ctx.channel(), ErrorCode.INTERNAL_ERROR, "internal server error", "");
        }
    }

    private static boolean isTransportFailure(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return root instanceof IOException || root instanceof SSLException;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        LOG.debug("Discarding unhandled inbound {} on {}", msg, ctx.channel());
        ReferenceCountUtil.release(msg);
    }
}
