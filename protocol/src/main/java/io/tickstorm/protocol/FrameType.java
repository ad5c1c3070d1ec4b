package io.tickstorm.protocol;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;

/** The frame type byte, who may send it and the protobuf message its payload holds (PROTOCOL.md §3). */
public enum FrameType {
    AUTH(0x01, Direction.CLIENT_TO_SERVER, AuthRequest.parser()),
    SUBSCRIBE(0x02, Direction.CLIENT_TO_SERVER, SubscribeRequest.parser()),
    HEARTBEAT(0x03, Direction.CLIENT_TO_SERVER, HeartbeatRequest.parser()),
    DATA_BATCH(0x04, Direction.SERVER_TO_CLIENT, DataBatch.parser()),
    ERROR(0x05, Direction.SERVER_TO_CLIENT, ErrorResponse.parser()),
    ACK(0x06, Direction.SERVER_TO_CLIENT, AckResponse.parser()),
    PONG(0x07, Direction.SERVER_TO_CLIENT, HeartbeatResponse.parser());

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Direction direction;
    private final Parser<? extends MessageLite> parser;

    FrameType(int code, Direction direction, Parser<? extends MessageLite> parser) {
        this.code = code;
        this.direction = direction;
        this.parser = parser;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    public Direction direction() {
        return direction;
    }

    /** Parser of this type's payload message. */
    public Parser<? extends MessageLite> parser() {
        return parser;
    }

    /** The protobuf enum value with the same number, as carried in {@code AckResponse.ack_type}. */
    public MessageType messageType() {
        return MessageType.forNumber(code);
    }

    /** The type for a wire byte, or {@code null} if the byte names no type. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The frame type that carries {@code message}, or {@code null} if none does. */
    public static FrameType of(MessageLite message) {
        for (FrameType type : values()) {
            if (type.parser == message.getParserForType()) {
                return type;
            }
        }
        return null;
    }
}
