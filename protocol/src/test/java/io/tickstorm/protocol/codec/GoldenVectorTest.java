package io.tickstorm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.testing.Hex;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames written out byte by byte from PROTOCOL.md (header, protobuf wire format, CRC-32C computed independently of
 * this code base), decoded and re-encoded byte-identically.
 */
class GoldenVectorTest {

    /** AUTH {username "alice", password "secret", client_id "cli1"}. */
    static final String AUTH = "F5 7D 01 01 00 00 00 15"
            + " 0A 05 61 6C 69 63 65  12 06 73 65 63 72 65 74  1A 04 63 6C 69 31"
            + " D1 7A 8B 15";
    /** SUBSCRIBE {mode SECOND, symbols ["AAPL", "MSFT"]}. */
    static final String SUBSCRIBE = "F5 7D 01 02 00 00 00 0E"
            + " 08 01  12 04 41 41 50 4C  12 04 4D 53 46 54"
            + " D5 70 63 69";
    /** HEARTBEAT with an empty payload, the example of PROTOCOL.md §2. */
    static final String HEARTBEAT = "F5 7D 01 03 00 00 00 00 BC 04 CD 7D";

    @Test
    void crc32cOfTheStandardCheckString() {
        assertEquals(0xE3069283, Crc32c.compute("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void authVectorRoundTrips() {
        MessageLite message = roundTrip(AUTH, FrameType.AUTH);
        assertEquals(AuthRequest.newBuilder().setUsername("alice").setPassword("secret").setClientId("cli1").build(),
                message);
    }

    @Test
    void subscribeVectorRoundTrips() {
        MessageLite message = roundTrip(SUBSCRIBE, FrameType.SUBSCRIBE);
        assertEquals(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                .addAllSymbols(List.of("AAPL", "MSFT")).build(), message);
    }

    @Test
    void heartbeatVectorRoundTrips() {
        assertEquals(HeartbeatRequest.getDefaultInstance(), roundTrip(HEARTBEAT, FrameType.HEARTBEAT));
    }

    private static MessageLite roundTrip(String hex, FrameType expectedType) {
        EmbeddedChannel decoder =
                new EmbeddedChannel(new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, Direction.CLIENT_TO_SERVER));
        decoder.writeInbound(Hex.buffer(hex));
        Frame frame = decoder.readInbound();
        MessageLite message;
        try {
            assertEquals(expectedType, frame.type());
            message = Payloads.parse(frame);
        } finally {
            frame.release();
        }
        assertFalse(decoder.finish());

        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        encoder.writeOutbound(new OutboundMessage(expectedType, message));
        ByteBuf encoded = encoder.readOutbound();
        try {
            assertEquals(hex.replaceAll("\\s+", ""), Hex.of(encoded));
        } finally {
            encoded.release();
        }
        assertFalse(encoder.finish());
        return message;
    }
}
