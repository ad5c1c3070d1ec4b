package io.tickstorm.protocol;

/**
 * The wire layout of one Tick-Storm v1 frame, in one place (PROTOCOL.md §2). All integers are big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       magic 0xF57D            |  version 0x01 |     type      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    payload length (uint32)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 payload (protobuf, may be empty)             ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        CRC-32C (Castagnoli) of header + payload               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class FrameDescriptor {

    /** The two magic bytes as one big-endian short. */
    public static final int MAGIC = 0xF57D;
    public static final byte MAGIC_BYTE_0 = (byte) 0xF5;
    public static final byte MAGIC_BYTE_1 = (byte) 0x7D;
    public static final byte VERSION = 0x01;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int TYPE_OFFSET = 3;
    public static final int LENGTH_OFFSET = 4;
    public static final int PAYLOAD_OFFSET = 8;

    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;
    public static final int CRC_LENGTH = 4;
    /** Header plus checksum: the size of a frame with an empty payload. */
    public static final int FRAMING_OVERHEAD = HEADER_LENGTH + CRC_LENGTH;

    /** Default largest payload a receiver accepts (configurable per connection). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 65_536;

    private FrameDescriptor() {
    }

    /** Total bytes on the wire for a payload of {@code payloadLength} bytes. */
    public static int frameLength(int payloadLength) {
        return FRAMING_OVERHEAD + payloadLength;
    }

    /** Offset of the CRC field in a frame whose payload is {@code payloadLength} bytes. */
    public static int crcOffset(int payloadLength) {
        return HEADER_LENGTH + payloadLength;
    }
}
