package io.tickstorm.server.feed.file;

import io.tickstorm.server.feed.MalformedReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Parses the data lines of a CSV recording into a {@link TickRecord}. Built from the header line: columns are
 * matched by name (case-sensitive, the NDJSON keys: {@code symbol,timestamp_ms,price,volume,bid,ask} required,
 * {@code bid_size,ask_size} optional), in any order; other columns are ignored. A file's first line is its header,
 * so a caller skips line 1 of every pass.
 *
 * <pre>
 * symbol,timestamp_ms,price,volume,bid,ask,bid_size,ask_size,mode
 * AAPL,1767225600012,189.25,1200.0,189.24,189.26,300,200,REALTIME
 * "BRK.B",1767225600019,412.5,10.0,412.49,412.51,,,"REALTIME"
 * </pre>
 *
 * Fields are separated by commas and may be quoted as in RFC 4180 (a quote inside a quoted field is doubled); a
 * field cannot span lines, and spaces are part of a field. Numbers use JSON's grammar ({@link DecimalNumber}),
 * including Java's {@code 2.85557E8}. Allocates nothing per line.
 *
 * <p>Reasons, the first that applies: {@link MalformedReason#UNPARSEABLE} for a line with another number of
 * columns than the header, an unclosed quote, a quote inside an unquoted field or text after a closing quote;
 * {@link MalformedReason#BAD_NUMBER} for a number column holding anything but a number, or a fraction in
 * timestamp_ms or a size; {@link MalformedReason#MISSING_FIELD} for an empty required field (an empty size is 0);
 * then {@link TickRecord#validate()}. A value of -0.0 is stored as 0.0.
 *
 * <p>Not thread-safe: one instance per feed thread.
 */
public final class CsvTickParser implements TickLineParser {

    /** Longest header {@link #readHeader(Path)} reads. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final List<String> columns;
    /** The field each column holds, null for an ignored column. */
    private final TickField[] fieldOfColumn;
    private final DecimalNumber number = new DecimalNumber();
    private final FieldCursor fields = new FieldCursor();

    private CsvTickParser(List<String> columns) {
        this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
        this.fieldOfColumn = new TickField[columns.size()];
        int seen = 0;
        for (int i = 0; i < fieldOfColumn.length; i++) {
            TickField field = TickField.ofName(columns.get(i));
            if (field != null) {
                if ((seen & field.bit()) != 0) {
                    throw new IllegalArgumentException("CSV header names column " + field.fieldName()
                            + " twice: " + String.join(",", columns));
                }
                seen |= field.bit();
                fieldOfColumn[i] = field;
            }
        }
        List<String> missing = new ArrayList<>();
        for (TickField field : TickField.values()) {
            if (field.required() && (seen & field.bit()) == 0) {
                missing.add(field.fieldName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("CSV header lacks required column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (header: " + String.join(",", columns) + ")");
        }
    }

    /**
     * A parser for the columns the header line {@code buf[offset, offset + length)} names (a UTF-8 byte order mark
     * before it and a trailing CR are ignored).
     *
     * @throws IllegalArgumentException if a required column is missing (the message names them), a column is
     *     named twice, or the line is not valid CSV
     */
    public static CsvTickParser ofHeader(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        int start = offset;
        int end = offset + length;
        if (length >= UTF8_BOM.length && Arrays.equals(buf, start, start + UTF8_BOM.length, UTF8_BOM, 0,
                UTF8_BOM.length)) {
            start += UTF8_BOM.length;
        }
        if (end > start && buf[end - 1] == '\r') {
            end--;
        }
        if (end == start) {
            throw new IllegalArgumentException("CSV header line is empty");
        }
        List<String> names = new ArrayList<>();
        FieldCursor fields = new FieldCursor();
        fields.reset(buf, start, end);
        int status;
        while ((status = fields.next()) == FieldCursor.FIELD) {
            String name = new String(buf, fields.start, fields.stop - fields.start, StandardCharsets.UTF_8);
            names.add(fields.quoted ? name.replace("\"\"", "\"") : name);
        }
        if (status == FieldCursor.MALFORMED) {
            throw new IllegalArgumentException("CSV header line is not valid CSV: "
                    + new String(buf, start, end - start, StandardCharsets.UTF_8));
        }
        return new CsvTickParser(names);
    }

    /** {@link #ofHeader(byte[], int, int)} of a header line given as text. */
    public static CsvTickParser ofHeader(String headerLine) {
        byte[] bytes = headerLine.getBytes(StandardCharsets.UTF_8);
        return ofHeader(bytes, 0, bytes.length);
    }

    /**
     * Reads the header, the first line of the CSV file at {@code path} (gunzipped if its name ends with .gz), so a
     * bad header stops startup before any reading thread runs.
     *
     * @throws IOException naming the path if the file is missing or unreadable
     * @throws IllegalArgumentException for an empty file, a header line over 64 KiB, or a bad header
     */
    public static CsvTickParser readHeader(Path path) throws IOException {
        byte[] line = new byte[MAX_HEADER_BYTES];
        int length = 0;
        try (InputStream in = TickFileFormat.open(path)) {
            while (length < line.length) {
                int n = in.read(line, length, line.length - length);
                if (n < 0) {
                    break;
                }
                int newline = LineChunk.indexOfNewline(line, length, length + n);
                if (newline >= 0) {
                    return ofHeader(line, 0, newline);
                }
                length += n;
            }
        }
        if (length == line.length) {
            throw new IllegalArgumentException(path + ": CSV header line longer than " + MAX_HEADER_BYTES + " bytes");
        }
        if (length == 0) {
            throw new IllegalArgumentException(path + ": empty, no CSV header line");
        }
        return ofHeader(line, 0, length);
    }

    /** The header's column names, in file order. */
    public List<String> columns() {
        return columns;
    }

    @Override
    public MalformedReason parse(byte[] buf, int offset, int length, TickRecord out) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        out.clear();
        int end = offset + length;
        if (end > offset && buf[end - 1] == '\r') {
            end--;
        }
        fields.reset(buf, offset, end);
        int column = 0;
        int seen = 0;
        MalformedReason typeError = null;
        int status;
        while ((status = fields.next()) == FieldCursor.FIELD) {
            TickField field = column < fieldOfColumn.length ? fieldOfColumn[column] : null;
            if (field != null && fields.start < fields.stop) {
                // A doubled quote stays in the range: no number or symbol may contain a quote, so it fails there.
                seen |= field.bit();
                if (!store(field, buf, fields.start, fields.stop, out) && typeError == null) {
                    typeError = MalformedReason.BAD_NUMBER;
                }
            }
            column++;
        }
        if (status == FieldCursor.MALFORMED) {
            return MalformedReason.UNPARSEABLE;
        }
        if (column != fieldOfColumn.length) {
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

    /** Stores a non-empty field; false if a number field does not hold a number of its kind. */
    private boolean store(TickField field, byte[] buf, int start, int stop, TickRecord out) {
        if (field.kind() == TickField.Kind.SYMBOL) {
            out.symbol(buf, start, stop - start);
            return true;
        }
        if (number.scan(buf, start, stop) != stop) {
            return false;
        }
        if (field.kind() == TickField.Kind.INTEGER) {
            if (!number.toLong()) {
                return false;
            }
            out.setInteger(field, number.longValue());
        } else {
            out.setDecimal(field, number.toDouble() + 0.0); // + 0.0: -0.0 becomes 0.0
        }
        return true;
    }

    /**
     * Walks the fields of one CSV line (RFC 4180 quoting) without allocating: after {@link #next()} returns
     * {@link #FIELD}, {@code [start, stop)} is the field's content (inside the quotes of a quoted field, doubled
     * quotes left as they are).
     */
    private static final class FieldCursor {
        static final int FIELD = 1;
        static final int END = 0;
        static final int MALFORMED = -1;

        private byte[] buf;
        private int pos;
        private int end;
        private boolean more;
        int start;
        int stop;
        boolean quoted;

        void reset(byte[] buf, int from, int to) {
            this.buf = buf;
            this.pos = from;
            this.end = to;
            this.more = true;
        }

        /** Moves to the next field: {@link #FIELD}, {@link #END} after the last one, or {@link #MALFORMED}. */
        int next() {
            if (!more) {
                return END;
            }
            int p = pos;
            quoted = p < end && buf[p] == '"';
            if (quoted) {
                start = ++p;
                while (true) {
                    if (p >= end) {
                        return MALFORMED; // no closing quote
                    }
                    if (buf[p] == '"') {
                        if (p + 1 < end && buf[p + 1] == '"') {
                            p += 2;
                            continue;
                        }
                        break;
                    }
                    p++;
                }
                stop = p++;
                if (p < end && buf[p] != ',') {
                    return MALFORMED; // text after the closing quote
                }
            } else {
                start = p;
                while (p < end && buf[p] != ',') {
                    if (buf[p] == '"') {
                        return MALFORMED; // a quote inside an unquoted field
                    }
                    p++;
                }
                stop = p;
            }
            // p is at a comma (another field follows, maybe empty) or at the end.
            more = p < end;
            pos = p + 1;
            return FIELD;
        }
    }
}
