package io.tickstorm.server.feed.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The tick fields a recording carries, named as in the protobuf {@code Tick} and the CLI's JSON lines: the NDJSON
 * keys and the CSV header names. Both parsers map a key or column to one of these and store it with
 * {@link TickRecord}'s per-field setters.
 */
enum TickField {
    SYMBOL("symbol", Kind.SYMBOL, true),
    TIMESTAMP_MS("timestamp_ms", Kind.INTEGER, true),
    PRICE("price", Kind.DECIMAL, true),
    VOLUME("volume", Kind.DECIMAL, true),
    BID("bid", Kind.DECIMAL, true),
    ASK("ask", Kind.DECIMAL, true),
    BID_SIZE("bid_size", Kind.INTEGER, false),
    ASK_SIZE("ask_size", Kind.INTEGER, false);

    /** How a field's value is written. */
    enum Kind {
        SYMBOL,
        INTEGER,
        DECIMAL
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bit set of the required fields, by ordinal. */
    static final int REQUIRED_BITS;

    private static final TickField[] VALUES = values();
    /** Candidates by key length, so an unknown key costs one array read (keys are at most 12 bytes long, 16 could be compared). */
    private static final TickField[][] BY_KEY_LENGTH;

    static {
        int required = 0;
        int maxLength = 0;
        for (TickField field : VALUES) {
            required |= field.required ? field.bit() : 0;
            maxLength = Math.max(maxLength, field.key.length);
        }
        REQUIRED_BITS = required;
        BY_KEY_LENGTH = new TickField[maxLength + 1][];
        for (int length = 0; length <= maxLength; length++) {
            final int wanted = length;
            BY_KEY_LENGTH[length] = Arrays.stream(VALUES)
                    .filter(f -> f.key.length == wanted)
                    .toArray(TickField[]::new);
        }
    }

    private final String fieldName;
    private final byte[] key;
    /** The key's first 8 bytes, and the rest (keys are at most 16 bytes), as {@link #word} reads them. */
    private final long keyHead;
    private final long keyTail;
    private final Kind kind;
    private final boolean required;

    TickField(String fieldName, Kind kind, boolean required) {
        this.fieldName = fieldName;
        this.key = fieldName.getBytes(StandardCharsets.US_ASCII);
        this.keyHead = wordByBytes(key, 0, Math.min(key.length, Long.BYTES));
        this.keyTail = key.length > Long.BYTES ? wordByBytes(key, Long.BYTES, key.length - Long.BYTES) : 0;
        this.kind = kind;
        this.required = required;
    }

    /** The JSON key and CSV column name. */
    String fieldName() {
        return fieldName;
    }

    Kind kind() {
        return kind;
    }

    boolean required() {
        return required;
    }

    /** This field's bit in a set of seen fields. */
    int bit() {
        return 1 << ordinal();
    }

    /** The field named by the raw bytes {@code buf[offset, offset + length)}, or null. Allocates nothing. */
    static TickField ofKey(byte[] buf, int offset, int length) {
        if (length >= BY_KEY_LENGTH.length) {
            return null;
        }
        TickField[] candidates = BY_KEY_LENGTH[length];
        if (candidates.length == 0) {
            return null;
        }
        // Compare as at most two words rather than byte by byte: 11 keys per CLI line make this a hot spot.
        long head = word(buf, offset, Math.min(length, Long.BYTES));
        long tail = length > Long.BYTES ? word(buf, offset + Long.BYTES, length - Long.BYTES) : 0;
        for (TickField field : candidates) {
            if (field.keyHead == head && field.keyTail == tail) {
                return field;
            }
        }
        return null;
    }

    /** The {@code count} (1 to 8) bytes at {@code offset} as a little-endian long, zero above them. */
    private static long word(byte[] buf, int offset, int count) {
        if (offset + Long.BYTES > buf.length) {
            return wordByBytes(buf, offset, count);
        }
        long word = (long) LONGS.get(buf, offset); // may read past the key, within the array: masked off
        return count == Long.BYTES ? word : word & (1L << (count * Byte.SIZE)) - 1;
    }

    /** What {@link #word} returns, a byte at a time (also for the constructor, which runs before LONGS is set). */
    private static long wordByBytes(byte[] buf, int offset, int count) {
        long word = 0;
        for (int i = count - 1; i >= 0; i--) {
            word = word << Byte.SIZE | (buf[offset + i] & 0xFF);
        }
        return word;
    }

    /** The field with this name, or null. */
    static TickField ofName(String name) {
        for (TickField field : VALUES) {
            if (field.fieldName.equals(name)) {
                return field;
            }
        }
        return null;
    }
}
