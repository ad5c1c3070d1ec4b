package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.feed.MalformedReason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTickParserTest {

    static final String HEADER = "symbol,timestamp_ms,price,volume,bid,ask,bid_size,ask_size,mode,batch_sequence,"
            + "is_snapshot";
    static final String AAPL_ROW = "AAPL,1714564801000,189.25,1200.0,189.24,189.26,300,200,SECOND,1714564801,false";

    @TempDir
    Path dir;

    private final TickRecord record = new TickRecord();

    private static MalformedReason parse(CsvTickParser parser, String line, TickRecord out) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parser.parse(bytes, 0, bytes.length, out);
    }

    private MalformedReason parse(String line) {
        return parse(CsvTickParser.ofHeader(HEADER), line, record);
    }

    /** AAPL_ROW with its column {@code column} (0-based) replaced by {@code value}. */
    private static String aapl(int column, String value) {
        String[] fields = AAPL_ROW.split(",", -1);
        fields[column] = value;
        return String.join(",", fields);
    }

    @Test
    void parsesARowOfTheCliFields() {
        assertNull(parse(AAPL_ROW));
        assertEquals("AAPL", record.symbol());
        assertEquals(1714564801000L, record.timestampMs());
        assertEquals(189.25, record.price());
        assertEquals(1200.0, record.volume());
        assertEquals(189.24, record.bid());
        assertEquals(189.26, record.ask());
        assertEquals(300, record.bidSize());
        assertEquals(200, record.askSize());
    }

    @Test
    void matchesColumnsByNameInAnyOrderAndIgnoresOthers() {
        CsvTickParser parser = CsvTickParser.ofHeader("note,ask,bid,volume,price,timestamp_ms,symbol,extra");
        assertEquals(List.of("note", "ask", "bid", "volume", "price", "timestamp_ms", "symbol", "extra"),
                parser.columns());
        assertNull(parse(parser, "\"a, \"\"quoted\"\" note\",2.5E1,25,7,25.25,1714564801001,\"BRK.B\",", record));
        assertEquals("BRK.B", record.symbol());
        assertEquals(1714564801001L, record.timestampMs());
        assertEquals(25.25, record.price());
        assertEquals(7.0, record.volume());
        assertEquals(25.0, record.bid());
        assertEquals(25.0, record.ask());
        assertEquals(0, record.bidSize()); // no size columns: 0
        assertEquals(0, record.askSize());
    }

    @Test
    void readsQuotedFieldsAsInRfc4180() {
        assertNull(parse("\"AAPL\",\"1714564801000\",\"189.25\",1200.0,189.24,189.26,\"\",,\"SEC,OND\",\"\"\"\","));
        assertEquals("AAPL", record.symbol());
        assertEquals(189.25, record.price());
        assertEquals(0, record.bidSize()); // an empty size is 0
        assertEquals(0, record.askSize());
    }

    @Test
    void handlesCrlfAndAByteOrderMarkBeforeTheHeader() {
        CsvTickParser parser = CsvTickParser.ofHeader("\uFEFF" + HEADER + "\r");
        assertEquals("symbol", parser.columns().get(0));
        assertEquals("is_snapshot", parser.columns().get(10));
        assertNull(parse(parser, AAPL_ROW + "\r", record));
        assertEquals(200, record.askSize());
    }

    @Test
    void aHeaderWithoutARequiredColumnIsAnErrorNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvTickParser.ofHeader("symbol,timestamp_ms,Price,volume,bid_size"));
        assertTrue(e.getMessage().contains("lacks required columns price, bid, ask"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CsvTickParser.ofHeader("symbol,timestamp_ms,price,volume,bid"));
        assertTrue(e.getMessage().contains("lacks required column ask"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvTickParser.ofHeader(HEADER + ",price"));
        assertTrue(e.getMessage().contains("price twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvTickParser.ofHeader(""));
        assertThrows(IllegalArgumentException.class, () -> CsvTickParser.ofHeader("\"symbol,price"));
        assertEquals("symbol", CsvTickParser.ofHeader("\"symbol\",\"timestamp_ms\",price,volume,bid,ask").columns()
                .get(0));
    }

    @Test
    void readsTheHeaderOfAFileOrGzippedFile() throws IOException {
        Path plain = dir.resolve("ticks.csv");
        Files.writeString(plain, HEADER + "\n" + AAPL_ROW + "\n");
        assertEquals(11, CsvTickParser.readHeader(plain).columns().size());
        Path gzip = dir.resolve("ticks.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(("ask,bid,volume,price,timestamp_ms,symbol\r\n" + AAPL_ROW).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("ask", CsvTickParser.readHeader(gzip).columns().get(0));
        assertEquals("symbol", CsvTickParser.readHeader(gzip).columns().get(5));
        Path headerOnly = dir.resolve("header.csv");
        Files.writeString(headerOnly, "symbol,timestamp_ms,price,volume,bid,ask");
        assertEquals(6, CsvTickParser.readHeader(headerOnly).columns().size());

        Path empty = Files.createFile(dir.resolve("empty.csv"));
        assertThrows(IllegalArgumentException.class, () -> CsvTickParser.readHeader(empty));
        Path missing = dir.resolve("missing.csv");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> CsvTickParser.readHeader(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"),
                e.getMessage());
    }

    @Test
    void rejectsMalformedRowsAsUnparseable() {
        String[] bad = {
            AAPL_ROW + ",extra", AAPL_ROW.substring(0, AAPL_ROW.lastIndexOf(',')), "", "AAPL",
            aapl(8, "\"SECOND"), aapl(8, "SEC\"OND"), aapl(8, "\"SEC\"OND"), aapl(0, "\"AAPL\" "),
        };
        for (String line : bad) {
            assertSame(MalformedReason.UNPARSEABLE, parse(line), line);
        }
    }

    @Test
    void rejectsEmptyRequiredFieldsAsMissing() {
        for (int column = 0; column < 6; column++) {
            assertSame(MalformedReason.MISSING_FIELD, parse(aapl(column, "")), "column " + column);
            assertSame(MalformedReason.MISSING_FIELD, parse(aapl(column, "\"\"")), "column " + column);
        }
    }

    @Test
    void rejectsBadNumbers() {
        String[][] cases = {
            {"2", "abc"}, {"2", "NaN"}, {"2", "Infinity"}, {"2", "1e400"}, {"2", "189.25x"}, {"2", " 189.25"},
            {"2", "-189.25"}, {"2", "\"18\"\"9\""}, {"2", "null"}, {"3", "-1"}, {"4", "-0.5"}, {"5", "-2"},
            {"6", "-1"}, {"7", "2.5"}, {"1", "1714564801000.5"}, {"1", "-1"}, {"1", "now"},
        };
        for (String[] replacement : cases) {
            assertSame(MalformedReason.BAD_NUMBER, parse(aapl(Integer.parseInt(replacement[0]), replacement[1])),
                    replacement[1]);
        }
        assertNull(parse(aapl(6, "3E2")));
        assertEquals(300, record.bidSize());
        assertNull(parse(aapl(3, "-0.0")));
        assertEquals(0L, Double.doubleToRawLongBits(record.volume()));
    }

    @Test
    void rejectsBadSymbolsAndCrossedQuotes() {
        for (String symbol : new String[] {"aapl", "AA PL", "ABCDEFGHIJKLMNOPQ", "\"AA\"\"PL\"", "ÄPL"}) {
            assertSame(MalformedReason.BAD_SYMBOL, parse(aapl(0, symbol)), symbol);
        }
        assertSame(MalformedReason.CROSSED_QUOTE, parse(aapl(4, "189.27")));
    }

    @Test
    void reportsTheFirstReasonThatApplies() {
        assertSame(MalformedReason.UNPARSEABLE, parse(aapl(2, "x") + ","));
        assertSame(MalformedReason.BAD_NUMBER, parse(aapl(2, "x").replace("AAPL,", ",")));
        assertSame(MalformedReason.MISSING_FIELD, parse(aapl(0, "").replace("189.24,", "190,")));
    }
}
