package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.testing.RawClient;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Kafka replicas in integration tests: their settings, and their bars as clients receive them. */
final class Replicas {

    private Replicas() {
    }

    /**
     * A replica's settings. The record delay is generous: producers run on a busy 2-core machine. The connection
     * cap is low so that the open-file reserve covers the broker and the other replicas in this JVM.
     */
    static Map<String, Object> settings(String bootstrapServers, String topic, String carryLookback) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("tick-storm.limits.max-connections", 1000);
        settings.put("tick-storm.feed.source", "kafka");
        settings.put("tick-storm.feed.kafka.bootstrap-servers", bootstrapServers);
        settings.put("tick-storm.feed.kafka.topic", topic);
        settings.put("tick-storm.feed.kafka.carry-lookback", carryLookback);
        settings.put("tick-storm.feed.kafka.record-delay", "500ms");
        settings.put("tick-storm.feed.lateness", "200ms");
        return settings;
    }

    /** Waits until the server's history holds the SECOND set closing at {@code boundaryMs}. */
    static void awaitClosed(TickServer server, long boundaryMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.feed().history().nextBoundaryMs(BarMode.SECOND) <= boundaryMs) {
            assertTrue(System.nanoTime() < deadline, "bars stopped closing at "
                    + server.feed().history().nextBoundaryMs(BarMode.SECOND));
            Thread.sleep(20);
        }
    }

    /** The oldest boundary of {@code mode} every server retains. */
    static long commonStartMs(BarMode mode, TickServer... servers) {
        long fromMs = Long.MIN_VALUE;
        for (TickServer server : servers) {
            fromMs = Math.max(fromMs, server.feed().history().oldestRetainedMs(mode));
        }
        return fromMs;
    }

    /**
     * The retained batches of {@code mode} with boundaries in [fromMs, untilMs] as a client receives them (a
     * replay from fromMs), by boundary, with batch_timestamp_ms (each server's own clock) cleared.
     */
    static TreeMap<Long, DataBatch> bars(TickServer server, SubscriptionMode mode, long fromMs, long untilMs)
            throws Exception {
        BarMode barMode = mode == SubscriptionMode.SECOND ? BarMode.SECOND : BarMode.MINUTE;
        int retained = server.feed().history().since(barMode, fromMs).size();
        TreeMap<Long, DataBatch> bars = new TreeMap<>();
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(mode).setStartTimeMs(fromMs).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            for (int i = 0; i < retained; i++) {
                DataBatch batch = client.read().batch();
                long boundaryMs = Integer.toUnsignedLong(batch.getBatchSequence()) * barMode.intervalMs();
                if (boundaryMs <= untilMs) {
                    bars.put(boundaryMs, batch.toBuilder().clearBatchTimestampMs().build());
                }
            }
        }
        return bars;
    }
}
