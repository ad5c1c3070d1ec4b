package io.tickstorm.server.feed.file;

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

    /** Bit set of the required fields, by ordinal. */
    static final int REQUIRED_BITS;

    private static final TickField[] VALUES = values();
    /** Candidates by key length, so an unknown key costs one array read (keys are at most 12 bytes long). */
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
    private final Kind kind;
    private final boolean required;

    TickField(String fieldName, Kind kind, boolean required) {
        this.fieldName = fieldName;
        this.key = fieldName.getBytes(StandardCharsets.US_ASCII);
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
        for (TickField field : BY_KEY_LENGTH[length]) {
            if (field.keyEquals(buf, offset)) {
                return field;
            }
        }
        return null;
    }

    /** A plain loop: keys are at most 12 bytes, shorter than what a vectorized comparison pays off for. */
    private boolean keyEquals(byte[] buf, int offset) {
        for (int i = 0; i < key.length; i++) {
            if (buf[offset + i] != key[i]) {
                return false;
            }
        }
        return true;
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
