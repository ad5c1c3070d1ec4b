package io.tickstorm.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import java.util.List;

/**
 * Splits a byte stream into validated {@link Frame}s.
 *
 * <pre>
 * BEFORE (any fragmentation)                 AFTER
 * +----+--+--+--------+---------+------+      +------------------------+
 * |F57D|01|T | length | payload | crc  | ---> | Frame(type T, payload) |
 * +----+--+--+--------+---------+------+      +------------------------+
 * </pre>
 *
 * <p>Validation follows PROTOCOL.md §2 in order: magic (each byte as soon as it arrives), version, length (from the
 * header alone, so an oversize frame is refused without buffering or allocating its payload), then, once the whole
 * frame is in, the CRC-32C over header and payload, and finally that the type byte names a type this side may
 * receive. Each failure throws a {@link ProtocolException} with its {@link ErrorCode}; after the first failure the
 * decoder discards everything that follows, so the peer is told exactly once.
 *
 * <p>The payload of an emitted frame is a retained slice of the cumulation buffer (no copy); the consumer releases it.
 *
 * <p>Two controls serve a server's unauthenticated phase (PROTOCOL.md §2 and §5.1), both called on the channel's
 * event loop: {@link #maxPayloadBytes(int)} changes the length limit for the frames not yet decoded (a small pre-auth
 * limit, raised once the peer has authenticated), and {@link #pause()} / {@link #resume()} stop decoding after the
 * frame just delivered, so bytes that arrived behind it (in the same read) stay buffered, neither parsed nor
 * checked, until the application is ready for them:
 *
 * <pre>
 *   read: [AUTH][SUBSCRIBE][HEARTB..       AUTH delivered; consumer calls pause()
 *   held:       [SUBSCRIBE][HEARTB..       (nothing decoded; the consumer stops reading the socket too)
 *   resume():   SUBSCRIBE delivered, partial HEARTBEAT waits for the rest as usual
 * </pre>
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final Direction inbound;
    private int maxPayloadBytes;
    private boolean failed;
    private boolean paused;
    private ChannelHandlerContext ctx;

    /**
     * @param maxPayloadBytes largest payload accepted; a larger length field is {@code MESSAGE_TOO_LARGE}
     * @param inbound the direction of the frames this side receives (a server receives {@code CLIENT_TO_SERVER})
     */
    public FrameDecoder(int maxPayloadBytes, Direction inbound) {
        if (inbound == null) {
            throw new NullPointerException("inbound");
        }
        this.maxPayloadBytes = checkMaxPayload(maxPayloadBytes);
        this.inbound = inbound;
    }

    private static int checkMaxPayload(int maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected >= 0)");
        }
        return maxPayloadBytes;
    }

    /** The largest payload the next frame may announce. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * Sets the largest payload accepted from now on: it applies to every frame not yet decoded, including those
     * held back by {@link #pause()}. A server starts with its pre-auth limit and raises it once the peer has
     * authenticated.
     */
    public void maxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = checkMaxPayload(maxPayloadBytes);
    }

    /**
     * Stops decoding after the frame being delivered: what follows stays in the cumulation buffer, undecoded, until
     * {@link #resume()}. Bytes that keep arriving are buffered too; stopping the reads that bring them is the
     * caller's part.
     */
    public void pause() {
        paused = true;
    }

    /**
     * Decodes and delivers, in order, what arrived while paused (a partial frame keeps waiting for its rest, as
     * always), then decodes as usual. A protocol violation among those bytes is fired as an exception, as it would
     * have been on arrival.
     */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        if (ctx == null || ctx.isRemoved() || bufferedBytes() == 0) {
            return;
        }
        try {
            // An empty read runs the usual cumulate-and-decode path over the bytes held back.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** Whether decoding is paused. */
    public boolean paused() {
        return paused;
    }

    /** Bytes received and not yet decoded into a frame (a partial frame, or what waits behind a pause). */
    public int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (paused) {
            return;
        }
        try {
            Frame frame = decodeFrame(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private Frame decodeFrame(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable > FrameDescriptor.MAGIC_OFFSET && in.getByte(start) != FrameDescriptor.MAGIC_BYTE_0
                || readable > FrameDescriptor.MAGIC_OFFSET + 1 && in.getByte(start + 1) != FrameDescriptor.MAGIC_BYTE_1) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "bad magic (expected 0xF57D)", "magic");
        }
        if (readable > FrameDescriptor.VERSION_OFFSET) {
            byte version = in.getByte(start + FrameDescriptor.VERSION_OFFSET);
            if (version != FrameDescriptor.VERSION) {
                throw new ProtocolException(ErrorCode.PROTOCOL_VERSION,
                        "unsupported protocol version " + (version & 0xFF) + " (this server speaks 1)", "version");
            }
        }
        if (readable < FrameDescriptor.HEADER_LENGTH) {
            return null;
        }
        long length = in.getUnsignedInt(start + FrameDescriptor.LENGTH_OFFSET);
        if (length > maxPayloadBytes) {
            throw new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
                    "payload of " + length + " bytes exceeds the maximum of " + maxPayloadBytes, "length");
        }
        int payloadLength = (int) length;
        int frameLength = FrameDescriptor.frameLength(payloadLength);
        if (readable < frameLength) {
            return null;
        }
        int expected = in.getInt(start + FrameDescriptor.crcOffset(payloadLength));
        int actual = Crc32c.compute(in, start, FrameDescriptor.HEADER_LENGTH + payloadLength);
        if (expected != actual) {
            throw new ProtocolException(ErrorCode.CHECKSUM_FAILED, "CRC-32C mismatch", "crc32c");
        }
        int code = in.getUnsignedByte(start + FrameDescriptor.TYPE_OFFSET);
        FrameType type = FrameType.fromCode(code);
        if (type == null) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "unknown message type 0x" + hex(code), "type");
        }
        if (type.direction() != inbound) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE,
                    type + " (0x" + hex(code) + ") may not be sent in this direction", "type");
        }
        ByteBuf payload = in.retainedSlice(start + FrameDescriptor.PAYLOAD_OFFSET, payloadLength);
        in.skipBytes(frameLength);
        return new Frame(type, payload);
    }

    private static String hex(int code) {
        return String.format("%02X", code);
    }
}
