package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The committed sample recording, {@code src/test/resources/ticks/sample.ndjson} and the same ticks as
 * {@code sample.csv}: a REALTIME session of four symbols over about ten seconds as {@code tick-storm-client --json}
 * prints it (a snapshot batch, then live batches), made by {@link #generate()} through the CLI's own formatter.
 * To regenerate after a change: {@code -Dtickstorm.sample.dir=src/test/resources/ticks} on this test.
 */
class SampleRecordingTest {

    static final String CSV_HEADER = "symbol,timestamp_ms,price,volume,bid,ask,bid_size,ask_size,mode,"
            + "batch_sequence,is_snapshot";
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "BTC-USD", "EURUSD"};
    private static final double[] START_PRICES = {189.25, 415.60, 67012.5, 1.08437};
    private static final double[] TICK_SIZES = {0.01, 0.01, 0.5, 0.00001};
    private static final int[] DECIMALS = {2, 2, 1, 5};
    /** 2026-01-01T12:00:00Z. */
    private static final long START_MS = 1_767_268_800_000L;
    private static final int LIVE_TICKS = 400;
    private static final int FIRST_SEQUENCE = 1041;

    /** The sample as the CLI prints it: NDJSON, and CSV with the same fields in the same order. */
    record Sample(String ndjson, String csv) {
    }

    static Sample generate() {
        SplittableRandom random = new SplittableRandom(20260101);
        double[] prices = START_PRICES.clone();
        List<DataBatch> batches = new ArrayList<>();
        DataBatch.Builder snapshot = DataBatch.newBuilder().setBatchSequence(FIRST_SEQUENCE).setIsSnapshot(true)
                .setBatchTimestampMs(START_MS);
        for (int s = 0; s < SYMBOLS.length; s++) {
            snapshot.addTicks(tick(random, prices, s, START_MS - 700 + 137L * s));
        }
        batches.add(snapshot.build());
        long timeMs = START_MS;
        int sequence = FIRST_SEQUENCE;
        int made = 0;
        while (made < LIVE_TICKS) {
            DataBatch.Builder batch = DataBatch.newBuilder().setBatchSequence(++sequence).setIsSnapshot(false);
            for (int n = Math.min(random.nextInt(1, 5), LIVE_TICKS - made); n > 0; n--, made++) {
                timeMs += random.nextInt(0, 51); // 25 ms on average: about 10 s; a gap of 0 repeats a timestamp
                batch.addTicks(tick(random, prices, random.nextInt(SYMBOLS.length), timeMs));
            }
            batches.add(batch.setBatchTimestampMs(timeMs).build());
        }
        StringBuilder ndjson = new StringBuilder();
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (DataBatch batch : batches) {
            ndjson.append(CliJson.lines(batch));
            for (Tick tick : batch.getTicksList()) {
                csv.append(tick.getSymbol()).append(',').append(tick.getTimestampMs()).append(',')
                        .append(tick.getPrice()).append(',').append(tick.getVolume()).append(',')
                        .append(tick.getBid()).append(',').append(tick.getAsk()).append(',')
                        .append(tick.getBidSize()).append(',').append(tick.getAskSize()).append(',')
                        .append(tick.getMode().name()).append(',').append(batch.getBatchSequence()).append(',')
                        .append(batch.getIsSnapshot()).append('\n');
            }
        }
        return new Sample(ndjson.toString(), csv.toString());
    }

    /** A trade a few ticks from the last one, inside a quote one to three ticks wide on each side. */
    private static Tick tick(SplittableRandom random, double[] prices, int s, long timestampMs) {
        double tickSize = TICK_SIZES[s];
        double price = round(Math.max(tickSize, prices[s] + random.nextInt(-3, 4) * tickSize), DECIMALS[s]);
        prices[s] = price;
        double bid = round(price - random.nextInt(0, 3) * tickSize, DECIMALS[s]);
        double ask = round(Math.max(bid + tickSize, price + random.nextInt(0, 3) * tickSize), DECIMALS[s]);
        double volume = switch (SYMBOLS[s]) {
            case "BTC-USD" -> random.nextInt(1, 20_000) / 10_000.0;
            case "EURUSD" -> random.nextInt(1, 200) * 100_000.0; // 15000000.0 and such: large, printed plain
            default -> random.nextInt(1, 20) * 100.0;
        };
        long unit = SYMBOLS[s].equals("EURUSD") ? 1_000_000 : SYMBOLS[s].equals("BTC-USD") ? 1 : 100;
        return Tick.newBuilder().setSymbol(SYMBOLS[s]).setTimestampMs(timestampMs).setPrice(price)
                .setVolume(volume).setBid(bid).setAsk(ask).setBidSize(unit * random.nextInt(1, 10))
                .setAskSize(unit * random.nextInt(1, 10)).setMode(SubscriptionMode.REALTIME).build();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(SampleRecordingTest.class.getResource("/ticks/" + name).toURI());
    }

    @Test
    void theCommittedSampleIsTheGeneratedRecording() throws Exception {
        Sample sample = generate();
        String outputDir = System.getProperty("tickstorm.sample.dir");
        if (outputDir != null) {
            Files.writeString(Path.of(outputDir, "sample.ndjson"), sample.ndjson());
            Files.writeString(Path.of(outputDir, "sample.csv"), sample.csv());
        }
        assertEquals(sample.ndjson(), Files.readString(resource("sample.ndjson")));
        assertEquals(sample.csv(), Files.readString(resource("sample.csv")));
    }

    @Test
    void bothFormatsOfTheSampleHoldTheSameGoodTicksInTimeOrder() throws Exception {
        List<String> fromNdjson = read(resource("sample.ndjson"), new NdjsonTickParser(), false);
        List<String> fromCsv = read(resource("sample.csv"), CsvTickParser.readHeader(resource("sample.csv")), true);
        assertEquals(SYMBOLS.length + LIVE_TICKS, fromNdjson.size());
        assertEquals(fromNdjson, fromCsv);

        TreeSet<String> symbols = new TreeSet<>();
        long previousMs = Long.MIN_VALUE;
        int repeats = 0;
        long firstMs = 0;
        for (String line : Files.readAllLines(resource("sample.ndjson"), StandardCharsets.UTF_8)) {
            TickRecord record = new TickRecord();
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertNull(new NdjsonTickParser().parse(bytes, 0, bytes.length, record));
            assertTrue(record.timestampMs() >= previousMs, line);
            repeats += record.timestampMs() == previousMs ? 1 : 0;
            firstMs = previousMs == Long.MIN_VALUE ? record.timestampMs() : firstMs;
            previousMs = record.timestampMs();
            symbols.add(record.symbol());
            assertTrue(line.contains("\"mode\":\"REALTIME\""), line);
        }
        assertEquals(new TreeSet<>(List.of(SYMBOLS)), symbols);
        assertTrue(repeats >= 1, "some ticks share a timestamp");
        long spanMs = previousMs - firstMs;
        assertTrue(spanMs > 9_000 && spanMs < 12_000, "span " + spanMs + " ms");
    }

    /** Every tick of a file, through the reader and a parser, as text for comparison. */
    private static List<String> read(Path path, TickLineParser parser, boolean skipHeader) throws Exception {
        Semaphore wakes = new Semaphore(0);
        List<String> ticks = new ArrayList<>();
        TickRecord record = new TickRecord();
        try (TickLineReader reader = TickLineReader.open(path, false, TickLineReader.DEFAULT_CHUNK_BYTES,
                TickLineReader.DEFAULT_CHUNK_COUNT, wakes::release)) {
            reader.start();
            boolean end = false;
            while (!end) {
                LineChunk chunk = reader.poll();
                if (chunk == null) {
                    assertTrue(wakes.tryAcquire(10, TimeUnit.SECONDS), "no chunk within 10 s");
                    continue;
                }
                while (chunk.nextLine()) {
                    if (skipHeader && chunk.lineNumber() == 1
                            || TickLineParser.isBlank(chunk.data(), chunk.lineOffset(), chunk.lineLength())) {
                        continue;
                    }
                    assertNull(parser.parse(chunk.data(), chunk.lineOffset(), chunk.lineLength(), record));
                    ticks.add(record.toString());
                }
                end = chunk.endOfInput();
                reader.release(chunk);
            }
        }
        return ticks;
    }
}
