package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.RecordingSink;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file source on its own: formats, pacing, looping and every reason a line is skipped. */
class FileSourceTest {

    private static final long MS = 1_000_000L;
    /** The server's clock at startup in these tests. */
    private static final long START = 1_796_112_000_000L * MS;
    /** The recording's first timestamp: a day earlier than the start. */
    private static final long REC = 1_796_025_600_000L;

    @TempDir
    Path dir;

    private FileSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private static String json(String symbol, long timestampMs, double price, double volume) {
        return "{\"symbol\":\"" + symbol + "\",\"timestamp_ms\":" + timestampMs + ",\"price\":" + price
                + ",\"volume\":" + volume + ",\"bid\":" + (price - 0.01) + ",\"ask\":" + (price + 0.01)
                + ",\"bid_size\":300,\"ask_size\":200,\"mode\":\"REALTIME\",\"batch_sequence\":7,"
                + "\"is_snapshot\":false}";
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path path = dir.resolve(name);
        Files.write(path, lines, StandardCharsets.UTF_8);
        return path;
    }

    private static FeedConfig config(Path file, double speed, boolean loop, List<String> symbols) {
        return new FeedConfig(1, symbols, 1000, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ZERO,
                FeedConfig.Source.FILE, file.toString(), speed, loop, Duration.ofMillis(200), 0);
    }

    private RecordingSink open(FeedConfig config) {
        return open(config, null);
    }

    private RecordingSink open(FeedConfig config, java.io.InputStream stdin) {
        source = FileSource.open(config, stdin, () -> { });
        source.open(START, START);
        SymbolUniverse universe = config.symbols().isEmpty() ? SymbolUniverse.learning(8)
                : SymbolUniverse.of(config.symbols());
        return new RecordingSink(universe);
    }

    /** Polls at {@code nowNanos} until {@code done} holds (the reading thread delivers asynchronously). */
    private void pollUntil(long nowNanos, RecordingSink sink, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000 * MS;
        while (!done.getAsBoolean()) {
            source.poll(nowNanos, sink);
            assertTrue(System.nanoTime() < deadline, "timed out; got " + sink.count() + " ticks");
            Thread.sleep(1);
        }
    }

    @Test
    void replaysTheClisJsonLinesShiftedToStartAndPacedByTheClock() throws Exception {
        Path file = write("ticks.ndjson", List.of(
                json("AAPL", REC, 190.5, 100),
                json("MSFT", REC + 250, 420.25, 5),
                json("AAPL", REC + 1_000, 190.75, 300)));
        RecordingSink sink = open(config(file, 1, false, List.of()));
        pollUntil(START, sink, () -> sink.count() == 1);
        RecordingSink.Tick first = sink.tick(0);
        assertEquals(START, first.timestampNanos(), "the first tick happens at startup");
        assertEquals(190.5, first.price());
        assertEquals(100, first.volume());
        assertEquals(190.49, first.bid());
        assertEquals(190.51, first.ask());
        assertEquals(300, first.bidSize());
        assertEquals(200, first.askSize());
        assertEquals(TickSink.BOTH_BARS, first.bars());
        assertEquals("AAPL", sink.universe().symbol(first.symbol()));
        source.poll(START + 249 * MS, sink);
        assertEquals(1, sink.count(), "not before its time");
        assertEquals(START + 250 * MS, source.nextPollNanos(START + 249 * MS, true));
        source.poll(START + 250 * MS, sink);
        assertEquals(2, sink.count());
        assertEquals(START + 250 * MS, sink.tick(1).timestampNanos(), "gaps kept");
        pollUntil(START + 5_000 * MS, sink, () -> sink.count() == 3);
        assertEquals(START + 1_000 * MS, sink.tick(2).timestampNanos());
        assertEquals(START + 5_000 * MS, source.positionNanos(), "after the end, the market is quiet: the clock");
    }

    @Test
    void aSpeedDividesTheGaps() throws Exception {
        Path file = write("ticks.jsonl", List.of(json("AAPL", REC, 1, 1), json("AAPL", REC + 10_000, 2, 1)));
        RecordingSink sink = open(config(file, 10, false, List.of()));
        pollUntil(START + 999 * MS, sink, () -> sink.count() == 1);
        pollUntil(START + 1_000 * MS, sink, () -> sink.count() == 2);
        assertEquals(START + 1_000 * MS, sink.tick(1).timestampNanos());
    }

    @Test
    void speedZeroStampsEachTickWhenItIsRead() throws Exception {
        Path file = write("ticks.ndjson", List.of(json("AAPL", REC, 1, 1), json("AAPL", REC + 3_600_000, 2, 1)));
        RecordingSink sink = open(config(file, 0, false, List.of()));
        pollUntil(START + 7 * MS, sink, () -> sink.count() == 2);
        assertEquals(START + 7 * MS, sink.tick(1).timestampNanos());
        assertEquals(0, source.latenessNanos(), "stamps are in order: bars need not wait");
    }

    @Test
    void loopingStartsAgainWithTimeContinuing() throws Exception {
        Path file = write("ticks.ndjson", List.of(json("AAPL", REC, 1, 1), json("AAPL", REC + 500, 2, 1)));
        RecordingSink sink = open(config(file, 1, true, List.of()));
        pollUntil(START + 2_000 * MS, sink, () -> sink.count() >= 6);
        long[] expected = {0, 500, 500, 1_000, 1_000, 1_500};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(START + expected[i] * MS, sink.tick(i).timestampNanos(), "tick " + i);
        }
    }

    @Test
    void readsGzippedCsvWithColumnsInAnyOrderAndExtraOnes() throws Exception {
        Path file = dir.resolve("ticks.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(("venue,ask,bid,volume,price,timestamp_ms,symbol,ask_size,bid_size\n"
                    + "X,10.02,10.00,5,10.01," + REC + ",IBM,7,8\n"
                    + "X,10.03,10.01,6,10.02," + (REC + 1) + ",\"IBM\",9,10\n").getBytes(StandardCharsets.UTF_8));
        }
        RecordingSink sink = open(config(file, 0, false, List.of()));
        pollUntil(START, sink, () -> sink.count() == 2);
        assertEquals(10.01, sink.tick(0).price());
        assertEquals(10.0, sink.tick(0).bid());
        assertEquals(10.02, sink.tick(0).ask());
        assertEquals(8, sink.tick(0).bidSize());
        assertEquals(7, sink.tick(0).askSize());
        assertEquals(6, sink.tick(1).volume());
    }

    @Test
    void aCsvHeaderWithoutARequiredColumnStopsStartupNamingFeedFile() throws Exception {
        Path file = write("ticks.csv", List.of("symbol,timestamp_ms,price", "AAPL,1,2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileSource.open(config(file, 1, false, List.of()), null, () -> { }));
        assertTrue(e.getMessage().startsWith("FEED_FILE=" + file), e.getMessage());
        assertTrue(e.getMessage().contains("volume"), e.getMessage());
    }

    @Test
    void everyBadLineIsCountedByReasonAndTheGoodOnesAroundItAreServed() throws Exception {
        Path file = write("ticks.ndjson", List.of(
                json("AAPL", REC, 1, 1),
                "not json at all",
                "{\"symbol\":\"AAPL\",\"timestamp_ms\":" + REC + ",\"price\":1,\"volume\":1,\"bid\":1}",
                json("aapl", REC, 1, 1),
                json("AAPL", REC, -1, 1),
                "{\"symbol\":\"AAPL\",\"timestamp_ms\":" + REC + ",\"price\":1,\"volume\":1,\"bid\":2,\"ask\":1}",
                "",
                json("AAPL", REC + 5, 2, 1)));
        RecordingSink sink = open(config(file, 0, false, List.of()));
        pollUntil(START, sink, () -> sink.count() == 2);
        assertEquals(List.of(1.0, 2.0), sink.ticks().stream().map(RecordingSink.Tick::price).toList());
        assertEquals(1, sink.malformedCount(MalformedReason.UNPARSEABLE));
        assertEquals(1, sink.malformedCount(MalformedReason.MISSING_FIELD));
        assertEquals(1, sink.malformedCount(MalformedReason.BAD_SYMBOL));
        assertEquals(1, sink.malformedCount(MalformedReason.BAD_NUMBER));
        assertEquals(1, sink.malformedCount(MalformedReason.CROSSED_QUOTE), "the blank line is not counted");
    }

    @Test
    void aLineOlderThanTheNewestByMoreThanTheLatenessIsLate() throws Exception {
        Path file = write("ticks.ndjson", List.of(
                json("AAPL", REC + 1_000, 1, 1),
                json("AAPL", REC + 850, 2, 1),
                json("AAPL", REC + 700, 3, 1)));
        RecordingSink sink = open(config(file, 1, false, List.of()));
        pollUntil(START, sink, () -> sink.count() == 3);
        assertEquals(TickSink.BOTH_BARS, sink.tick(1).bars(), "150 ms older: within the lateness");
        assertEquals(TickSink.NO_BARS, sink.tick(2).bars(), "300 ms older: late, REALTIME only");
        assertEquals(START - 300 * MS, sink.tick(2).timestampNanos(), "it keeps its own (shifted) time");
    }

    @Test
    void symbolsOutsideAFixedUniverseAreDroppedAndCounted() throws Exception {
        Path file = write("ticks.ndjson", List.of(json("AAPL", REC, 1, 1), json("TSLA", REC, 1, 1)));
        RecordingSink sink = open(config(file, 0, false, List.of("AAPL")));
        pollUntil(START, sink, () -> sink.unknownSymbols() == 1);
        assertEquals(1, sink.count());
    }

    @Test
    void standardInputIsReadAsItArrives() throws Exception {
        PipedOutputStream feedHandler = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feedHandler, 1 << 16);
        RecordingSink sink = open(config(Path.of("-"), 1, false, List.of()), stdin);
        assertEquals(START + 3 * MS, poll(START + 3 * MS, sink), "an idle pipe is live: the position is the clock");
        feedHandler.write((json("AAPL", REC, 1, 1) + "\n").getBytes(StandardCharsets.UTF_8));
        feedHandler.flush();
        pollUntil(START + 5 * MS, sink, () -> sink.count() == 1);
        assertEquals(START + 5 * MS, sink.tick(0).timestampNanos(), "the first tick happens when it is read");
        feedHandler.write((json("AAPL", REC + 20, 2, 1) + "\n").getBytes(StandardCharsets.UTF_8));
        feedHandler.flush();
        pollUntil(START + 25 * MS, sink, () -> sink.count() == 2);
        assertEquals(START + 25 * MS, sink.tick(1).timestampNanos());
        feedHandler.close();
        assertFalse(source.poll(START + 30 * MS, sink));
    }

    private long poll(long nowNanos, RecordingSink sink) {
        source.poll(nowNanos, sink);
        return source.positionNanos();
    }
}
