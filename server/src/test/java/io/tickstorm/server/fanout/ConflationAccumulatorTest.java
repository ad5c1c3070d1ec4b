package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConflationAccumulatorTest {

    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    private static final long MS = 1_000_000L;
    /** Indexes 0, 1, 2 in this order; by name: AAA (1), BBB (2), CCC (0). */
    private static final SymbolUniverse UNIVERSE = SymbolUniverse.of(List.of("CCC", "AAA", "BBB"));
    private static final int CCC = 0;
    private static final int AAA = 1;
    private static final int BBB = 2;

    private final BatchBuilder builder = new BatchBuilder(ALLOC, FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES,
            SubscriptionMode.REALTIME_VALUE);

    private static ConflationAccumulator everySymbol() {
        return new ConflationAccumulator(UNIVERSE.capacity(), new int[0], true);
    }

    private static void tick(ConflationAccumulator accumulator, int symbol, long ms, double price, double volume) {
        accumulator.add(symbol, ms * MS, price, volume, price - 0.5, price + 0.5, 10, 20);
    }

    private DataBatch drain(ConflationAccumulator accumulator, int[] byName) throws InvalidProtocolBufferException {
        int ticks = accumulator.drainTo(builder, byName, UNIVERSE);
        DataBatch batch = decode(builder.finish(1, 1, false));
        assertEquals(ticks, batch.getTicksCount());
        return batch;
    }

    private static DataBatch decode(ByteBuf frame) throws InvalidProtocolBufferException {
        try {
            return DataBatch.parseFrom(ByteBufUtil.getBytes(frame, FrameDescriptor.PAYLOAD_OFFSET,
                    frame.readableBytes() - FrameDescriptor.frameLength(0)));
        } finally {
            frame.release();
        }
    }

    @Test
    void theLatestTickOfEachChangedSymbolWinsWithTheVolumesOfTheTicksItReplaces() throws Exception {
        ConflationAccumulator accumulator = everySymbol();
        tick(accumulator, BBB, 1_000, 10.0, 2.0);
        tick(accumulator, AAA, 1_001, 20.0, 1.5);
        tick(accumulator, BBB, 1_002, 11.0, 3.0);
        tick(accumulator, BBB, 1_003, 12.0, 0.0);
        tick(accumulator, BBB, 1_004, 13.0, 4.25);

        DataBatch batch = drain(accumulator, UNIVERSE.byName());

        assertEquals(2, batch.getTicksCount(), "one tick per changed symbol, CCC had none");
        Tick aaa = batch.getTicks(0);
        Tick bbb = batch.getTicks(1);
        assertEquals("AAA", aaa.getSymbol(), "ordered by name");
        assertEquals(20.0, aaa.getPrice());
        assertEquals(1.5, aaa.getVolume());
        assertEquals("BBB", bbb.getSymbol());
        assertEquals(1_004, bbb.getTimestampMs(), "the latest tick wins");
        assertEquals(13.0, bbb.getPrice());
        assertEquals(12.5, bbb.getBid());
        assertEquals(13.5, bbb.getAsk());
        assertEquals(2.0 + 3.0 + 0.0 + 4.25, bbb.getVolume(), "no traded volume is lost");
        assertEquals(SubscriptionMode.REALTIME, bbb.getMode());
    }

    @Test
    void anIntervalWithoutTicksHasNothingToSendAndTheNextOneStartsFromZeroVolume() throws Exception {
        ConflationAccumulator accumulator = everySymbol();
        assertTrue(accumulator.isEmpty());
        tick(accumulator, CCC, 5, 1.0, 7.0);
        assertFalse(accumulator.isEmpty());
        drain(accumulator, UNIVERSE.byName());
        assertTrue(accumulator.isEmpty(), "drained");
        assertEquals(0, drain(accumulator, UNIVERSE.byName()).getTicksCount());

        tick(accumulator, CCC, 6, 2.0, 1.0);
        Tick ccc = drain(accumulator, UNIVERSE.byName()).getTicks(0);
        assertEquals(1.0, ccc.getVolume(), "volume of this interval only");
        assertEquals(2.0, ccc.getPrice());
    }

    @Test
    void theSnapshotHoldsWhatTheStreamLastCarriedNotWhatIsStillPending() throws Exception {
        ConflationAccumulator accumulator = everySymbol();
        assertEquals(0, accumulator.snapshotTo(builder, UNIVERSE.byName(), UNIVERSE), "nothing carried yet");
        decode(builder.finish(1, 0, true));
        tick(accumulator, AAA, 1, 100.0, 1.0);
        tick(accumulator, AAA, 2, 101.0, 1.0);
        drain(accumulator, UNIVERSE.byName());
        tick(accumulator, AAA, 3, 102.0, 5.0);
        tick(accumulator, BBB, 3, 50.0, 5.0);

        accumulator.snapshotTo(builder, UNIVERSE.byName(), UNIVERSE);
        DataBatch snapshot = decode(builder.finish(1, 1, true));

        assertEquals(1, snapshot.getTicksCount(), "BBB was never carried");
        assertEquals(101.0, snapshot.getTicks(0).getPrice(), "as of the last batch");
        assertEquals(2.0, snapshot.getTicks(0).getVolume());
        Tick next = drain(accumulator, UNIVERSE.byName()).getTicks(0);
        assertEquals(102.0, next.getPrice());
        assertEquals(5.0, next.getVolume(), "the first live batch after the snapshot counts only later ticks");
    }

    @Test
    void aStreamOfNamedSymbolsKeepsOneSlotPerSymbol() throws Exception {
        int[] byName = {AAA, CCC};
        ConflationAccumulator accumulator = new ConflationAccumulator(UNIVERSE.capacity(), byName, false);
        tick(accumulator, CCC, 1, 3.0, 1.0);
        tick(accumulator, AAA, 1, 4.0, 2.0);
        tick(accumulator, CCC, 2, 5.0, 1.0);

        DataBatch batch = drain(accumulator, byName);

        assertEquals(List.of("AAA", "CCC"), batch.getTicksList().stream().map(Tick::getSymbol).toList());
        assertEquals(2.0, batch.getTicks(0).getVolume());
        assertEquals(5.0, batch.getTicks(1).getPrice());
        assertEquals(2.0, batch.getTicks(1).getVolume());
    }

    @Test
    void anIntervalInWhichEverySymbolOfAFullUniverseChangedFitsOneBatch() throws Exception {
        int capacity = BatchBuilder.guaranteedCapacity(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES);
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            names.add(String.format("SYMBOL.%09d", i));
        }
        SymbolUniverse full = SymbolUniverse.of(names);
        ConflationAccumulator accumulator = new ConflationAccumulator(full.capacity(), new int[0], true);
        for (int round = 0; round < 3; round++) {
            for (int symbol = 0; symbol < capacity; symbol++) {
                // The largest encoding of every field: ten-byte sizes, every double present.
                accumulator.add(symbol, 1_796_112_000_123L * MS, 1.1, 0.3, 1.0, 1.2, -1L, -1L);
            }
        }

        int ticks = accumulator.drainTo(builder, full.byName(), full);
        ByteBuf frame = builder.finish(1_796_112_000_123L, 0xFFFFFFFFL, false);

        assertEquals(capacity, ticks);
        assertTrue(frame.readableBytes() <= FrameDescriptor.frameLength(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES));
        DataBatch batch = decode(frame);
        assertEquals(capacity, batch.getTicksCount());
        assertEquals(0.3 + 0.3 + 0.3, batch.getTicks(0).getVolume());
    }

    @Test
    void intervalsEndOnMultiplesOfTheIntervalOfTheFeedClock() {
        assertEquals(1_500 * MS, ConflatedFanOut.intervalEnd(1_000 * MS, 500));
        assertEquals(1_500 * MS, ConflatedFanOut.intervalEnd(1_499 * MS, 500));
        assertEquals(2_000 * MS, ConflatedFanOut.intervalEnd(1_500 * MS, 500), "an interval's end starts the next");
        assertEquals(60_000 * MS, ConflatedFanOut.intervalEnd(1, 60_000));
    }
}
