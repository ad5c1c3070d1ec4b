package io.tickstorm.protocol.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tickstorm.protocol.FrameDescriptor;

/**
 * Looks at the first bytes the server sends and, if they belong to the other transport, fails the connection with a
 * {@link TickClientException} that says so, instead of a TLS "not an SSL/TLS record" or a framing "bad magic" error
 * further down. First in the pipeline; removes itself after the first read that holds bytes.
 *
 * <pre>
 * TLS on,  server answers  F5 7D ...   (frame magic)        -&gt; {@link TickClientException.Kind#SERVER_SPEAKS_PLAIN}
 * TLS off, server answers  15..17 03 ... (TLS alert/record) -&gt; {@link TickClientException.Kind#SERVER_SPEAKS_TLS}
 * </pre>
 *
 * <p>Stateful (removes itself), one per channel.
 */
final class PeerProtocolSniffer extends ChannelInboundHandlerAdapter {

    /** TLS record content types: change_cipher_spec, alert, handshake, application_data (RFC 8446 §5.1). */
    private static final int FIRST_TLS_CONTENT_TYPE = 0x14;
    private static final int LAST_TLS_CONTENT_TYPE = 0x17;
    /** The major version byte of every TLS record's legacy_record_version. */
    private static final int TLS_MAJOR_VERSION = 0x03;

    private final boolean tls;

    /** @param tls whether the client speaks TLS on this connection */
    PeerProtocolSniffer(boolean tls) {
        this.tls = tls;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        TickClientException mismatch = tls ? plainServer(bytes) : tlsServer(bytes);
        ctx.pipeline().remove(this);
        if (mismatch == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        ctx.fireExceptionCaught(mismatch);
    }

    private static TickClientException plainServer(ByteBuf bytes) {
        int index = bytes.readerIndex();
        boolean magic = bytes.getByte(index) == FrameDescriptor.MAGIC_BYTE_0
                && (bytes.readableBytes() < 2 || bytes.getByte(index + 1) == FrameDescriptor.MAGIC_BYTE_1);
        return magic
                ? new TickClientException(TickClientException.Kind.SERVER_SPEAKS_PLAIN,
                        "the server speaks plain TCP, not TLS (it answered with the frame magic F5 7D): turn TLS off",
                        null)
                : null;
    }

    private static TickClientException tlsServer(ByteBuf bytes) {
        int index = bytes.readerIndex();
        int contentType = bytes.getUnsignedByte(index);
        boolean record = contentType >= FIRST_TLS_CONTENT_TYPE && contentType <= LAST_TLS_CONTENT_TYPE
                && (bytes.readableBytes() < 2 || bytes.getUnsignedByte(index + 1) == TLS_MAJOR_VERSION);
        return record
                ? new TickClientException(TickClientException.Kind.SERVER_SPEAKS_TLS, String.format(
                        "the server speaks TLS, not plain TCP (it answered with a TLS record, %02X %02X): turn TLS on",
                        contentType, bytes.readableBytes() < 2 ? 0 : bytes.getUnsignedByte(index + 1)), null)
                : null;
    }
}
