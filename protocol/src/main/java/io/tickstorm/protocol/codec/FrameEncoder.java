package io.tickstorm.protocol.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Frames {@link OutboundMessage}s: header, protobuf payload, CRC-32C.
 *
 * <pre>
 * BEFORE                          AFTER
 * +------------------------+      +----+--+--+--------+---------+------+
 * | OutboundMessage(T, m)  | ---> |F57D|01|T | length | m bytes | crc  |
 * +------------------------+      +----+--+--+--------+---------+------+
 * </pre>
 *
 * <p>Already-framed {@link ByteBuf}s (the encode-once fan-out batches) pass through untouched. Stateless, so one
 * instance may be shared by every channel.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<OutboundMessage> {

    public FrameEncoder() {
        super(OutboundMessage.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, OutboundMessage msg, boolean preferDirect) {
        int size = FrameDescriptor.frameLength(msg.body().getSerializedSize());
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, OutboundMessage msg, ByteBuf out) {
        writeFrame(out, msg.type(), msg.body());
    }

    /** Appends one complete frame carrying {@code body} to {@code out}. */
    public static void writeFrame(ByteBuf out, FrameType type, MessageLite body) {
        int start = out.writerIndex();
        int payloadLength = body.getSerializedSize();
        out.ensureWritable(FrameDescriptor.frameLength(payloadLength));
        writeHeader(out, type, payloadLength);
        writePayload(out, body, payloadLength);
        writeCrc(out, start);
    }

    /** Serializes {@code body} ({@code payloadLength} bytes) straight into {@code out}'s memory, without a copy. */
    private static void writePayload(ByteBuf out, MessageLite body, int payloadLength) {
        int index = out.writerIndex();
        CodedOutputStream coded = out.hasArray()
                ? CodedOutputStream.newInstance(out.array(), out.arrayOffset() + index, payloadLength)
                : CodedOutputStream.newInstance(out.nioBuffer(index, payloadLength));
        try {
            body.writeTo(coded);
            coded.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writerIndex(index + payloadLength);
    }

    /** Appends the 8-byte header for a payload of {@code payloadLength} bytes. */
    public static void writeHeader(ByteBuf out, FrameType type, int payloadLength) {
        out.writeShort(FrameDescriptor.MAGIC);
        out.writeByte(FrameDescriptor.VERSION);
        out.writeByte(type.code());
        out.writeInt(payloadLength);
    }

    /** Appends the CRC-32C of everything from {@code frameStart} (the header's first byte) to the writer index. */
    public static void writeCrc(ByteBuf out, int frameStart) {
        out.writeInt(Crc32c.compute(out, frameStart, out.writerIndex() - frameStart));
    }
}
