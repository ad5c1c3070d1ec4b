package io.tickstorm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private final EmbeddedChannel channel =
            new EmbeddedChannel(new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, Direction.CLIENT_TO_SERVER));

    private static ByteBuf frame(FrameType type, byte[] payload) {
        ByteBuf buf = Unpooled.buffer();
        FrameEncoder.writeHeader(buf, type, payload.length);
        buf.writeBytes(payload);
        FrameEncoder.writeCrc(buf, 0);
        return buf;
    }

    private static ByteBuf frame(FrameType type, int payloadLength) {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payloadLength; i++) {
            payload[i] = (byte) i;
        }
        return frame(type, payload);
    }

    private static ByteBuf heartbeat(long sequence) {
        return frame(FrameType.HEARTBEAT, HeartbeatRequest.newBuilder().setSequence(sequence).build().toByteArray());
    }

    private ProtocolException rejection(ByteBuf input) {
        return assertThrows(ProtocolException.class, () -> channel.writeInbound(input));
    }

    @Test
    void decodesFrameFedOneByteAtATime() {
        ByteBuf whole = heartbeat(42);
        while (whole.isReadable()) {
            assertNull(channel.readInbound(), "no frame before its last byte");
            channel.writeInbound(whole.readRetainedSlice(1));
        }
        whole.release();
        Frame frame = channel.readInbound();
        assertEquals(FrameType.HEARTBEAT, frame.type());
        assertEquals(42, Payloads.parse(frame, HeartbeatRequest.class).getSequence());
        frame.release();
        assertFalse(channel.finish());
    }

    @Test
    void decodesSeveralFramesFromOneRead() {
        ByteBuf coalesced = Unpooled.wrappedBuffer(heartbeat(1), heartbeat(2), frame(FrameType.SUBSCRIBE,
                SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE).build().toByteArray()));
        channel.writeInbound(coalesced);
        for (long expected = 1; expected <= 2; expected++) {
            Frame frame = channel.readInbound();
            assertEquals(expected, Payloads.parse(frame, HeartbeatRequest.class).getSequence());
            frame.release();
        }
        Frame subscribe = channel.readInbound();
        assertEquals(SubscriptionMode.MINUTE, Payloads.parse(subscribe, SubscribeRequest.class).getMode());
        subscribe.release();
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void keepsTrailingPartialFrameUntilItCompletes() {
        ByteBuf second = heartbeat(2);
        channel.writeInbound(Unpooled.wrappedBuffer(heartbeat(1), second.readRetainedSlice(5)));
        Frame first = channel.readInbound();
        assertEquals(1, Payloads.parse(first, HeartbeatRequest.class).getSequence());
        first.release();
        assertNull(channel.readInbound());
        channel.writeInbound(second);
        Frame completed = channel.readInbound();
        assertEquals(2, Payloads.parse(completed, HeartbeatRequest.class).getSequence());
        completed.release();
        assertFalse(channel.finish());
    }

    @Test
    void acceptsEmptyPayload() {
        channel.writeInbound(frame(FrameType.HEARTBEAT, 0));
        Frame frame = channel.readInbound();
        assertEquals(0, frame.content().readableBytes());
        assertEquals(HeartbeatRequest.getDefaultInstance(), Payloads.parse(frame));
        frame.release();
        assertFalse(channel.finish());
    }

    @Test
    void acceptsPayloadOfExactlyTheMaximumSize() {
        channel.writeInbound(frame(FrameType.AUTH, FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES));
        Frame frame = channel.readInbound();
        assertEquals(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, frame.content().readableBytes());
        frame.release();
        assertFalse(channel.finish());
    }

    @Test
    void rejectsOversizeFrameBeforeReadingPayload() {
        ByteBuf header = Unpooled.buffer();
        FrameEncoder.writeHeader(header, FrameType.AUTH, FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES + 1);
        ProtocolException e = rejection(header);
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
        assertFalse(channel.finish());
    }

    @Test
    void rejectsLengthNearUnsignedMaximumWithoutAllocatingIt() {
        ProtocolException e = rejection(Unpooled.wrappedBuffer(new byte[] {
            (byte) 0xF5, 0x7D, 0x01, 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
    }

    @Test
    void rejectsBadFirstMagicByteAsSoonAsItArrives() {
        ProtocolException e = rejection(Unpooled.wrappedBuffer(new byte[] {0x00}));
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
    }

    @Test
    void rejectsBadSecondMagicByte() {
        ProtocolException e = rejection(Unpooled.wrappedBuffer(new byte[] {(byte) 0xF5, 0x7E}));
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
    }

    @Test
    void rejectsUnsupportedVersionAsProtocolVersion() {
        ByteBuf frame = heartbeat(1);
        frame.setByte(FrameDescriptor.VERSION_OFFSET, 2);
        ProtocolException e = rejection(frame);
        assertEquals(ErrorCode.PROTOCOL_VERSION, e.code());
    }

    @Test
    void checksMagicBeforeVersion() {
        ByteBuf frame = heartbeat(1);
        frame.setByte(1, 0);
        frame.setByte(FrameDescriptor.VERSION_OFFSET, 9);
        assertEquals(ErrorCode.INVALID_MESSAGE, rejection(frame).code());
    }

    @Test
    void checksVersionBeforeLength() {
        ByteBuf header = Unpooled.buffer();
        FrameEncoder.writeHeader(header, FrameType.AUTH, Integer.MAX_VALUE);
        header.setByte(FrameDescriptor.VERSION_OFFSET, 7);
        assertEquals(ErrorCode.PROTOCOL_VERSION, rejection(header).code());
    }

    @Test
    void rejectsCorruptedPayloadAsChecksumFailure() {
        ByteBuf frame = heartbeat(7);
        frame.setByte(FrameDescriptor.PAYLOAD_OFFSET, frame.getByte(FrameDescriptor.PAYLOAD_OFFSET) ^ 0x01);
        assertEquals(ErrorCode.CHECKSUM_FAILED, rejection(frame).code());
    }

    @Test
    void rejectsCorruptedChecksum() {
        ByteBuf frame = heartbeat(7);
        int last = frame.writerIndex() - 1;
        frame.setByte(last, frame.getByte(last) ^ 0x80);
        assertEquals(ErrorCode.CHECKSUM_FAILED, rejection(frame).code());
    }

    @Test
    void rejectsCorruptedTypeByteAsChecksumFailure() {
        ByteBuf frame = heartbeat(7);
        frame.setByte(FrameDescriptor.TYPE_OFFSET, FrameType.AUTH.code());
        assertEquals(ErrorCode.CHECKSUM_FAILED, rejection(frame).code());
    }

    @Test
    void rejectsUnknownTypeAsInvalidMessage() {
        ByteBuf frame = Unpooled.buffer();
        frame.writeShort(FrameDescriptor.MAGIC).writeByte(1).writeByte(0x42).writeInt(0);
        FrameEncoder.writeCrc(frame, 0);
        ProtocolException e = rejection(frame);
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
        assertEquals("type", e.details());
    }

    @Test
    void rejectsServerToClientTypeSentByClient() {
        assertEquals(ErrorCode.INVALID_MESSAGE, rejection(frame(FrameType.DATA_BATCH, 0)).code());
    }

    @Test
    void clientSideRejectsClientToServerType() {
        EmbeddedChannel client =
                new EmbeddedChannel(new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, Direction.SERVER_TO_CLIENT));
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.writeInbound(heartbeat(1)));
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
        assertFalse(client.finish());
    }

    @Test
    void reportsOnlyTheFirstFailureAndDiscardsWhatFollows() {
        ByteBuf bad = heartbeat(1);
        bad.setByte(0, 0);
        rejection(bad);
        channel.writeInbound(heartbeat(2));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x01}));
        assertNull(channel.readInbound(), "nothing is decoded after a fatal error");
        channel.checkException();
        assertFalse(channel.finish());
    }

    @Test
    void rejectsNegativeMaximum() {
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(-1, Direction.CLIENT_TO_SERVER));
    }

    @Test
    void frameTypeLookupCoversEveryWireByte() {
        for (int code = 0; code < 256; code++) {
            FrameType type = FrameType.fromCode(code);
            assertTrue(code >= 1 && code <= 7 ? type != null && type.code() == code : type == null);
        }
    }

    /** Stands in for a server's auth handler: pauses the decoder when an AUTH arrives and keeps every frame. */
    private static final class PausingOnAuth extends ChannelInboundHandlerAdapter {
        private final FrameDecoder decoder;
        final List<Frame> received = new ArrayList<>();

        PausingOnAuth(FrameDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Frame frame = (Frame) msg;
            received.add(frame);
            if (frame.type() == FrameType.AUTH) {
                decoder.pause();
            }
        }

        List<FrameType> types() {
            return received.stream().map(Frame::type).toList();
        }

        void releaseAll() {
            received.forEach(Frame::release);
        }
    }

    private static final int PRE_AUTH_MAX = 4096;

    @Test
    void rejectsPayloadAboveALowerLimitFromTheHeaderAlone() {
        EmbeddedChannel preAuth = new EmbeddedChannel(new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER));
        ByteBuf header = Unpooled.buffer();
        FrameEncoder.writeHeader(header, FrameType.AUTH, PRE_AUTH_MAX + 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> preAuth.writeInbound(header));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
        assertEquals("length", e.details());
        assertFalse(preAuth.finish());
    }

    @Test
    void raisedLimitAppliesToTheNextFrame() {
        FrameDecoder decoder = new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(frame(FrameType.AUTH, PRE_AUTH_MAX));
        ((Frame) ch.readInbound()).release();
        decoder.maxPayloadBytes(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES);
        assertEquals(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, decoder.maxPayloadBytes());
        ch.writeInbound(frame(FrameType.HEARTBEAT, FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES));
        Frame big = ch.readInbound();
        assertEquals(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, big.content().readableBytes());
        big.release();
        assertThrows(IllegalArgumentException.class, () -> decoder.maxPayloadBytes(-1));
        assertFalse(ch.finish());
    }

    @Test
    void pauseHoldsWhatFollowsTheDeliveredFrameUndecodedUntilResume() {
        FrameDecoder decoder = new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER);
        PausingOnAuth auth = new PausingOnAuth(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, auth);
        ByteBuf subscribe = frame(FrameType.SUBSCRIBE, 0);
        ByteBuf firstHeartbeat = heartbeat(1);
        ByteBuf partialHeartbeat = heartbeat(2);
        int held = subscribe.readableBytes() + firstHeartbeat.readableBytes() + 5;
        ch.writeInbound(Unpooled.wrappedBuffer(frame(FrameType.AUTH, 10), subscribe, firstHeartbeat,
                partialHeartbeat.readRetainedSlice(5)));

        assertEquals(List.of(FrameType.AUTH), auth.types(), "nothing behind the AUTH is decoded while paused");
        assertTrue(decoder.paused());
        assertEquals(held, decoder.bufferedBytes());
        ch.writeInbound(partialHeartbeat);
        assertEquals(List.of(FrameType.AUTH), auth.types(), "later bytes are buffered, not decoded");

        decoder.resume();
        assertEquals(List.of(FrameType.AUTH, FrameType.SUBSCRIBE, FrameType.HEARTBEAT, FrameType.HEARTBEAT),
                auth.types());
        assertEquals(0, decoder.bufferedBytes());
        assertFalse(decoder.paused());
        auth.releaseAll();
        assertFalse(ch.finish());
    }

    @Test
    void framesHeldBackAreCheckedAgainstTheLimitInForceWhenDecodingResumes() {
        FrameDecoder decoder = new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER);
        PausingOnAuth auth = new PausingOnAuth(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, auth);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(FrameType.AUTH, 10), frame(FrameType.HEARTBEAT, 10_000)));
        assertEquals(List.of(FrameType.AUTH), auth.types(), "the big frame is not refused by the pre-auth limit");

        decoder.maxPayloadBytes(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES);
        decoder.resume();
        assertEquals(List.of(FrameType.AUTH, FrameType.HEARTBEAT), auth.types());
        assertEquals(10_000, auth.received.get(1).content().readableBytes());
        auth.releaseAll();
        assertFalse(ch.finish());
    }

    @Test
    void violationAmongHeldBytesIsFiredWhenDecodingResumes() {
        FrameDecoder decoder = new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER);
        PausingOnAuth auth = new PausingOnAuth(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, auth);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(FrameType.AUTH, 10), frame(FrameType.HEARTBEAT, 10_000)));
        decoder.resume();
        ProtocolException e = assertThrows(ProtocolException.class, ch::checkException);
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
        assertEquals(List.of(FrameType.AUTH), auth.types());
        auth.releaseAll();
        assertFalse(ch.finish());
    }

    @Test
    void resumeWithNothingHeldOnlyLiftsThePause() {
        FrameDecoder decoder = new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER);
        PausingOnAuth auth = new PausingOnAuth(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, auth);
        ch.writeInbound(frame(FrameType.AUTH, 10));
        decoder.resume();
        ch.writeInbound(heartbeat(1));
        assertEquals(List.of(FrameType.AUTH, FrameType.HEARTBEAT), auth.types());
        auth.releaseAll();
        assertFalse(ch.finish());
    }
}
