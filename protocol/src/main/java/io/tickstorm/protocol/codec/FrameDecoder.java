package io.tickstorm.protocol.codec;

import io.netty.buffer.ByteBuf;
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
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxPayloadBytes;
    private final Direction inbound;
    private boolean failed;

    /**
     * @param maxPayloadBytes largest payload accepted; a larger length field is {@code MESSAGE_TOO_LARGE}
     * @param inbound the direction of the frames this side receives (a server receives {@code CLIENT_TO_SERVER})
     */
    public FrameDecoder(int maxPayloadBytes, Direction inbound) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected >= 0)");
        }
        if (inbound == null) {
            throw new NullPointerException("inbound");
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.inbound = inbound;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
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
