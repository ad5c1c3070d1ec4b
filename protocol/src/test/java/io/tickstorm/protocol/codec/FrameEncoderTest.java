package io.tickstorm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    private final EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
    private final EmbeddedChannel decoder =
            new EmbeddedChannel(new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, Direction.SERVER_TO_CLIENT));

    @Test
    void everyServerMessageSurvivesEncodeAndDecode() {
        DataBatch batch = DataBatch.newBuilder().setBatchSequence(7).setBatchTimestampMs(1_700_000_000_000L)
                .addTicks(Tick.newBuilder().setSymbol("AAPL").setPrice(190.25).setBid(190.2).setAsk(190.3)
                        .setBidSize(100).setAskSize(200).setVolume(1500).setMode(SubscriptionMode.SECOND)
                        .setTimestampMs(1_700_000_000_000L))
                .build();
        List<MessageLite> messages = List.of(batch,
                ErrorResponse.newBuilder().setCode(ErrorCode.SLOW_CONSUMER).setMessage("slow").setTimestampMs(1).build(),
                AckResponse.newBuilder().setAckType(MessageType.AUTH).setSuccess(true).putMetadata("k", "v").build(),
                HeartbeatResponse.newBuilder().setClientTimestampMs(5).setServerTimestampMs(6).setSequence(9).build());
        for (MessageLite message : messages) {
            encoder.writeOutbound(OutboundMessage.of(message));
            ByteBuf wire = encoder.readOutbound();
            assertEquals(FrameDescriptor.frameLength(message.getSerializedSize()), wire.readableBytes());
            decoder.writeInbound(wire);
            Frame frame = decoder.readInbound();
            assertEquals(FrameType.of(message), frame.type());
            assertEquals(message, Payloads.parse(frame));
            frame.release();
        }
        assertFalse(encoder.finish());
        assertFalse(decoder.finish());
    }

    @Test
    void passesPreEncodedBuffersThroughUntouched() {
        ByteBuf preEncoded = Unpooled.buffer().writeInt(0xCAFEBABE);
        encoder.writeOutbound(preEncoded);
        ByteBuf out = encoder.readOutbound();
        assertSame(preEncoded, out);
        out.release();
        assertFalse(encoder.finish());
    }

    @Test
    void refusesMessageOfTheWrongTypeForItsFrame() {
        assertThrows(IllegalArgumentException.class,
                () -> new OutboundMessage(FrameType.ACK, ErrorResponse.getDefaultInstance()));
    }

    @Test
    void writesIntoHeapAndDirectBuffersAlike() {
        MessageLite message = AckResponse.newBuilder().setAckType(MessageType.SUBSCRIBE).setSuccess(true).build();
        ByteBuf heap = Unpooled.buffer();
        ByteBuf direct = Unpooled.directBuffer();
        FrameEncoder.writeFrame(heap, FrameType.ACK, message);
        FrameEncoder.writeFrame(direct, FrameType.ACK, message);
        assertEquals(heap, direct);
        heap.release();
        direct.release();
    }
}
