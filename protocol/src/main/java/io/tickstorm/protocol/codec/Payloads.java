package io.tickstorm.protocol.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;

/**
 * The message layer: turns a frame's payload into the protobuf message its type carries.
 *
 * <p>"Unparseable" means what protobuf-java rejects (PROTOCOL.md §5.7); it becomes {@code INVALID_MESSAGE}.
 */
public final class Payloads {

    private Payloads() {
    }

    /** Parses the frame's payload as its type's message; does not release the frame. */
    public static MessageLite parse(Frame frame) {
        return parse(frame.type(), frame.content());
    }

    /** Parses {@code payload} (readable bytes, reader index untouched) as a {@code type} message. */
    public static MessageLite parse(FrameType type, ByteBuf payload) {
        try {
            return type.parser().parseFrom(codedInput(payload));
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE,
                    "unparseable " + type + " payload: " + e.getMessage(), "payload");
        }
    }

    /** Parses the frame as {@code expected}'s message class, which must be the one its type carries. */
    public static <T extends MessageLite> T parse(Frame frame, Class<T> expected) {
        return expected.cast(parse(frame));
    }

    private static CodedInputStream codedInput(ByteBuf payload) {
        if (payload.hasArray()) {
            return CodedInputStream.newInstance(payload.array(), payload.arrayOffset() + payload.readerIndex(),
                    payload.readableBytes());
        }
        return CodedInputStream.newInstance(payload.nioBuffer());
    }
}
