package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conflated REALTIME subscriptions (PROTOCOL.md §5.6) against a real server, read by the independent
 * {@link RawClient}: contiguous sequences from the snapshot, at most one batch per interval, every REALTIME tick's
 * volume accounted for exactly once, shared bytes, ERROR 4 for a bad {@code conflate_ms}, and a conflated client
 * that reads one batch per interval is never cut as a slow consumer even when a REALTIME one reading at that pace is.
 */
class ConflationIT {

    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "SPY");
    private static final int INTERVAL_MS = 100;
    private static TickServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of(
                "tick-storm.feed.rate", 20_000,
                "tick-storm.write.outbound-budget", "256KiB",
                "tick-storm.write.high-water-mark", "128KiB",
                "tick-storm.write.deadline", "2s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SubscribeRequest realtime(List<String> symbols, String conflateMs) {
        SubscribeRequest.Builder request = SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME)
                .addAllSymbols(symbols);
        if (conflateMs != null) {
            request.putMetadata("conflate_ms", conflateMs);
        }
        return request.build();
    }

    /** A subscribed client whose frames a thread collects until {@link #stopAt}. */
    private static final class Recorder extends Thread {

        final RawClient client;
        final List<RawClient.Received> frames = new ArrayList<>();
        volatile long stopAtNanos = Long.MAX_VALUE;
        volatile Throwable failure;

        Recorder(SubscribeRequest request) throws IOException {
            client = RawClient.connect(server.tickAddress());
            client.authenticate();
            client.subscribe(request);
            RawClient.Received ack = client.read();
            assertEquals(FrameType.ACK.code(), ack.type(), () -> "expected ACK, got " + ack);
            start();
        }

        void stopAt(long nanos) {
            stopAtNanos = nanos;
        }

        @Override
        public void run() {
            try {
                while (System.nanoTime() - stopAtNanos < 0) {
                    RawClient.Received frame = client.read();
                    synchronized (frames) {
                        frames.add(frame);
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        List<DataBatch> finish() throws Exception {
            join(30_000);
            client.close();
            if (failure != null) {
                throw new AssertionError("reader failed", failure);
            }
            return frames.stream().map(RawClient.Received::batch).toList();
        }
    }

    @Test
    void conflatedBatchesCarryEveryRealtimeTickOnceAtMostOncePerIntervalInSharedBytes() throws Exception {
        Recorder realtime = new Recorder(realtime(SYMBOLS, null));
        Thread.sleep(200);
        long firstSubscribedNanos = System.nanoTime();
        Recorder first = new Recorder(realtime(SYMBOLS, Integer.toString(INTERVAL_MS)));
        Thread.sleep(700);
        // Same key, symbols in another order and repeated: the same stream.
        Recorder second = new Recorder(realtime(List.of("SPY", "AAPL", "MSFT", "SPY"), Integer.toString(INTERVAL_MS)));
        Thread.sleep(2_000);
        assertTrue(sample("tick_storm_subscriptions", "realtime_conflated") >= 2, "conflated subscriptions counted");
        assertTrue(sample("tick_storm_batches_sent_total", "realtime_conflated") > 0, "conflated batches counted");
        long stopNanos = System.nanoTime();
        first.stopAt(stopNanos);
        second.stopAt(stopNanos);
        // The REALTIME client reads on, so it holds every tick the conflated clients' last batches replace.
        realtime.stopAt(stopNanos + 1_000_000_000L);
        List<DataBatch> conflatedFirst = first.finish();
        List<RawClient.Received> firstFrames = first.frames;
        long elapsedMs = (System.nanoTime() - firstSubscribedNanos) / 1_000_000;
        List<DataBatch> conflatedSecond = second.finish();
        List<DataBatch> ticks = realtime.finish();

        for (List<DataBatch> batches : List.of(conflatedFirst, conflatedSecond)) {
            assertTrue(batches.get(0).getIsSnapshot(), "the snapshot comes first");
            assertTrue(batches.size() >= 5, "live batches: " + batches.size());
            for (int b = 1; b < batches.size(); b++) {
                DataBatch batch = batches.get(b);
                assertFalse(batch.getIsSnapshot());
                assertEquals(batches.get(b - 1).getBatchSequence() + 1, batch.getBatchSequence(),
                        "contiguous from the snapshot");
                assertTrue(batch.getTicksCount() >= 1 && batch.getTicksCount() <= SYMBOLS.size(),
                        "at most one tick per symbol, and no empty batch");
                assertEquals(SYMBOLS.size(), batch.getTicksList().stream().map(Tick::getSymbol).distinct().count()
                        + SYMBOLS.size() - batch.getTicksCount(), "each symbol at most once");
            }
        }
        assertEquals(0, conflatedFirst.get(0).getBatchSequence(), "a new stream starts at 0, its first batch is 1");
        int liveBatches = conflatedFirst.size() - 1;
        assertTrue(liveBatches <= elapsedMs / INTERVAL_MS + 1,
                liveBatches + " batches in " + elapsedMs + " ms: at most one per " + INTERVAL_MS + " ms interval");

        // Both subscribers of the key get the very same bytes for every batch they both have.
        Map<Integer, byte[]> firstBytes = new HashMap<>();
        for (RawClient.Received frame : firstFrames) {
            firstBytes.put(frame.batch().getBatchSequence(), frame.payload());
        }
        int shared = 0;
        for (RawClient.Received frame : second.frames.subList(1, second.frames.size())) {
            byte[] same = firstBytes.get(frame.batch().getBatchSequence());
            if (same != null) {
                assertArrayEquals(same, frame.payload(), "batch " + frame.batch().getBatchSequence());
                shared++;
            }
        }
        assertTrue(shared >= 5, "shared batches: " + shared);

        // The later subscriber's snapshot is the stream's state as of the batch number it carries.
        DataBatch secondSnapshot = conflatedSecond.get(0);
        Map<String, Tick> carried = new HashMap<>();
        for (DataBatch batch : conflatedFirst) {
            if (batch.getBatchSequence() <= secondSnapshot.getBatchSequence()) {
                batch.getTicksList().forEach(tick -> carried.put(tick.getSymbol(), tick));
            }
        }
        assertEquals(SYMBOLS.size(), secondSnapshot.getTicksCount());
        for (Tick tick : secondSnapshot.getTicksList()) {
            assertEquals(carried.get(tick.getSymbol()), tick, "snapshot of " + tick.getSymbol());
        }

        for (String symbol : SYMBOLS) {
            assertEveryRealtimeTickCountedOnce(symbol, ticks, conflatedFirst);
        }
    }

    /**
     * Walks the REALTIME ticks of {@code symbol} from the conflated snapshot's tick on: each conflated tick is a later
     * REALTIME tick, and its volume is the sum of the REALTIME volumes since the previous one.
     */
    private static void assertEveryRealtimeTickCountedOnce(String symbol, List<DataBatch> realtime,
            List<DataBatch> conflated) {
        List<Tick> all = realtime.stream().flatMap(batch -> batch.getTicksList().stream())
                .filter(tick -> tick.getSymbol().equals(symbol)).toList();
        Tick start = conflated.get(0).getTicksList().stream().filter(tick -> tick.getSymbol().equals(symbol))
                .findFirst().orElse(null);
        assertNotNull(start, symbol + " in the snapshot");
        int at = all.indexOf(start);
        assertTrue(at >= 0, symbol + ": the snapshot's tick is a REALTIME tick");
        int matched = 0;
        for (DataBatch batch : conflated.subList(1, conflated.size())) {
            for (Tick tick : batch.getTicksList()) {
                if (!tick.getSymbol().equals(symbol)) {
                    continue;
                }
                double volume = 0;
                Tick replaced = null;
                while (replaced == null || !sameButVolume(replaced, tick)) {
                    at++;
                    assertTrue(at < all.size(), symbol + ": conflated tick " + tick + " is no later REALTIME tick");
                    replaced = all.get(at);
                    volume += replaced.getVolume();
                }
                assertEquals(volume, tick.getVolume(), symbol + ": summed volume of batch " + batch.getBatchSequence());
                matched++;
            }
        }
        assertTrue(matched >= 3, symbol + ": " + matched + " conflated ticks");
    }

    private static double sample(String metric, String mode) {
        Double value = server.metrics().registry().getSampleValue(metric, new String[] {"mode"}, new String[] {mode});
        return value == null ? 0 : value;
    }

    private static boolean sameButVolume(Tick a, Tick b) {
        return a.toBuilder().clearVolume().build().equals(b.toBuilder().clearVolume().build());
    }

    @Test
    void aBadConflateMsIsInvalidSubscriptionNamingItAndTheConnectionStaysOpen() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            List<SubscribeRequest> bad = List.of(realtime(SYMBOLS, "abc"), realtime(SYMBOLS, "9"),
                    realtime(SYMBOLS, "60001"), realtime(SYMBOLS, ""), realtime(SYMBOLS, "500ms"),
                    SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).putMetadata("conflate_ms", "500")
                            .build(),
                    SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE).putMetadata("conflate_ms", "500")
                            .build(),
                    realtime(SYMBOLS, "500").toBuilder().setStartTimeMs(System.currentTimeMillis() - 1_000).build());
            for (SubscribeRequest request : bad) {
                client.subscribe(request);
                assertEquals("conflate_ms", client.expectError(ErrorCode.INVALID_SUBSCRIPTION).getDetails(),
                        request::toString);
            }
            client.subscribe(realtime(SYMBOLS, "60000"));
            AckResponse ack = client.read().as(AckResponse.class);
            assertTrue(ack.getSuccess(), "still open, and a valid one is accepted");
            assertTrue(client.read().batch().getIsSnapshot());
        }
    }

    @Test
    void aConflatedClientReadingOneBatchPerIntervalIsNeverCutWhileARealtimeOneIs() throws Exception {
        try (RawClient conflated = RawClient.connectWithReceiveBuffer(server.tickAddress(), 4096);
                RawClient realtime = RawClient.connectWithReceiveBuffer(server.tickAddress(), 4096)) {
            conflated.authenticate();
            realtime.authenticate();
            conflated.subscribe(realtime(List.of(), "200"));
            realtime.subscribe(realtime(List.of(), null));
            long start = System.nanoTime();
            long previous = -1;
            boolean realtimeCut = false;
            int reads = 0;
            // At least 8 s, and until the REALTIME client is cut (30 s at most, a failure guard).
            while (System.nanoTime() - start < 8_000_000_000L
                    || !realtimeCut && System.nanoTime() - start < 30_000_000_000L) {
                // One frame per 100 ms from each: twice a 200 ms interval's batch, a fraction of the tick rate.
                RawClient.Received frame = conflated.read();
                if (frame.type() == FrameType.DATA_BATCH.code()) {
                    DataBatch batch = frame.batch();
                    assertTrue(previous < 0 || batch.getBatchSequence() == previous + 1, "contiguous");
                    previous = batch.getBatchSequence();
                } else {
                    assertTrue(frame.type() == FrameType.ACK.code() || frame.type() == FrameType.PONG.code(),
                            frame::toString);
                }
                if (!realtimeCut) {
                    try {
                        RawClient.Received other = realtime.read();
                        realtimeCut = other.type() == FrameType.ERROR.code() || server.connections() == 1;
                    } catch (IOException closed) {
                        realtimeCut = true;
                    }
                }
                if (++reads % 50 == 0) {
                    conflated.heartbeat(reads);
                }
                Thread.sleep(100);
            }
            assertTrue(previous > 10, "conflated batches read: up to " + previous);
            assertTrue(realtimeCut, "the REALTIME client reading at that pace was cut");
            conflated.heartbeat(1);
            RawClient.Received next = conflated.read();
            assertTrue(next.type() == FrameType.DATA_BATCH.code() || next.type() == FrameType.PONG.code(),
                    () -> "the conflated client is still served: " + next);
        }
    }
}
