package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;

/**
 * Just enough of the protobuf wire format to write DataBatch and Tick messages straight into a {@link ByteBuf}
 * without building message objects: varints, little-endian fixed64 doubles and field tags. Output is byte-identical
 * to protobuf-java's serialization of the same message (fields in number order, proto3 defaults omitted), which
 * {@code BatchBuilderTest} checks.
 */
final class ProtobufWire {

    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LENGTH_DELIMITED = 2;

    private ProtobufWire() {
    }

    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    static int varintSize(long value) {
        // Negative int64 values take all ten bytes.
        return value < 0 ? 10 : (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
    }

    static void writeVarint(ByteBuf out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    /** proto3 omits a double field whose raw bits are zero (so -0.0 is written, as protobuf-java does). */
    static boolean isDefault(double value) {
        return Double.doubleToRawLongBits(value) == 0;
    }
}
