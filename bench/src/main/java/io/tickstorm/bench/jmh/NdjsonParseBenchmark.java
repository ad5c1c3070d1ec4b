package io.tickstorm.bench.jmh;

import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.file.LineChunk;
import io.tickstorm.server.feed.file.NdjsonTickParser;
import io.tickstorm.server.feed.file.TickLineParser;
import io.tickstorm.server.feed.file.TickLineReader;
import io.tickstorm.server.feed.file.TickRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * NDJSON tick ingest for {@code FEED_SOURCE=file}; one operation is one line, so the score is lines per second.
 *
 * <ul>
 *   <li>{@code parseLine}: {@link NdjsonTickParser} alone, over 10,000 lines in the shape
 *       {@code tick-storm-client --json} prints, laid out in one buffer as in a chunk. {@code numbers=cli}: prices
 *       with a few decimals as Java prints them (189.25, 2.85557E8), the exact fast path; {@code numbers=17digits}:
 *       every price, bid and ask with 16-17 significant digits, which falls back to {@code Double.parseDouble}.
 *   <li>{@code ingestLine}: the whole consumer path of the feed thread: a {@link TickLineReader} looping over a
 *       file of those lines on its own thread (plain or gzip), the consumer polling chunks, walking their lines and
 *       parsing them. The consumer spins instead of parking, so both threads run at once (two cores).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NdjsonParseBenchmark {

    private static final int LINES = 10_000;
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN", "BRK.B", "BTC-USD", "ETH-USD",
        "EURUSD", "USDJPY", "ES.F"};

    /** LINES lines as TickFormat.JSON prints them, each ending with LF. */
    static byte[] cliLines(boolean longDigits) {
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder text = new StringBuilder();
        long timeMs = 1_767_268_800_000L;
        for (int i = 0; i < LINES; i++) {
            timeMs += random.nextInt(3);
            double price = Math.round(random.nextDouble(1, 70_000) * 100) / 100.0;
            double bid = price - 0.01;
            double ask = price + 0.01;
            if (!longDigits) {
                bid = Math.round(bid * 100) / 100.0;
                ask = Math.round(ask * 100) / 100.0;
            } else {
                price = price * (1 + random.nextDouble() * 1e-9); // 16-17 significant digits
            }
            double volume = random.nextInt(4) == 0 ? random.nextInt(1, 500) * 100_000.0 : random.nextInt(1, 50) * 100.0;
            text.append("{\"symbol\":\"").append(SYMBOLS[random.nextInt(SYMBOLS.length)]).append('"')
                    .append(",\"timestamp_ms\":").append(timeMs)
                    .append(",\"price\":").append(price)
                    .append(",\"volume\":").append(volume)
                    .append(",\"bid\":").append(bid)
                    .append(",\"ask\":").append(ask)
                    .append(",\"bid_size\":").append(random.nextInt(1, 100) * 100)
                    .append(",\"ask_size\":").append(random.nextInt(1, 100) * 100)
                    .append(",\"mode\":\"REALTIME\"")
                    .append(",\"batch_sequence\":").append(1041 + i / 4)
                    .append(",\"is_snapshot\":false}\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Lines in one buffer, with their bounds. */
    @State(Scope.Thread)
    public static class Lines {
        @Param({"cli", "17digits"})
        public String numbers;

        byte[] buffer;
        int[] offsets = new int[LINES];
        int[] lengths = new int[LINES];
        int next;
        final NdjsonTickParser parser = new NdjsonTickParser();
        final TickRecord record = new TickRecord();

        @Setup(Level.Trial)
        public void setUp() {
            buffer = cliLines(numbers.equals("17digits"));
            int start = 0;
            for (int i = 0; i < LINES; i++) {
                int end = start;
                while (buffer[end] != '\n') {
                    end++;
                }
                offsets[i] = start;
                lengths[i] = end - start;
                start = end + 1;
            }
        }
    }

    /** A reader looping over a file of the lines, and the chunk being consumed. */
    @State(Scope.Thread)
    public static class Ingest {
        @Param({"false", "true"})
        public boolean gzip;

        Path file;
        TickLineReader reader;
        LineChunk chunk;
        final NdjsonTickParser parser = new NdjsonTickParser();
        final TickRecord record = new TickRecord();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = Files.createTempFile("ticks", gzip ? ".ndjson.gz" : ".ndjson");
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] lines = cliLines(false);
            try (OutputStream out = gzip ? new GZIPOutputStream(content) : content) {
                for (int copy = 0; copy < 8; copy++) { // about 17 MB: more than the reader's chunks hold
                    out.write(lines);
                }
            }
            Files.write(file, content.toByteArray());
            reader = TickLineReader.open(file, true, TickLineReader.DEFAULT_CHUNK_BYTES,
                    TickLineReader.DEFAULT_CHUNK_COUNT, () -> { });
            reader.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            reader.close();
            Files.deleteIfExists(file);
        }
    }

    @Benchmark
    public long parseLine(Lines lines) {
        int i = lines.next;
        lines.next = i + 1 == LINES ? 0 : i + 1;
        MalformedReason reason = lines.parser.parse(lines.buffer, lines.offsets[i], lines.lengths[i], lines.record);
        if (reason != null) {
            throw new IllegalStateException(reason.label());
        }
        return lines.record.timestampMs();
    }

    @Benchmark
    public long ingestLine(Ingest ingest) {
        LineChunk chunk = ingest.chunk;
        while (chunk == null || !chunk.nextLine()) {
            if (chunk != null) {
                ingest.reader.release(chunk);
            }
            while ((chunk = ingest.reader.poll()) == null) {
                Thread.onSpinWait();
            }
            ingest.chunk = chunk;
        }
        if (TickLineParser.isBlank(chunk.data(), chunk.lineOffset(), chunk.lineLength())) {
            return 0;
        }
        MalformedReason reason = ingest.parser.parse(chunk.data(), chunk.lineOffset(), chunk.lineLength(),
                ingest.record);
        if (reason != null) {
            throw new IllegalStateException(reason.label() + " at line " + chunk.lineNumber());
        }
        return ingest.record.timestampMs();
    }
}
