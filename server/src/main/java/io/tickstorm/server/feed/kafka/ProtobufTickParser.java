package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.file.TickLineParser;
import io.tickstorm.server.feed.file.TickRecord;
import java.util.Objects;

/**
 * Decodes a {@code tickstorm.protocol.Tick} (tickstorm.proto) from a Kafka record value into a {@link TickRecord},
 * allocating nothing: the symbol stays a byte range of the value. A hand-written reader of the protobuf wire format
 * for one message, because protobuf-java would allocate a message and a String per record.
 *
 * <pre>
 *  field  1 symbol       LEN  (UTF-8)          field 5 bid       I64 (double)
 *  field  2 timestamp_ms VARINT (int64)        field 6 ask       I64 (double)
 *  field  3 price        I64 (double)          field 7 bid_size  VARINT (int64)
 *  field  4 volume       I64 (double)          field 8 ask_size  VARINT (int64)
 *  field  9 mode, 10 metadata and unknown fields: skipped by wire type
 * </pre>
 *
 * As in protobuf, a field that repeats keeps its last value. Reasons, the first that applies:
 * <ul>
 *   <li>{@link MalformedReason#UNPARSEABLE}: truncated input, a varint longer than 10 bytes, a group or reserved
 *       wire type, field number 0, or one of the fields above with another wire type than its own;
 *   <li>{@link MalformedReason#MISSING_FIELD}: no symbol (or an empty one), or no timestamp_ms (proto3 does not
 *       write zeros, so timestamp 0 is absent). Prices, volume and sizes default to 0, as in proto3;
 *   <li>then {@link TickRecord#validate()}: the symbol pattern, non-finite or negative numbers, bid above ask.
 * </ul>
 * A value of -0.0 is stored as 0.0, as the JSON parser does. Not thread-safe: one instance per thread.
 */
public final class ProtobufTickParser implements TickLineParser {

    private static final int VARINT = 0;
    private static final int I64 = 1;
    private static final int LEN = 2;
    private static final int I32 = 5;

    private byte[] buf;
    private int pos;
    private int limit;
    private boolean truncated;

    @Override
    public MalformedReason parse(byte[] buf, int offset, int length, TickRecord out) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        this.truncated = false;
        out.clear();
        MalformedReason reason = parseFields(out);
        this.buf = null; // keep no record's bytes reachable from here
        return reason;
    }

    private MalformedReason parseFields(TickRecord out) {
        boolean hasSymbol = false;
        boolean hasTimestamp = false;
        while (pos < limit) {
            long tag = readVarint();
            if (truncated || tag >>> 32 != 0) {
                return MalformedReason.UNPARSEABLE;
            }
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (field == 0) {
                return MalformedReason.UNPARSEABLE;
            }
            int expected = switch (field) {
                case 1 -> LEN;
                case 2, 7, 8 -> VARINT;
                case 3, 4, 5, 6 -> I64;
                default -> -1;
            };
            if (expected >= 0 && wireType != expected) {
                return MalformedReason.UNPARSEABLE;
            }
            switch (field) {
                case 1 -> {
                    int length = readLength();
                    if (length < 0) {
                        return MalformedReason.UNPARSEABLE;
                    }
                    out.symbol(buf, pos, length);
                    hasSymbol = length > 0;
                    pos += length;
                }
                case 2 -> {
                    out.timestampMs(readVarint());
                    hasTimestamp = out.timestampMs() != 0;
                }
                case 3 -> out.price(readDouble());
                case 4 -> out.volume(readDouble());
                case 5 -> out.bid(readDouble());
                case 6 -> out.ask(readDouble());
                case 7 -> out.bidSize(readVarint());
                case 8 -> out.askSize(readVarint());
                default -> {
                    if (!skip(wireType)) {
                        return MalformedReason.UNPARSEABLE;
                    }
                }
            }
            if (truncated) {
                return MalformedReason.UNPARSEABLE;
            }
        }
        if (!hasSymbol || !hasTimestamp) {
            return MalformedReason.MISSING_FIELD;
        }
        return out.validate();
    }

    private boolean skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case I64 -> advance(8);
            case I32 -> advance(4);
            case LEN -> {
                int length = readLength();
                if (length < 0) {
                    return false;
                }
                pos += length;
            }
            default -> {
                return false; // groups (3, 4) are not in proto3; 6 and 7 do not exist
            }
        }
        return !truncated;
    }

    /** A length prefix that fits in what is left, else -1. */
    private int readLength() {
        long length = readVarint();
        if (truncated || length < 0 || length > limit - pos) {
            return -1;
        }
        return (int) length;
    }

    private long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                truncated = true;
                return 0;
            }
            byte b = buf[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        truncated = true; // more than 10 bytes
        return 0;
    }

    private double readDouble() {
        if (limit - pos < 8) {
            truncated = true;
            return 0;
        }
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = (bits << 8) | (buf[pos + i] & 0xFFL);
        }
        pos += 8;
        double value = Double.longBitsToDouble(bits);
        return value == 0 ? 0.0 : value; // -0.0 becomes 0.0
    }

    private void advance(int bytes) {
        if (limit - pos < bytes) {
            truncated = true;
            return;
        }
        pos += bytes;
    }
}
