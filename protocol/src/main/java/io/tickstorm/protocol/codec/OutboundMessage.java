package io.tickstorm.protocol.codec;

import com.google.protobuf.MessageLite;
import io.tickstorm.protocol.FrameType;
import java.util.Objects;

/** A protobuf message to be framed as {@code type} by {@link FrameEncoder}. */
public record OutboundMessage(FrameType type, MessageLite body) {

    public OutboundMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
        if (type.parser() != body.getParserForType()) {
            throw new IllegalArgumentException(type + " cannot carry " + body.getClass().getSimpleName());
        }
    }

    /** The message framed with the type that carries it. */
    public static OutboundMessage of(MessageLite body) {
        FrameType type = FrameType.of(body);
        if (type == null) {
            throw new IllegalArgumentException("no frame type carries " + body.getClass().getSimpleName());
        }
        return new OutboundMessage(type, body);
    }
}
