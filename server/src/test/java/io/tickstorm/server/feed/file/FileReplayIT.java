package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording replayed through a real server: the SECOND bars a client receives equal bars computed here, from the
 * file alone, by the rules of PROTOCOL.md §6 (last tick in file order, volume sums, quiet intervals carried, symbols
 * absent until their first tick, late lines left out, bars ordered by name).
 */
class FileReplayIT {

    private static final double SPEED = 4;
    private static final long LATENESS_MS = 200;
    private static final long RECORDING_MS = 12_000;
    /** The recording's first timestamp. */
    private static final long REC = 1_796_025_600_000L;

    @TempDir
    static Path dir;

    private static TickServer server;
    private static final List<Line> lines = new ArrayList<>();

    /** A good line of the recording. */
    private record Line(String symbol, long timestampMs, double price, double volume, double bid, double ask,
                        long bidSize, long askSize) {

        String json() {
            return "{\"symbol\":\"" + symbol + "\",\"timestamp_ms\":" + timestampMs + ",\"price\":" + price
                    + ",\"volume\":" + volume + ",\"bid\":" + bid + ",\"ask\":" + ask + ",\"bid_size\":" + bidSize
                    + ",\"ask_size\":" + askSize + ",\"mode\":\"REALTIME\",\"batch_sequence\":1,\"is_snapshot\":false}";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        List<String> text = new ArrayList<>();
        String[] symbols = {"MSFT", "AAPL"};
        // Twelve seconds of recording, a tick every 37 ms, replayed at 4x: 3 s.
        for (int i = 0; i * 37 < RECORDING_MS; i++) {
            long t = REC + i * 37L;
            String symbol = t - REC >= RECORDING_MS / 2 && i % 3 == 0 ? "ZZZ" : symbols[i % 2];
            double price = 100 + (i % 17) * 0.25;
            add(text, new Line(symbol, t, price, 1 + i % 5, price - 0.05, price + 0.05, 100 + i, 200 + i));
            if (i == 40) {
                // 100 ms older than the newest: within the lateness (800 ms of file time at 4x), it counts.
                add(text, new Line("AAPL", t - 100, 77.5, 9, 77.25, 77.75, 1, 2));
                text.add("{\"symbol\":\"AAPL\",\"timestamp_ms\":" + t + "}");
            }
            if (i == 80) {
                // 2 s older than the newest: late; served on REALTIME, in no bar.
                text.add(new Line("AAPL", t - 2_000, 55.5, 1_000, 55.25, 55.75, 1, 2).json());
            }
        }
        Path file = dir.resolve("recording.ndjson");
        Files.write(file, text, StandardCharsets.UTF_8);
        server = TestServers.start(Map.of(
                "tick-storm.feed.source", "file",
                "tick-storm.feed.file.path", file.toString(),
                "tick-storm.feed.file.speed", SPEED,
                "tick-storm.feed.lateness", LATENESS_MS + "ms"));
    }

    private static void add(List<String> text, Line line) {
        lines.add(line);
        text.add(line.json());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The bars the file implies, by SECOND boundary, each a map from symbol to its bar (name order). */
    private static TreeMap<Long, TreeMap<String, Tick>> expectedBars(long startNanos, long lastBoundaryMs) {
        long lateFileMs = (long) (LATENESS_MS * SPEED);
        long newest = Long.MIN_VALUE;
        Map<Long, Map<String, Line>> lastInInterval = new HashMap<>();
        Map<Long, Map<String, Double>> volumeInInterval = new HashMap<>();
        for (Line line : lines) {
            if (newest != Long.MIN_VALUE && line.timestampMs() < newest - lateFileMs) {
                continue;
            }
            newest = Math.max(newest, line.timestampMs());
            long stampNanos = startNanos + (long) ((line.timestampMs() - REC) * 1_000_000.0 / SPEED);
            long interval = Math.floorDiv(Math.floorDiv(stampNanos, 1_000_000L), 1_000L);
            lastInInterval.computeIfAbsent(interval, k -> new HashMap<>()).put(line.symbol(), line);
            volumeInInterval.computeIfAbsent(interval, k -> new HashMap<>()).merge(line.symbol(), line.volume(),
                    Double::sum);
        }
        TreeMap<Long, TreeMap<String, Tick>> bars = new TreeMap<>();
        Map<String, Line> carried = new HashMap<>();
        long firstInterval = Math.floorDiv(Math.floorDiv(startNanos, 1_000_000L), 1_000L) - 1;
        for (long interval = firstInterval; (interval + 1) * 1_000 <= lastBoundaryMs; interval++) {
            carried.putAll(lastInInterval.getOrDefault(interval, Map.of()));
            TreeMap<String, Tick> set = new TreeMap<>();
            for (String symbol : new TreeSet<>(carried.keySet())) {
                Line last = carried.get(symbol);
                double volume = volumeInInterval.getOrDefault(interval, Map.of()).getOrDefault(symbol, 0.0);
                set.put(symbol, Tick.newBuilder().setSymbol(symbol).setTimestampMs((interval + 1) * 1_000)
                        .setPrice(last.price()).setVolume(volume).setBid(last.bid()).setAsk(last.ask())
                        .setBidSize(last.bidSize()).setAskSize(last.askSize()).setMode(SubscriptionMode.SECOND)
                        .build());
            }
            bars.put((interval + 1) * 1_000, set);
        }
        return bars;
    }

    @Test
    void aClientReceivesTheBarsTheRecordingImplies() throws Exception {
        long startNanos = server.feed().startNanos();
        long replayEndNanos = startNanos + (long) (RECORDING_MS * 1_000_000.0 / SPEED);
        long lastBoundaryMs = (Math.floorDiv(replayEndNanos, 1_000_000_000L) + 1) * 1_000;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (server.feed().history().nextBoundaryMs(BarMode.SECOND) <= lastBoundaryMs) {
            assertTrue(System.nanoTime() < deadline, "bars stopped closing");
            Thread.sleep(20);
        }
        long firstBoundaryMs = server.feed().history().oldestRetainedMs(BarMode.SECOND);
        TreeMap<Long, TreeMap<String, Tick>> expected = expectedBars(startNanos, lastBoundaryMs);
        List<DataBatch> received = new ArrayList<>();
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                    .setStartTimeMs(firstBoundaryMs).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            while (received.isEmpty() || received.get(received.size() - 1).getBatchSequence() * 1000L
                    < lastBoundaryMs) {
                received.add(client.read().batch());
            }
        }
        int compared = 0;
        for (DataBatch batch : received) {
            long boundaryMs = Integer.toUnsignedLong(batch.getBatchSequence()) * 1000;
            TreeMap<String, Tick> bars = expected.get(boundaryMs);
            if (bars == null) {
                continue;
            }
            assertEquals(List.copyOf(bars.values()), batch.getTicksList(), "bars of " + boundaryMs);
            compared++;
        }
        assertTrue(compared >= 3, "compared " + compared + " intervals of " + received.size());
        assertTrue(received.stream().flatMap(b -> b.getTicksList().stream()).anyMatch(t -> t.getSymbol().equals("ZZZ")),
                "a symbol that appears later joins the all-symbol stream");

        Scrape metrics = Scrape.metrics(server.metricsPort());
        assertEquals(lines.size(), metrics.value("tick_storm_feed_ticks_total{result=\"ok\",}"));
        assertEquals(1.0, metrics.value("tick_storm_feed_ticks_total{result=\"late\",}"));
        assertEquals(1.0, metrics.value("tick_storm_feed_ticks_total{result=\"malformed\",}"));
        assertEquals(1.0, metrics.value("tick_storm_feed_malformed_total{reason=\"missing_field\",}"));
        assertTrue(metrics.value("tick_storm_feed_event_time_seconds") * 1e9 >= replayEndNanos);
    }
}
