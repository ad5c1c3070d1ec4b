package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickstorm.server.feed.KafkaFormat;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.RecordingSink;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickSink;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A lane's records through the writer: per-bar judgement, holding at the horizon, and the partition watermark. */
class RecordWriterTest {

    private static final long MS = 1_000_000L;
    /** 2026-12-01T08:00:00Z, a whole minute. */
    private static final long T0 = 1_796_112_000_000L;

    /** A sink whose horizon the test moves. */
    private static final class HorizonSink implements TickSink {
        final RecordingSink recorded = new RecordingSink(SymbolUniverse.learning(8));
        long horizonNanos = Long.MAX_VALUE;

        @Override
        public long horizonNanos() {
            return horizonNanos;
        }

        @Override
        public SymbolUniverse universe() {
            return recorded.universe();
        }

        @Override
        public void tick(int symbol, long timestampNanos, double price, double volume, double bid, double ask,
                         long bidSize, long askSize, int bars) {
            recorded.tick(symbol, timestampNanos, price, volume, bid, ask, bidSize, askSize, bars);
        }

        @Override
        public void malformed(MalformedReason reason) {
            recorded.malformed(reason);
        }

        @Override
        public void unknownSymbol() {
            recorded.unknownSymbol();
        }
    }

    private final HorizonSink sink = new HorizonSink();
    private final RecordWriter writer = new RecordWriter(KafkaFormat.PROTOBUF, 200 * MS, new SkipLog("ticks"));
    private final PartitionLane lane = new PartitionLane(new TopicPartition("ticks", 0), 0);
    private long offset;

    private ConsumerRecord<byte[], byte[]> record(String key, long recordMs, long tickMs, double price) {
        byte[] value = KafkaTestBroker.tick("AAPL", tickMs, price, 1);
        return new ConsumerRecord<>("ticks", 0, offset++, recordMs, TimestampType.CREATE_TIME, -1, value.length,
                key == null ? null : key.getBytes(), value, new RecordHeaders(), Optional.empty());
    }

    private RecordWriter.Outcome drain(long nowMs) {
        writer.budget(1000);
        return writer.drain(lane, sink, nowMs);
    }

    @Test
    void judgesEachBarOnTheRecordTimestamp() {
        lane.offer(List.of(record("AAPL", T0 + 500, T0 + 400, 1), record("AAPL", T0 + 1_300, T0 + 900, 2),
                record("AAPL", T0 + 70_000, T0 + 900, 3)));
        assertEquals(RecordWriter.Outcome.EMPTY, drain(T0 + 70_000));
        List<RecordingSink.Tick> ticks = sink.recorded.ticks();
        assertEquals(TickSink.BOTH_BARS, ticks.get(0).bars());
        assertEquals(TickSink.MINUTE_BAR, ticks.get(1).bars(), "logged 300 ms after its second ended");
        assertEquals(TickSink.NO_BARS, ticks.get(2).bars());
        assertEquals((T0 + 900) * MS, ticks.get(1).timestampNanos(), "the tick keeps its own timestamp");
        assertEquals((T0 + 70_000) * MS, lane.watermarkNanos(), "the largest record timestamp seen");
    }

    @Test
    void holdsATickBeyondTheHorizonAndWritesItInOrderLater() {
        lane.offer(List.of(record("AAPL", T0, T0, 1), record("AAPL", T0 + 10, T0 + 900, 2),
                record("AAPL", T0 + 20, T0 + 20, 3)));
        sink.horizonNanos = (T0 + 500) * MS;
        assertEquals(RecordWriter.Outcome.HELD, drain(T0));
        assertEquals(1, sink.recorded.count());
        assertEquals((T0 + 10) * MS, lane.watermarkNanos(), "the held record's timestamp counts: it was read");
        assertEquals(RecordWriter.Outcome.HELD, drain(T0), "still beyond");
        sink.horizonNanos = (T0 + 1_000) * MS;
        assertEquals(RecordWriter.Outcome.EMPTY, drain(T0));
        assertEquals(List.of(1.0, 2.0, 3.0), sink.recorded.ticks().stream().map(RecordingSink.Tick::price).toList());
    }

    @Test
    void aLateTickIsNeverHeld() {
        lane.offer(List.of(record("AAPL", T0, T0 + 5_000, 1)));
        sink.horizonNanos = T0 * MS;
        assertEquals(RecordWriter.Outcome.EMPTY, drain(T0));
        assertEquals(TickSink.NO_BARS, sink.recorded.tick(0).bars(), "five seconds ahead of its record");
    }

    @Test
    void anEndMarkCountsOnlyOnceTheRecordsBeforeItAreWritten() {
        lane.offer(List.of(record("AAPL", T0, T0, 1), record("AAPL", T0 + 10, T0 + 900, 2)));
        lane.markEnd((T0 + 5_000) * MS);
        sink.horizonNanos = (T0 + 500) * MS;
        assertEquals(RecordWriter.Outcome.HELD, drain(T0));
        assertEquals((T0 + 10) * MS, lane.watermarkNanos(), "a record of the marked batch is still held");
        sink.horizonNanos = Long.MAX_VALUE;
        drain(T0);
        assertEquals((T0 + 5_000) * MS, lane.watermarkNanos());
    }

    @Test
    void countsMalformedAndMiskeyedRecordsAndUsesTheValuesSymbol() {
        byte[] garbage = {1, 2, 3};
        lane.offer(List.of(new ConsumerRecord<>("ticks", 0, 0, T0, TimestampType.CREATE_TIME, -1, 3, null, garbage,
                        new RecordHeaders(), Optional.empty()),
                record("MSFT", T0, T0, 7), record(null, T0, T0, 8),
                record("AAPL", T0 + 120_000, T0 + 120_000, 9)));
        assertEquals(RecordWriter.Outcome.EMPTY, drain(T0));
        assertEquals(1, sink.recorded.malformedCount(MalformedReason.UNPARSEABLE));
        assertEquals(1, sink.recorded.malformedCount(MalformedReason.FUTURE_TIMESTAMP), "record two minutes ahead");
        assertEquals(2, sink.recorded.count());
        assertEquals("AAPL", sink.universe().symbol(sink.recorded.tick(0).symbol()));
        assertEquals(1, writer.keyMismatches());
        assertEquals(T0 * MS, lane.watermarkNanos(), "a record far ahead of the clock does not move the lane");
    }
}
