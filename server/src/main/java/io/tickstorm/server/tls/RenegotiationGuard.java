package io.tickstorm.server.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.tickstorm.server.logging.RateLimitedLogger;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Refuses client-initiated TLS renegotiation (issue 12 item 9): each renegotiation is a full handshake that costs the
 * server an asymmetric operation, so one connection could burn a core. BoringSSL never renegotiates and TLS 1.3 has
 * no renegotiation, but the JDK provider accepts it on TLS 1.2; this handler goes in front of the JDK's
 * {@link SslHandler} when TLS 1.2 is allowed.
 *
 * <p>It follows the TLS record layer without decrypting or copying anything, and closes the connection on the first
 * handshake record (content type 22) that arrives once the initial handshake has completed. In TLS 1.2 every
 * handshake message after the first handshake is a renegotiation (a client's HelloRequest does not exist); in TLS 1.3
 * post-handshake messages travel inside application-data records, so they never trip it.
 *
 * <pre>
 *   record: type(1) version(2) length(2) body(length) ... type 22 after the handshake ─▶ close
 * </pre>
 * Bytes pass through unchanged otherwise. One instance per channel, before the {@link SslHandler}.
 */
public final class RenegotiationGuard extends ChannelInboundHandlerAdapter {

    private static final int HEADER_BYTES = 5;
    private static final int HANDSHAKE = 22;
    private static final RateLimitedLogger REFUSALS =
            new RateLimitedLogger(LoggerFactory.getLogger(RenegotiationGuard.class), 10, Duration.ofSeconds(10));

    private final Future<?> handshake;
    /** Position within the current record header, 0..4. */
    private int headerPosition;
    private int contentType;
    private int lengthHigh;
    /** Body bytes of the current record still to pass. */
    private int bodyRemaining;

    /**
     * @param handshake the protected {@link SslHandler}'s {@link SslHandler#handshakeFuture()}: once it has succeeded,
     *                  a handshake record is a renegotiation
     */
    public RenegotiationGuard(Future<?> handshake) {
        this.handshake = Objects.requireNonNull(handshake, "handshake");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && renegotiates(bytes)) {
            ReferenceCountUtil.release(msg);
            REFUSALS.warn("TLS renegotiation requested by {} refused; closing the connection",
                    ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Walks the record headers in {@code bytes} (without moving its indices); true at a renegotiation. */
    private boolean renegotiates(ByteBuf bytes) {
        int index = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (index < end) {
            if (bodyRemaining > 0) {
                int skipped = Math.min(bodyRemaining, end - index);
                index += skipped;
                bodyRemaining -= skipped;
                continue;
            }
            int value = bytes.getUnsignedByte(index++);
            switch (headerPosition++) {
                case 0 -> contentType = value;
                case 3 -> lengthHigh = value;
                case HEADER_BYTES - 1 -> {
                    headerPosition = 0;
                    bodyRemaining = (lengthHigh << 8) | value;
                    if (contentType == HANDSHAKE && handshake.isSuccess()) {
                        return true;
                    }
                }
                default -> {
                    // Version bytes: the SslHandler checks them.
                }
            }
        }
        return false;
    }
}
