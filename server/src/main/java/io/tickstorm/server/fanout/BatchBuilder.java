package io.tickstorm.server.fanout;

import static io.tickstorm.server.fanout.ProtobufWire.WIRE_FIXED64;
import static io.tickstorm.server.fanout.ProtobufWire.WIRE_LENGTH_DELIMITED;
import static io.tickstorm.server.fanout.ProtobufWire.WIRE_VARINT;
import static io.tickstorm.server.fanout.ProtobufWire.isDefault;
import static io.tickstorm.server.fanout.ProtobufWire.tag;
import static io.tickstorm.server.fanout.ProtobufWire.varintSize;
import static io.tickstorm.server.fanout.ProtobufWire.writeDouble;
import static io.tickstorm.server.fanout.ProtobufWire.writeVarint;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.FrameEncoder;

/**
 * Builds one complete DATA_BATCH frame in a pooled buffer, tick by tick, without creating message objects: the
 * header is reserved up front, each {@code Tick} is appended as a repeated field 1 of {@code DataBatch}, and
 * {@link #finish} appends the batch fields, patches the length and appends the CRC-32C.
 *
 * <pre>
 * [header 8][0A len Tick]...[0A len Tick][10 batch_timestamp_ms][18 batch_sequence][20 is_snapshot][crc 4]
 * </pre>
 *
 * Not thread-safe; one builder per writer thread. The buffer returned by {@link #finish} belongs to the caller.
 */
final class BatchBuilder {

    /** Largest encoding of fields 2, 3 and 4 of DataBatch. */
    static final int TRAILER_MAX_BYTES = 1 + 10 + 1 + 5 + 2;
    private static final int INITIAL_CAPACITY = 4096;
    /**
     * Largest encoding of one Tick entry: tag and length (2), symbol of 16 bytes (18), timestamp (7), four doubles
     * (36), two sizes as ten-byte varints (22) and the mode (2).
     */
    static final int MAX_TICK_ENTRY_BYTES = 2 + 18 + 7 + 36 + 22 + 2;

    private static final int TICK_FIELD = tag(1, WIRE_LENGTH_DELIMITED);
    private static final int SYMBOL = tag(1, WIRE_LENGTH_DELIMITED);
    private static final int TIMESTAMP = tag(2, WIRE_VARINT);
    private static final int PRICE = tag(3, WIRE_FIXED64);
    private static final int VOLUME = tag(4, WIRE_FIXED64);
    private static final int BID = tag(5, WIRE_FIXED64);
    private static final int ASK = tag(6, WIRE_FIXED64);
    private static final int BID_SIZE = tag(7, WIRE_VARINT);
    private static final int ASK_SIZE = tag(8, WIRE_VARINT);
    private static final int MODE = tag(9, WIRE_VARINT);
    private static final int BATCH_TIMESTAMP = tag(2, WIRE_VARINT);
    private static final int BATCH_SEQUENCE = tag(3, WIRE_VARINT);
    private static final int IS_SNAPSHOT = tag(4, WIRE_VARINT);

    private final ByteBufAllocator allocator;
    private final int maxPayloadBytes;
    private final int mode;

    private ByteBuf buf;
    private int tickCount;
    private long oldestTickNanos;

    /**
     * @param mode the {@code SubscriptionMode} number written into every tick
     */
    BatchBuilder(ByteBufAllocator allocator, int maxPayloadBytes, int mode) {
        this.allocator = allocator;
        this.maxPayloadBytes = maxPayloadBytes;
        this.mode = mode;
    }

    /** How many ticks a batch can always hold under {@code maxPayloadBytes}, whatever their values. */
    static int guaranteedCapacity(int maxPayloadBytes) {
        return Math.max(0, (maxPayloadBytes - TRAILER_MAX_BYTES) / MAX_TICK_ENTRY_BYTES);
    }

    boolean isEmpty() {
        return tickCount == 0;
    }

    int tickCount() {
        return tickCount;
    }

    /** Creation time (epoch ns) of the oldest tick added since the batch began, for the publish-latency metric. */
    long oldestTickNanos() {
        return oldestTickNanos;
    }

    /** Whether one more tick of {@code tickBytes} (see {@link #tickSize}) still fits under the payload limit. */
    boolean fits(int tickBytes) {
        int payload = buf == null ? 0 : buf.writerIndex() - FrameDescriptor.HEADER_LENGTH;
        return payload + 1 + varintSize(tickBytes) + tickBytes + TRAILER_MAX_BYTES <= maxPayloadBytes;
    }

    /** Encoded size of one Tick message (without its field tag and length prefix). */
    int tickSize(byte[] symbol, long timestampMs, double price, double volume, double bid, double ask, long bidSize,
            long askSize) {
        int size = 0;
        if (symbol.length > 0) {
            size += 1 + varintSize(symbol.length) + symbol.length;
        }
        if (timestampMs != 0) {
            size += 1 + varintSize(timestampMs);
        }
        size += doubleSize(price) + doubleSize(volume) + doubleSize(bid) + doubleSize(ask);
        if (bidSize != 0) {
            size += 1 + varintSize(bidSize);
        }
        if (askSize != 0) {
            size += 1 + varintSize(askSize);
        }
        if (mode != 0) {
            size += 1 + varintSize(mode);
        }
        return size;
    }

    private static int doubleSize(double value) {
        return isDefault(value) ? 0 : 9;
    }

    /**
     * Appends one tick whose encoded size {@code tickBytes} was computed by {@link #tickSize} (and checked with
     * {@link #fits}); {@code createdNanos} is its creation time for latency accounting.
     */
    void add(int tickBytes, byte[] symbol, long timestampMs, double price, double volume, double bid, double ask,
            long bidSize, long askSize, long createdNanos) {
        if (buf == null) {
            begin();
        }
        if (tickCount == 0) {
            oldestTickNanos = createdNanos;
        }
        tickCount++;
        ByteBuf out = buf;
        out.ensureWritable(1 + varintSize(tickBytes) + tickBytes);
        out.writeByte(TICK_FIELD);
        writeVarint(out, tickBytes);
        if (symbol.length > 0) {
            out.writeByte(SYMBOL);
            writeVarint(out, symbol.length);
            out.writeBytes(symbol);
        }
        if (timestampMs != 0) {
            out.writeByte(TIMESTAMP);
            writeVarint(out, timestampMs);
        }
        writeDoubleField(out, PRICE, price);
        writeDoubleField(out, VOLUME, volume);
        writeDoubleField(out, BID, bid);
        writeDoubleField(out, ASK, ask);
        if (bidSize != 0) {
            out.writeByte(BID_SIZE);
            writeVarint(out, bidSize);
        }
        if (askSize != 0) {
            out.writeByte(ASK_SIZE);
            writeVarint(out, askSize);
        }
        if (mode != 0) {
            out.writeByte(MODE);
            writeVarint(out, mode);
        }
    }

    private static void writeDoubleField(ByteBuf out, int tag, double value) {
        if (!isDefault(value)) {
            out.writeByte(tag);
            writeDouble(out, value);
        }
    }

    private void begin() {
        int maxFrame = FrameDescriptor.frameLength(maxPayloadBytes);
        buf = allocator.directBuffer(Math.min(INITIAL_CAPACITY, maxFrame), maxFrame);
        buf.writerIndex(FrameDescriptor.HEADER_LENGTH);
        tickCount = 0;
    }

    /**
     * Seals the batch into a complete frame and hands it over (the builder starts a new batch next time). Works on
     * an empty batch too (a snapshot of nothing).
     *
     * @param sequence the uint32 batch_sequence
     */
    ByteBuf finish(long batchTimestampMs, long sequence, boolean snapshot) {
        if (buf == null) {
            begin();
        }
        ByteBuf out = buf;
        buf = null;
        tickCount = 0;
        out.ensureWritable(TRAILER_MAX_BYTES + FrameDescriptor.CRC_LENGTH);
        if (batchTimestampMs != 0) {
            out.writeByte(BATCH_TIMESTAMP);
            writeVarint(out, batchTimestampMs);
        }
        long seq = sequence & 0xFFFFFFFFL;
        if (seq != 0) {
            out.writeByte(BATCH_SEQUENCE);
            writeVarint(out, seq);
        }
        if (snapshot) {
            out.writeByte(IS_SNAPSHOT);
            out.writeByte(1);
        }
        int payloadLength = out.writerIndex() - FrameDescriptor.HEADER_LENGTH;
        int end = out.writerIndex();
        out.writerIndex(0);
        FrameEncoder.writeHeader(out, FrameType.DATA_BATCH, payloadLength);
        out.writerIndex(end);
        FrameEncoder.writeCrc(out, 0);
        return out;
    }

    /** Drops an unfinished batch (the stream ended). */
    void discard() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
        tickCount = 0;
    }
}
