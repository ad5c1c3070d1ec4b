package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.KafkaFormat;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.TickSink;
import io.tickstorm.server.feed.file.NdjsonTickParser;
import io.tickstorm.server.feed.file.TickLineParser;
import io.tickstorm.server.feed.file.TickRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a lane's records into ticks in the market (feed thread): decodes each value, judges it with the
 * {@link LatenessRule}, and writes it, or counts it as malformed or of an unknown symbol. A tick that counts in a
 * bar but is stamped at or beyond the market's horizon is held in its lane, which then waits; nothing is dropped.
 *
 * <p>The record key should be the symbol. When it is present and differs from the value's symbol, the value wins
 * (the tick is what the producer meant to publish); the record is counted as mis-keyed and logged, because a
 * symbol spread over partitions has no defined "last tick" across them.
 */
final class RecordWriter {

    /** What {@link #drain} did with a lane. */
    enum Outcome {
        /** The lane has nothing more queued. */
        EMPTY,
        /** The budget ran out. */
        BUDGET,
        /** The lane's next tick lies beyond the market's horizon. */
        HELD
    }

    private static final long NANOS_PER_MS = 1_000_000L;
    private static final String KEY_MISMATCH = "the key is not the tick's symbol; the symbol is used (key records by "
            + "symbol, so that a symbol stays in one partition)";
    private static final String LATE = "late: served on REALTIME, left out of its SECOND and MINUTE bars";
    private static final String[] MALFORMED = new String[MalformedReason.values().length];

    static {
        for (MalformedReason reason : MalformedReason.values()) {
            MALFORMED[reason.ordinal()] = "malformed (" + reason.label() + "), skipped";
        }
    }

    private static final String LATE_FOR_SECOND = "late for its SECOND bar, counted in its MINUTE bar";

    private final TickLineParser parser;
    private final long latenessNanos;
    private final SkipLog log;
    private long recordsRead;
    private long keyMismatches;
    private int budget;

    RecordWriter(KafkaFormat format, long latenessNanos, SkipLog log) {
        this.parser = format == KafkaFormat.PROTOBUF ? new ProtobufTickParser() : new NdjsonTickParser();
        this.latenessNanos = latenessNanos;
        this.log = log;
    }

    /** Gives {@link #drain} calls {@code records} records to handle, in all. */
    void budget(int records) {
        this.budget = records;
    }

    int budget() {
        return budget;
    }

    /** Records read so far (every one: written, late, malformed or unknown). */
    long recordsRead() {
        return recordsRead;
    }

    /** Records whose key was not their tick's symbol. */
    long keyMismatches() {
        return keyMismatches;
    }

    /** Writes the lane's queued records into {@code sink} while the budget lasts. */
    Outcome drain(PartitionLane lane, TickSink sink, long nowMs) {
        ConsumerRecord<byte[], byte[]> held = lane.pendingRecord();
        if (held != null) {
            if (lane.record().timestampMs() * NANOS_PER_MS >= sink.horizonNanos()) {
                return Outcome.HELD;
            }
            lane.release();
            write(lane, sink, lane.pendingBars());
            lane.done();
        }
        while (budget > 0) {
            ConsumerRecord<byte[], byte[]> next = lane.next();
            if (next == null) {
                return Outcome.EMPTY;
            }
            budget--;
            recordsRead++;
            int bars = judge(lane, next, sink, nowMs);
            if (bars < 0) {
                lane.done();
                continue;
            }
            if (bars != TickSink.NO_BARS && lane.record().timestampMs() * NANOS_PER_MS >= sink.horizonNanos()) {
                lane.hold(next, bars);
                return Outcome.HELD;
            }
            write(lane, sink, bars);
            lane.done();
        }
        return Outcome.BUDGET;
    }

    /** Decodes the record into the lane's holder and returns the bars it counts in, or -1 if it was skipped. */
    private int judge(PartitionLane lane, ConsumerRecord<byte[], byte[]> next, TickSink sink, long nowMs) {
        TickRecord record = lane.record();
        long recordMs = next.timestamp();
        byte[] value = next.value();
        MalformedReason bad;
        if (recordMs < 0) {
            bad = MalformedReason.MISSING_FIELD; // a record without a timestamp (pre-0.10 format) cannot be judged
        } else if (value == null || value.length == 0) {
            bad = MalformedReason.UNPARSEABLE; // a tombstone or an empty value
        } else {
            bad = parser.parse(value, 0, value.length, record);
            if (bad == null && LatenessRule.future(recordMs, record.timestampMs(), nowMs)) {
                bad = MalformedReason.FUTURE_TIMESTAMP;
            }
        }
        if (bad != MalformedReason.FUTURE_TIMESTAMP && recordMs >= 0 && recordMs - nowMs <= LatenessRule.FUTURE_MS) {
            // The log's time moved on, whatever the value holds; a clock far ahead must not drag the market along.
            lane.seen(recordMs);
        }
        if (bad != null) {
            sink.malformed(bad);
            log.record(lane.partition(), next.offset(), MALFORMED[bad.ordinal()]);
            return -1;
        }
        byte[] key = next.key();
        if (key != null && !record.symbolEquals(key)) {
            keyMismatches++;
            log.record(lane.partition(), next.offset(), KEY_MISMATCH);
        }
        int bars = LatenessRule.bars(recordMs, record.timestampMs(), latenessNanos);
        if (bars != TickSink.BOTH_BARS) {
            // A MINUTE interval ends no earlier than the SECOND one inside it: late for SECOND only, or for both.
            log.record(lane.partition(), next.offset(), bars == TickSink.NO_BARS ? LATE : LATE_FOR_SECOND);
        }
        return bars;
    }

    private void write(PartitionLane lane, TickSink sink, int bars) {
        TickRecord record = lane.record();
        int symbol = sink.universe().resolve(record.symbolArray(), record.symbolOffset(), record.symbolLength());
        if (symbol < 0) {
            sink.unknownSymbol();
            return;
        }
        sink.tick(symbol, record.timestampMs() * NANOS_PER_MS, record.price(), record.volume(), record.bid(),
                record.ask(), record.bidSize(), record.askSize(), bars);
    }
}
