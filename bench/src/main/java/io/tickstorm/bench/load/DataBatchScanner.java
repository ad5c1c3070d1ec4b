package io.tickstorm.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Reads what the load generator checks from a DATA_BATCH payload without building message objects: the number of
 * ticks (entries of repeated field 1), the first tick's {@code timestamp_ms}, {@code batch_sequence} and
 * {@code is_snapshot}. Every field of the batch is walked (unknown ones skipped by wire type), so a truncated or
 * malformed payload is detected, not skipped; CRC has already been verified by the frame decoder.
 *
 * <pre>
 * DataBatch: [0A len Tick{.. 10 timestamp_ms ..}]* [10 batch_timestamp_ms] [18 batch_sequence] [20 is_snapshot]
 * </pre>
 *
 * Not thread-safe: one scanner per event-loop thread; the results are valid until the next {@link #scan}.
 */
public final class DataBatchScanner {

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;

    private int tickCount;
    private long firstTickTimestampMs;
    private long batchTimestampMs;
    private long sequence;
    private boolean snapshot;
    /** Position after the last varint read; avoids returning a pair per varint. */
    private int next;

    /**
     * Scans the readable bytes of {@code payload} (indices untouched).
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed DataBatch
     */
    public void scan(ByteBuf payload) {
        tickCount = 0;
        firstTickTimestampMs = 0;
        batchTimestampMs = 0;
        sequence = 0;
        snapshot = false;
        int index = payload.readerIndex();
        int end = payload.writerIndex();
        while (index < end) {
            long tag = varint(payload, index, end);
            index = next;
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == WIRE_LENGTH_DELIMITED) {
                int length = length(payload, index, end);
                index = next;
                if (tickCount == 0) {
                    firstTickTimestampMs = tickTimestamp(payload, index, index + length);
                }
                tickCount++;
                index += length;
            } else if (wire == WIRE_VARINT) {
                long value = varint(payload, index, end);
                index = next;
                switch (field) {
                    case 2 -> batchTimestampMs = value;
                    case 3 -> sequence = value & 0xFFFFFFFFL;
                    case 4 -> snapshot = value != 0;
                    default -> { }
                }
            } else {
                index = skip(payload, wire, index, end);
            }
        }
        if (index != end) {
            throw new IllegalArgumentException("DataBatch: field runs past the payload");
        }
    }

    public int tickCount() {
        return tickCount;
    }

    public long firstTickTimestampMs() {
        return firstTickTimestampMs;
    }

    public long batchTimestampMs() {
        return batchTimestampMs;
    }

    public long sequence() {
        return sequence;
    }

    public boolean snapshot() {
        return snapshot;
    }

    private long tickTimestamp(ByteBuf buf, int index, int end) {
        long timestamp = 0;
        while (index < end) {
            long tag = varint(buf, index, end);
            index = next;
            int wire = (int) (tag & 7);
            if (tag >>> 3 == 2 && wire == WIRE_VARINT) {
                timestamp = varint(buf, index, end);
                index = next;
            } else {
                index = skip(buf, wire, index, end);
            }
        }
        if (index != end) {
            throw new IllegalArgumentException("Tick: field runs past its length");
        }
        return timestamp;
    }

    private int skip(ByteBuf buf, int wire, int index, int end) {
        return switch (wire) {
            case WIRE_VARINT -> {
                varint(buf, index, end);
                yield next;
            }
            case WIRE_FIXED64 -> index + 8;
            case WIRE_LENGTH_DELIMITED -> {
                int length = length(buf, index, end);
                yield next + length;
            }
            case WIRE_FIXED32 -> index + 4;
            default -> throw new IllegalArgumentException("DataBatch: unsupported wire type " + wire);
        };
    }

    private int length(ByteBuf buf, int index, int end) {
        long length = varint(buf, index, end);
        if (length < 0 || length > end - next) {
            throw new IllegalArgumentException("DataBatch: length " + length + " runs past the payload");
        }
        return (int) length;
    }

    private long varint(ByteBuf buf, int index, int end) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (index >= end) {
                throw new IllegalArgumentException("DataBatch: truncated varint");
            }
            byte b = buf.getByte(index++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                next = index;
                return value;
            }
        }
        throw new IllegalArgumentException("DataBatch: varint longer than 10 bytes");
    }
}
