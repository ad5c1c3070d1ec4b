package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {

    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    private static Tick tick(String symbol, long ts, double price, double volume, double bid, double ask, long bidSize,
            long askSize, SubscriptionMode mode) {
        return Tick.newBuilder().setSymbol(symbol).setTimestampMs(ts).setPrice(price).setVolume(volume).setBid(bid)
                .setAsk(ask).setBidSize(bidSize).setAskSize(askSize).setMode(mode).build();
    }

    private static void add(BatchBuilder builder, Tick t) {
        byte[] name = t.getSymbol().getBytes(StandardCharsets.UTF_8);
        int size = builder.tickSize(name, t.getTimestampMs(), t.getPrice(), t.getVolume(), t.getBid(), t.getAsk(),
                t.getBidSize(), t.getAskSize());
        assertEquals(t.getSerializedSize(), size, "size of " + t);
        builder.add(size, name, t.getTimestampMs(), t.getPrice(), t.getVolume(), t.getBid(), t.getAsk(),
                t.getBidSize(), t.getAskSize(), 0);
    }

    @Test
    void encodesExactlyWhatProtobufJavaEncodes() {
        SplittableRandom random = new SplittableRandom(7);
        for (SubscriptionMode mode : new SubscriptionMode[] {SubscriptionMode.SECOND, SubscriptionMode.REALTIME}) {
            BatchBuilder builder = new BatchBuilder(ALLOC, FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, mode.getNumber());
            DataBatch.Builder expected = DataBatch.newBuilder().setBatchTimestampMs(1_764_576_000_123L)
                    .setBatchSequence((int) 4_000_000_000L)
                    .setIsSnapshot(mode == SubscriptionMode.SECOND);
            for (int i = 0; i < 100; i++) {
                Tick t = tick("SYM" + i, 1_764_576_000_000L + i, 100 + random.nextDouble(), i % 3 == 0 ? 0 : i,
                        i % 5 == 0 ? -0.0 : 99.5, 100.5, i % 7 == 0 ? 0 : random.nextLong(1, 1_000_000),
                        random.nextLong(1, 10), mode);
                expected.addTicks(t);
                add(builder, t);
            }
            ByteBuf frame = builder.finish(1_764_576_000_123L, 4_000_000_000L, mode == SubscriptionMode.SECOND);
            try {
                byte[] payload = expected.build().toByteArray();
                assertEquals(FrameDescriptor.frameLength(payload.length), frame.readableBytes());
                assertArrayEquals(payload, ByteBufUtil.getBytes(frame, FrameDescriptor.PAYLOAD_OFFSET,
                        payload.length));
                EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(
                        FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, Direction.SERVER_TO_CLIENT));
                decoder.writeInbound(frame.retain());
                Frame decoded = decoder.readInbound();
                assertEquals(FrameType.DATA_BATCH, decoded.type());
                assertEquals(expected.build(), Payloads.parse(decoded));
                decoded.release();
                assertFalse(decoder.finish());
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void anEmptyBatchIsAValidFrame() {
        BatchBuilder builder = new BatchBuilder(ALLOC, 1024, SubscriptionMode.MINUTE_VALUE);
        ByteBuf frame = builder.finish(5, 0, true);
        try {
            byte[] payload = DataBatch.newBuilder().setBatchTimestampMs(5).setIsSnapshot(true).build().toByteArray();
            assertArrayEquals(payload, ByteBufUtil.getBytes(frame, 8, payload.length));
        } finally {
            frame.release();
        }
    }

    @Test
    void fitsKeepsTheBatchUnderTheMaximumPayload() {
        int max = 2048;
        BatchBuilder builder = new BatchBuilder(ALLOC, max, SubscriptionMode.REALTIME_VALUE);
        Tick t = tick("AAPL", 1_764_576_000_000L, 190.25, 100, 190.2, 190.3, 500, 700, SubscriptionMode.REALTIME);
        byte[] name = "AAPL".getBytes(StandardCharsets.UTF_8);
        int size = t.getSerializedSize();
        int added = 0;
        while (builder.fits(size)) {
            add(builder, t);
            added++;
        }
        assertTrue(added > 10);
        ByteBuf frame = builder.finish(Long.MAX_VALUE, 0xFFFFFFFFL, true);
        try {
            assertTrue(frame.readableBytes() - FrameDescriptor.FRAMING_OVERHEAD <= max);
        } finally {
            frame.release();
        }
        assertEquals(0, builder.tickCount());
        assertTrue(name.length > 0);
    }

    @Test
    void aWholeUniverseOfWorstCaseTicksFitsItsGuaranteedCapacity() {
        int max = FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES;
        BatchBuilder builder = new BatchBuilder(ALLOC, max, SubscriptionMode.SECOND_VALUE);
        Tick worst = tick("ABCDEFGHIJKLMNOP", Long.MAX_VALUE / 1024, 1, 2, 3, 4, Long.MAX_VALUE, Long.MAX_VALUE,
                SubscriptionMode.SECOND);
        for (int i = 0; i < BatchBuilder.guaranteedCapacity(max); i++) {
            assertTrue(builder.fits(worst.getSerializedSize()));
            add(builder, worst);
        }
        builder.finish(Long.MAX_VALUE, 0xFFFFFFFFL, true).release();
        assertEquals(753, BatchBuilder.guaranteedCapacity(max));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FanOut.requireUniverseFits(754, max));
    }
}
