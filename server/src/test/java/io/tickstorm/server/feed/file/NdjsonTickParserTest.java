package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.feed.MalformedReason;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NdjsonTickParserTest {

    /** Lines exactly as {@code tick-storm-client --json} prints them (TickFormat.JSON), copied from a recording. */
    static final String AAPL_LINE = "{\"symbol\":\"AAPL\",\"timestamp_ms\":1714564801000,\"price\":189.25,"
            + "\"volume\":1200.0,\"bid\":189.24,\"ask\":189.26,\"bid_size\":300,\"ask_size\":200,\"mode\":\"SECOND\","
            + "\"batch_sequence\":1714564801,\"is_snapshot\":false}";
    static final String BTC_LINE = "{\"symbol\":\"BTC-USD\",\"timestamp_ms\":1714564801007,\"price\":67012.5,"
            + "\"volume\":2.85557E8,\"bid\":67012.0,\"ask\":67013.0,\"bid_size\":3,\"ask_size\":5,"
            + "\"mode\":\"REALTIME\",\"batch_sequence\":4021,\"is_snapshot\":true}";
    static final String NAN_PRICE_LINE = "{\"symbol\":\"EURUSD\",\"timestamp_ms\":1714564801010,\"price\":null,"
            + "\"volume\":0.0,\"bid\":1.0843,\"ask\":1.08437,\"bid_size\":1000000,\"ask_size\":1000000,"
            + "\"mode\":\"REALTIME\",\"batch_sequence\":4022,\"is_snapshot\":false}";

    private final NdjsonTickParser parser = new NdjsonTickParser();
    private final TickRecord record = new TickRecord();

    private MalformedReason parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parser.parse(bytes, 0, bytes.length, record);
    }

    /** AAPL_LINE with {@code from} (a key and value, with quotes) replaced. */
    private static String aapl(String from, String to) {
        assertTrue(AAPL_LINE.contains(from), from);
        return AAPL_LINE.replace(from, to);
    }

    @Test
    void parsesCliLines() {
        assertNull(parse(AAPL_LINE));
        assertEquals("AAPL", record.symbol());
        assertEquals(1714564801000L, record.timestampMs());
        assertEquals(189.25, record.price());
        assertEquals(1200.0, record.volume());
        assertEquals(189.24, record.bid());
        assertEquals(189.26, record.ask());
        assertEquals(300, record.bidSize());
        assertEquals(200, record.askSize());

        assertNull(parse(BTC_LINE));
        assertEquals("BTC-USD", record.symbol());
        assertEquals(2.85557E8, record.volume());
        assertEquals(67012.0, record.bid());
        assertEquals(5, record.askSize());

        assertSame(MalformedReason.MISSING_FIELD, parse(NAN_PRICE_LINE)); // the CLI prints NaN prices as null
    }

    @Test
    void readsBackWhatTheCliFormatterPrintsForRandomTicks() {
        SplittableRandom random = new SplittableRandom(3);
        String[] symbols = {"AAPL", "BTC-USD", "EURUSD", "BRK.B", "X_1", "0123456789ABCDEF"};
        for (int i = 0; i < 20_000; i++) {
            double bid = random.nextDouble() * Math.pow(10, random.nextInt(-3, 9));
            double ask = bid + random.nextDouble() * bid / 100;
            Tick tick = Tick.newBuilder()
                    .setSymbol(symbols[random.nextInt(symbols.length)])
                    .setTimestampMs(random.nextLong(0, 4_000_000_000_000L))
                    .setPrice(random.nextBoolean() ? bid : Math.round(bid * 100) / 100.0)
                    .setVolume(random.nextInt(4) == 0 ? 0.0 : random.nextDouble() * 1e9)
                    .setBid(bid)
                    .setAsk(ask)
                    .setBidSize(random.nextLong(0, Long.MAX_VALUE / 100_000))
                    .setAskSize(random.nextInt(1000))
                    .setMode(SubscriptionMode.forNumber(random.nextInt(1, 4)))
                    .build();
            String line = CliJson.line(tick, random.nextInt(), random.nextBoolean());
            assertNull(parse(line), line);
            assertEquals(tick.getSymbol(), record.symbol(), line);
            assertEquals(tick.getTimestampMs(), record.timestampMs(), line);
            assertEquals(tick.getPrice(), record.price(), line);
            assertEquals(tick.getVolume(), record.volume(), line);
            assertEquals(tick.getBid(), record.bid(), line);
            assertEquals(tick.getAsk(), record.ask(), line);
            assertEquals(tick.getBidSize(), record.bidSize(), line);
            assertEquals(tick.getAskSize(), record.askSize(), line);
        }
    }

    @Test
    void nonFinitePricesPrintedByTheCliAreMissing() {
        for (double price : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Tick tick = Tick.newBuilder().setSymbol("AAPL").setTimestampMs(1).setPrice(price).setVolume(1)
                    .setBid(1).setAsk(2).build();
            assertSame(MalformedReason.MISSING_FIELD, parse(CliJson.line(tick, 1, false)));
        }
    }

    @Test
    void parsesWithinALargerBufferAndPointsTheSymbolIntoIt() {
        byte[] buf = ("junk\n" + BTC_LINE + "\nmore").getBytes(StandardCharsets.UTF_8);
        assertNull(parser.parse(buf, 5, BTC_LINE.length(), record));
        assertSame(buf, record.symbolArray());
        assertEquals(5 + BTC_LINE.indexOf("BTC-USD"), record.symbolOffset());
        assertEquals(7, record.symbolLength());
        assertTrue(record.symbolEquals("BTC-USD".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(record.symbolEquals("BTC-USDT".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(java.util.Arrays.hashCode("BTC-USD".getBytes(StandardCharsets.US_ASCII)), record.symbolHash());
    }

    @Test
    void acceptsAnyKeyOrderWhitespaceAndMissingSizes() {
        assertNull(parse(" {\t\"ask\" : 2.5 , \"bid\":2,\"volume\":0,\"price\":2.25,"
                + "\"timestamp_ms\":5,\"symbol\":\"ES.F\"}  \r"));
        assertEquals("ES.F", record.symbol());
        assertEquals(5, record.timestampMs());
        assertEquals(2.25, record.price());
        assertEquals(0.0, record.volume());
        assertEquals(0, record.bidSize());
        assertEquals(0, record.askSize());
        assertNull(parse(aapl("\"bid_size\":300", "\"bid_size\":null")));
        assertEquals(0, record.bidSize());
        // A key among the last 8 bytes of the array (keys are compared as words where the array allows).
        assertNull(parse("{\"symbol\":\"A\",\"timestamp_ms\":5,\"price\":1,\"volume\":0,\"ask\":2,\"bid\":1}"));
        assertEquals(1.0, record.bid());
    }

    @Test
    void skipsUnknownFieldsOfEveryKind() {
        String unknown = "\"s\":\"a \\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 } ] , : é\","
                + "\"n\":-1.5e-3,\"z\":0,\"t\":true,\"f\":false,\"nil\":null,\"o\":{},\"a\":[],"
                + "\"deep\":{\"x\":[1,{\"y\":[[],{}],\"z\":\"}]\"},null,true,\"a\"],\"w\":{\"v\":{}}},"
                + "\"nan\":NaN,\"inf\":[Infinity,-Infinity],\"\":\"empty key\",";
        assertNull(parse("{" + unknown + AAPL_LINE.substring(1)));
        assertEquals("AAPL", record.symbol());
        assertEquals(189.25, record.price());
        assertNull(parse(AAPL_LINE.substring(0, AAPL_LINE.length() - 1) + "," + unknown.substring(0,
                unknown.length() - 1) + "}"));
        assertEquals(200, record.askSize());
    }

    @Test
    void skipsNestingUpToTheLimitAndRejectsDeeper() {
        String ok = "[".repeat(NdjsonTickParser.MAX_NESTING) + "]".repeat(NdjsonTickParser.MAX_NESTING);
        assertNull(parse("{\"x\":" + ok + "," + AAPL_LINE.substring(1)));
        String deep = "[".repeat(NdjsonTickParser.MAX_NESTING + 1) + "]".repeat(NdjsonTickParser.MAX_NESTING + 1);
        assertSame(MalformedReason.UNPARSEABLE, parse("{\"x\":" + deep + "," + AAPL_LINE.substring(1)));
    }

    @Test
    void theLastOfARepeatedKeyCounts() {
        assertNull(parse(aapl("\"price\":189.25", "\"price\":1,\"price\":189.5")));
        assertEquals(189.5, record.price());
        assertSame(MalformedReason.MISSING_FIELD, parse(aapl("\"price\":189.25", "\"price\":1,\"price\":null")));
    }

    @Test
    void aKeyWrittenWithAnEscapeIsNotOurs() {
        assertSame(MalformedReason.MISSING_FIELD, parse(aapl("\"price\"", "\"pri\\u0063e\"")));
    }

    @Test
    void storesNegativeZeroAsZero() {
        assertNull(parse(aapl("\"volume\":1200.0", "\"volume\":-0.0")));
        assertEquals(0L, Double.doubleToRawLongBits(record.volume()));
    }

    @Test
    void rejectsWhatIsNotOneJsonObjectAsUnparseable() {
        String[] bad = {
            "[1,2]", "42", "\"AAPL\"", "null", "{", "}", "{\"symbol\"}", "{\"symbol\":}", "{\"symbol\" \"AAPL\"}",
            "{'symbol':'AAPL'}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", AAPL_LINE + " x", AAPL_LINE + "{}",
            AAPL_LINE + ",", aapl("\"price\":189.25", "\"price\":0189.25"), aapl("\"price\":189.25", "\"price\":189."),
            aapl("\"price\":189.25", "\"price\":+189.25"), aapl("\"price\":189.25", "\"price\":189.25.1"),
            aapl("\"price\":189.25", "\"price\":tru"), aapl("\"mode\":\"SECOND\"", "\"mode\":SECOND"),
            aapl("\"mode\":\"SECOND\"", "\"mode\":\"SEC\\xOND\""), aapl("\"mode\":\"SECOND\"", "\"mode\":\"\\u12\""),
            aapl("\"mode\":\"SECOND\"", "\"mode\":\"SEC\tOND\""), aapl("\"mode\":\"SECOND\"", "\"mode\":[1,2}"),
            aapl("\"mode\":\"SECOND\"", "\"mode\":{\"a\"}"), aapl("\"mode\":\"SECOND\"", "\"mode\":{\"a\":1,}"),
            aapl("\"mode\":\"SECOND\"", "\"mode\":[1 2]"), aapl("\"mode\":\"SECOND\"", "\"mode\":nul"),
            aapl("\"symbol\":\"AAPL\"", "\"symbol\":\"AAPL"), "\uFEFF" + AAPL_LINE,
        };
        for (String line : bad) {
            assertSame(MalformedReason.UNPARSEABLE, parse(line), line);
        }
    }

    @Test
    void everyTruncationOfACliLineIsUnparseable() {
        for (String line : new String[] {AAPL_LINE, BTC_LINE}) {
            for (int length = 0; length < line.length(); length++) {
                String truncated = line.substring(0, length);
                byte[] bytes = truncated.getBytes(StandardCharsets.UTF_8);
                if (!TickLineParser.isBlank(bytes, 0, bytes.length)) {
                    assertSame(MalformedReason.UNPARSEABLE, parse(truncated), truncated);
                }
            }
        }
    }

    @Test
    void rejectsAbsentOrNullRequiredFieldsAsMissing() {
        assertSame(MalformedReason.MISSING_FIELD, parse("{}"));
        for (String pair : new String[] {"\"symbol\":\"AAPL\"", "\"timestamp_ms\":1714564801000",
                "\"price\":189.25", "\"volume\":1200.0", "\"bid\":189.24", "\"ask\":189.26"}) {
            String key = pair.substring(0, pair.indexOf(':') + 1);
            assertSame(MalformedReason.MISSING_FIELD, parse(aapl(pair, key + "null")), pair);
            assertSame(MalformedReason.MISSING_FIELD, parse(aapl(pair, "\"other\":1")), pair);
        }
    }

    @Test
    void rejectsBadNumbers() {
        String[][] cases = {
            {"\"price\":189.25", "\"price\":\"189.25\""}, {"\"price\":189.25", "\"price\":true"},
            {"\"price\":189.25", "\"price\":{}"}, {"\"price\":189.25", "\"price\":[189.25]"},
            {"\"price\":189.25", "\"price\":NaN"}, {"\"price\":189.25", "\"price\":Infinity"},
            {"\"price\":189.25", "\"price\":-Infinity"}, {"\"price\":189.25", "\"price\":1e400"},
            {"\"price\":189.25", "\"price\":-189.25"}, {"\"volume\":1200.0", "\"volume\":-1.0"},
            {"\"bid\":189.24", "\"bid\":-0.01"}, {"\"ask\":189.26", "\"ask\":-1E3"},
            {"\"bid_size\":300", "\"bid_size\":-1"}, {"\"ask_size\":200", "\"ask_size\":-200"},
            {"\"bid_size\":300", "\"bid_size\":300.5"}, {"\"ask_size\":200", "\"ask_size\":\"200\""},
            {"\"timestamp_ms\":1714564801000", "\"timestamp_ms\":1714564801000.5"},
            {"\"timestamp_ms\":1714564801000", "\"timestamp_ms\":\"1714564801000\""},
            {"\"timestamp_ms\":1714564801000", "\"timestamp_ms\":-1"},
            {"\"timestamp_ms\":1714564801000", "\"timestamp_ms\":12345678901234567890"},
        };
        for (String[] replacement : cases) {
            assertSame(MalformedReason.BAD_NUMBER, parse(aapl(replacement[0], replacement[1])), replacement[1]);
        }
        assertNull(parse(aapl("\"bid_size\":300", "\"bid_size\":3E2")));
        assertEquals(300, record.bidSize());
        assertNull(parse(aapl("\"timestamp_ms\":1714564801000", "\"timestamp_ms\":1714564801000.0")));
        assertEquals(1714564801000L, record.timestampMs());
    }

    @Test
    void rejectsBadSymbols() {
        String[] symbols = {"\"aapl\"", "\"\"", "\"ABCDEFGHIJKLMNOPQ\"", "\"AA PL\"", "\"AAPL/USD\"", "\"ÄPL\"",
            "\"\\u0041APL\"", "\"AA\\\"PL\"", "42", "true", "[\"AAPL\"]", "{\"s\":\"AAPL\"}"};
        for (String symbol : symbols) {
            assertSame(MalformedReason.BAD_SYMBOL, parse(aapl("\"symbol\":\"AAPL\"", "\"symbol\":" + symbol)),
                    symbol);
        }
        assertNull(parse(aapl("\"symbol\":\"AAPL\"", "\"symbol\":\"0123456789ABCDEF\"")));
        assertNull(parse(aapl("\"symbol\":\"AAPL\"", "\"symbol\":\"A\"")));
    }

    @Test
    void rejectsACrossedQuote() {
        assertSame(MalformedReason.CROSSED_QUOTE, parse(aapl("\"bid\":189.24", "\"bid\":189.27")));
        assertNull(parse(aapl("\"bid\":189.24", "\"bid\":189.26"))); // locked, not crossed
    }

    @Test
    void reportsTheFirstReasonThatApplies() {
        // Syntax first, then the first type error in field order, then missing fields, then the tick rules.
        assertSame(MalformedReason.UNPARSEABLE, parse(aapl("\"price\":189.25", "\"price\":\"x\"") + "x"));
        assertSame(MalformedReason.BAD_SYMBOL,
                parse(aapl("\"symbol\":\"AAPL\"", "\"symbol\":1").replace("\"price\":189.25", "\"price\":true")));
        assertSame(MalformedReason.BAD_NUMBER,
                parse(aapl("\"price\":189.25", "\"price\":true").replace("\"bid\":189.24,", "")));
        assertSame(MalformedReason.MISSING_FIELD,
                parse(aapl("\"bid\":189.24,", "").replace("\"symbol\":\"AAPL\"", "\"symbol\":\"aapl\"")));
        assertSame(MalformedReason.BAD_SYMBOL,
                parse(aapl("\"bid\":189.24", "\"bid\":190").replace("\"symbol\":\"AAPL\"", "\"symbol\":\"aapl\"")));
    }

    @Test
    void blankLinesAreToldApart() {
        for (String blank : new String[] {"", " ", "\r", " \t \r", "\n"}) {
            byte[] bytes = blank.getBytes(StandardCharsets.US_ASCII);
            assertTrue(TickLineParser.isBlank(bytes, 0, bytes.length), "'" + blank + "'");
            assertSame(MalformedReason.UNPARSEABLE, parser.parse(bytes, 0, bytes.length, record));
        }
        byte[] notBlank = " x ".getBytes(StandardCharsets.US_ASCII);
        assertFalse(TickLineParser.isBlank(notBlank, 0, notBlank.length));
        assertTrue(TickLineParser.isBlank(notBlank, 2, 1));
    }

    @Test
    void allocatesNothingPerLine() {
        byte[][] lines = {AAPL_LINE.getBytes(StandardCharsets.UTF_8), BTC_LINE.getBytes(StandardCharsets.UTF_8),
            NAN_PRICE_LINE.getBytes(StandardCharsets.UTF_8), aapl("\"price\":189.25", "\"price\":true")
                .getBytes(StandardCharsets.UTF_8)};
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        int failures = 0;
        for (int round = 0; round < 3; round++) { // the first rounds run in the interpreter and warm up the JIT
            long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 100_000; i++) {
                byte[] line = lines[i & 3];
                failures += parser.parse(line, 0, line.length, record) == null ? 0 : 1;
            }
            long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            if (round == 2) {
                assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 100,000 lines");
            }
        }
        assertEquals(3 * 50_000, failures);
    }
}
