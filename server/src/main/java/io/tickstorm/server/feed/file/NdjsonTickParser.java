package io.tickstorm.server.feed.file;

import io.tickstorm.server.feed.MalformedReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parses one NDJSON line, a JSON object as {@code tick-storm-client --json} prints it, into a {@link TickRecord}:
 *
 * <pre>
 * {"symbol":"AAPL","timestamp_ms":1767225600012,"price":189.25,"volume":1200.0,"bid":189.24,"ask":189.26,
 *  "bid_size":300,"ask_size":200,"mode":"REALTIME","batch_sequence":1041,"is_snapshot":false}
 * </pre>
 *
 * A hand-written scanner over the bytes, allocating nothing for a good line (numbers: see {@link DecimalNumber}).
 * Keys are matched on their raw bytes and may come in any order; a key written with an escape is never one of
 * ours (the CLI does not escape them). Unknown keys are skipped whatever their value: strings with escapes,
 * numbers, true/false/null, objects and arrays nested up to {@value #MAX_NESTING} levels (deeper is UNPARSEABLE).
 * When a key repeats, its last value counts.
 *
 * <p>Reasons, the first that applies:
 * <ul>
 *   <li>{@link MalformedReason#UNPARSEABLE}: not one JSON object (another JSON value, a truncated line, anything
 *       but whitespace after the object, a bad string or number literal, a control character inside a string);
 *   <li>{@link MalformedReason#BAD_SYMBOL} or {@link MalformedReason#BAD_NUMBER}, whichever field comes first:
 *       a symbol that is not a string or contains an escape (even one of an allowed character: the CLI never
 *       writes those); a number field holding a string, boolean, object or array, {@code NaN} or
 *       {@code Infinity} (which some JSON writers emit), a fraction in an integer field (timestamp_ms, bid_size,
 *       ask_size; {@code 300.0} and {@code 3E2} are integers);
 *   <li>{@link MalformedReason#MISSING_FIELD}: symbol, timestamp_ms, price, volume, bid or ask absent or
 *       {@code null} (the CLI prints a non-finite price as null). A null size is 0, like an absent one;
 *   <li>then {@link TickRecord#validate()}: the symbol pattern, non-finite or negative numbers, bid above ask.
 * </ul>
 * A value of -0.0 is stored as 0.0.
 *
 * <p>Not thread-safe: one instance per feed thread.
 */
public final class NdjsonTickParser implements TickLineParser {

    /** Deepest nesting of an unknown field's value (a bit per level in a long). */
    static final int MAX_NESTING = 64;

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");
    private static final byte[] NAN = ascii("NaN");
    private static final byte[] INFINITY = ascii("Infinity");
    private static final byte[] MINUS_INFINITY = ascii("-Infinity");

    /** Bytes that end or escape a string, or may not appear in one. */
    private static final boolean[] STRING_SPECIAL = new boolean[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            STRING_SPECIAL[c] = true;
        }
        STRING_SPECIAL['"'] = true;
        STRING_SPECIAL['\\'] = true;
    }

    /** What a field held: a value of its type, null, another type, or bad JSON. */
    private static final int VALUE_PRESENT = 0;
    private static final int VALUE_NULL = 1;
    private static final int VALUE_OTHER = 2;
    private static final int VALUE_SYNTAX_ERROR = 3;

    private final DecimalNumber number = new DecimalNumber();
    private byte[] buf;
    private int pos;
    private int limit;
    /** Whether the string {@link #scanString()} last read contains an escape. */
    private boolean stringEscaped;

    @Override
    public MalformedReason parse(byte[] buf, int offset, int length, TickRecord out) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        out.clear();
        return parseObject(out);
    }

    private MalformedReason parseObject(TickRecord out) {
        skipWhitespace();
        if (pos >= limit || buf[pos] != '{') {
            return MalformedReason.UNPARSEABLE;
        }
        pos++;
        skipWhitespace();
        int seen = 0;
        MalformedReason typeError = null;
        if (pos < limit && buf[pos] == '}') {
            pos++;
        } else {
            while (true) {
                if (pos >= limit || buf[pos] != '"') {
                    return MalformedReason.UNPARSEABLE;
                }
                int keyStart = pos + 1;
                int keyEnd = scanString();
                if (keyEnd < 0 || !skipColon()) {
                    return MalformedReason.UNPARSEABLE;
                }
                TickField field = stringEscaped ? null : TickField.ofKey(buf, keyStart, keyEnd - keyStart);
                if (field == null) {
                    if (!skipValue()) {
                        return MalformedReason.UNPARSEABLE;
                    }
                } else if (field.kind() == TickField.Kind.SYMBOL) {
                    int status = readSymbol(out);
                    if (status == VALUE_SYNTAX_ERROR) {
                        return MalformedReason.UNPARSEABLE;
                    }
                    seen = status == VALUE_NULL ? seen & ~field.bit() : seen | field.bit();
                    if (status == VALUE_OTHER && typeError == null) {
                        typeError = MalformedReason.BAD_SYMBOL;
                    }
                } else {
                    int status = readNumber();
                    if (status == VALUE_SYNTAX_ERROR) {
                        return MalformedReason.UNPARSEABLE;
                    }
                    seen = status == VALUE_NULL ? seen & ~field.bit() : seen | field.bit();
                    if (!store(field, status, out) && typeError == null) {
                        typeError = MalformedReason.BAD_NUMBER;
                    }
                }
                skipWhitespace();
                if (pos >= limit) {
                    return MalformedReason.UNPARSEABLE;
                }
                byte c = buf[pos++];
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    return MalformedReason.UNPARSEABLE;
                }
                skipWhitespace();
            }
        }
        skipWhitespace();
        if (pos != limit) {
            return MalformedReason.UNPARSEABLE;
        }
        if (typeError != null) {
            return typeError;
        }
        if ((seen & TickField.REQUIRED_BITS) != TickField.REQUIRED_BITS) {
            return MalformedReason.MISSING_FIELD;
        }
        return out.validate();
    }

    /** After a key: whitespace, a colon, whitespace. */
    private boolean skipColon() {
        skipWhitespace();
        if (pos >= limit || buf[pos] != ':') {
            return false;
        }
        pos++;
        skipWhitespace();
        return pos < limit;
    }

    /** Reads the symbol's value; an escaped string counts as another type (see the class comment). */
    private int readSymbol(TickRecord out) {
        byte c = buf[pos];
        if (c == '"') {
            int start = pos + 1;
            int end = scanString();
            if (end < 0) {
                return VALUE_SYNTAX_ERROR;
            }
            if (stringEscaped) {
                return VALUE_OTHER;
            }
            out.symbol(buf, start, end - start);
            return VALUE_PRESENT;
        }
        if (c == 'n') {
            return skipLiteral(NULL) ? VALUE_NULL : VALUE_SYNTAX_ERROR;
        }
        return skipValue() ? VALUE_OTHER : VALUE_SYNTAX_ERROR;
    }

    /** Reads a number field's value into {@link #number}; says what it held. */
    private int readNumber() {
        byte c = buf[pos];
        if (c == '-' || (c >= '0' && c <= '9')) {
            if (c == '-' && pos + 1 < limit && buf[pos + 1] == 'I') {
                return skipLiteral(MINUS_INFINITY) ? VALUE_OTHER : VALUE_SYNTAX_ERROR;
            }
            int end = number.scan(buf, pos, limit);
            if (end < 0) {
                return VALUE_SYNTAX_ERROR;
            }
            pos = end;
            return VALUE_PRESENT;
        }
        if (c == 'n') {
            return skipLiteral(NULL) ? VALUE_NULL : VALUE_SYNTAX_ERROR;
        }
        return skipValue() ? VALUE_OTHER : VALUE_SYNTAX_ERROR;
    }

    /** Stores a number field's value; false if it is of the wrong type. */
    private boolean store(TickField field, int status, TickRecord out) {
        if (status == VALUE_OTHER) {
            return false;
        }
        boolean isNull = status == VALUE_NULL; // a null required field is caught as missing; a null size is 0
        if (field.kind() == TickField.Kind.INTEGER) {
            if (isNull) {
                out.setInteger(field, 0);
                return true;
            }
            if (!number.toLong()) {
                return false;
            }
            out.setInteger(field, number.longValue());
        } else {
            // + 0.0 turns -0.0 into 0.0, so a zero price never reaches the wire with its sign bit set.
            out.setDecimal(field, isNull ? 0.0 : number.toDouble() + 0.0);
        }
        return true;
    }

    /**
     * Skips one JSON value of any type starting at {@link #pos}, without recursion: a bit per nesting level says
     * whether it is an object (1) or an array (0). Also accepts NaN, Infinity and -Infinity, which some writers
     * emit. False if the value is malformed or nested too deep.
     */
    private boolean skipValue() {
        long objectLevels = 0;
        int depth = 0;
        while (true) {
            // A value starts at pos (whitespace already skipped).
            if (pos >= limit) {
                return false;
            }
            byte c = buf[pos];
            if (c == '{' || c == '[') {
                if (depth == MAX_NESTING) {
                    return false;
                }
                boolean object = c == '{';
                objectLevels = object ? objectLevels | 1L << depth : objectLevels & ~(1L << depth);
                depth++;
                pos++;
                skipWhitespace();
                if (pos < limit && buf[pos] == (object ? '}' : ']')) {
                    pos++;
                    depth--;
                } else {
                    if (object && !skipMemberKey()) {
                        return false;
                    }
                    continue; // the first element's value
                }
            } else if (!skipScalar()) {
                return false;
            }
            // After a value: close finished containers, or go on with the next element.
            while (true) {
                if (depth == 0) {
                    return true;
                }
                skipWhitespace();
                if (pos >= limit) {
                    return false;
                }
                boolean object = (objectLevels & 1L << (depth - 1)) != 0;
                c = buf[pos++];
                if (c == ',') {
                    skipWhitespace();
                    if (object && !skipMemberKey()) {
                        return false;
                    }
                    break;
                }
                if (c != (object ? '}' : ']')) {
                    return false;
                }
                depth--;
            }
        }
    }

    /** Inside an object being skipped: a key string and its colon. */
    private boolean skipMemberKey() {
        return pos < limit && buf[pos] == '"' && scanString() >= 0 && skipColon();
    }

    private boolean skipScalar() {
        switch (buf[pos]) {
            case '"':
                return scanString() >= 0;
            case 't':
                return skipLiteral(TRUE);
            case 'f':
                return skipLiteral(FALSE);
            case 'n':
                return skipLiteral(NULL);
            case 'N':
                return skipLiteral(NAN);
            case 'I':
                return skipLiteral(INFINITY);
            default:
                if (buf[pos] == '-' && pos + 1 < limit && buf[pos + 1] == 'I') {
                    return skipLiteral(MINUS_INFINITY);
                }
                int end = number.scan(buf, pos, limit);
                if (end < 0) {
                    return false;
                }
                pos = end;
                return true;
        }
    }

    /**
     * Scans the string whose opening quote is at {@link #pos}: returns the index of its closing quote and moves
     * {@link #pos} past it, or -1 for a string that does not end, a bad escape or a raw control character.
     * Bytes of 0x80 and above pass unchecked (UTF-8 is not validated; such a symbol fails its pattern anyway).
     */
    private int scanString() {
        boolean escaped = false;
        for (int p = pos + 1; p < limit; p++) {
            int c = buf[p] & 0xFF;
            if (!STRING_SPECIAL[c]) {
                continue; // one test per ordinary byte
            }
            if (c == '"') {
                pos = p + 1;
                stringEscaped = escaped;
                return p;
            }
            if (c == '\\') {
                escaped = true;
                if (++p >= limit) {
                    return -1;
                }
                switch (buf[p]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                    case 'u' -> {
                        if (p + 4 >= limit || !isHex(buf[p + 1]) || !isHex(buf[p + 2]) || !isHex(buf[p + 3])
                                || !isHex(buf[p + 4])) {
                            return -1;
                        }
                        p += 4;
                    }
                    default -> {
                        return -1;
                    }
                }
            } else if (c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private boolean skipLiteral(byte[] literal) {
        int end = pos + literal.length;
        if (end > limit || !Arrays.equals(buf, pos, end, literal, 0, literal.length)) {
            return false;
        }
        pos = end;
        return true;
    }

    private void skipWhitespace() {
        while (pos < limit) {
            byte c = buf[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
