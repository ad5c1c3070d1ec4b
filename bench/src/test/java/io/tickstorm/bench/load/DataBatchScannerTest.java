package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import org.junit.jupiter.api.Test;

class DataBatchScannerTest {

    private static DataBatch batch(int ticks, long sequence, boolean snapshot) {
        DataBatch.Builder b = DataBatch.newBuilder().setBatchTimestampMs(1_764_576_000_123L)
                .setBatchSequence((int) sequence).setIsSnapshot(snapshot);
        for (int i = 0; i < ticks; i++) {
            b.addTicks(Tick.newBuilder().setSymbol("SYM" + i).setTimestampMs(1_764_576_000_000L + i).setPrice(1.5)
                    .setVolume(2).setBid(1.4).setAsk(1.6).setBidSize(10).setAskSize(20)
                    .setMode(SubscriptionMode.SECOND).putMetadata("k", "v"));
        }
        return b.build();
    }

    @Test
    void readsTickCountFirstTimestampSequenceAndSnapshotFlag() {
        DataBatchScanner scanner = new DataBatchScanner();
        scanner.scan(Unpooled.wrappedBuffer(batch(100, 4_000_000_000L, true).toByteArray()));
        assertEquals(100, scanner.tickCount());
        assertEquals(1_764_576_000_000L, scanner.firstTickTimestampMs());
        assertEquals(1_764_576_000_123L, scanner.batchTimestampMs());
        assertEquals(4_000_000_000L, scanner.sequence());
        assertTrue(scanner.snapshot());
    }

    @Test
    void treatsAbsentFieldsAsProtoDefaults() {
        DataBatchScanner scanner = new DataBatchScanner();
        scanner.scan(Unpooled.EMPTY_BUFFER);
        assertEquals(0, scanner.tickCount());
        assertEquals(0, scanner.sequence());
        assertFalse(scanner.snapshot());
    }

    @Test
    void leavesTheBufferIndicesUntouched() {
        ByteBuf payload = Unpooled.wrappedBuffer(batch(3, 7, false).toByteArray());
        int reader = payload.readerIndex();
        new DataBatchScanner().scan(payload);
        assertEquals(reader, payload.readerIndex());
    }

    @Test
    void rejectsATruncatedBatch() {
        byte[] full = batch(5, 9, false).toByteArray();
        ByteBuf truncated = Unpooled.wrappedBuffer(full, 0, full.length - 20);
        assertThrows(IllegalArgumentException.class, () -> new DataBatchScanner().scan(truncated));
    }
}
