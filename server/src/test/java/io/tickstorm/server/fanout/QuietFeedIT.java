package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REALTIME subscriber of a quiet market (a recording whose next tick is minutes away) gets its ACK and snapshot at
 * once: the feed thread serves joins, and sends ticks it held back, when no tick comes (PROTOCOL.md §5.2, §5.6:
 * never held back while the connection is idle).
 */
class QuietFeedIT {

    private static final long REC = 1_796_025_600_000L;

    @TempDir
    Path dir;

    @Test
    void aSubscriberOfAQuietMarketGetsItsSnapshotWithoutWaitingForTheNextTick() throws Exception {
        Path file = dir.resolve("quiet.ndjson");
        Files.write(file, List.of(line("MSFT", REC, 101.5), line("MSFT", REC + 600_000, 102.5)),
                StandardCharsets.UTF_8);
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.feed.source", "file",
                "tick-storm.feed.file.path", file.toString(),
                "tick-storm.feed.file.speed", 1));
                RawClient client = RawClient.connect(server.tickAddress())) {
            long guard = System.nanoTime() + 10_000_000_000L;
            while (server.feed().counters().liveTicks() == 0 && System.nanoTime() < guard) {
                Thread.sleep(10);
            }
            assertEquals(1, server.feed().counters().liveTicks(), "the first tick was replayed");
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            DataBatch snapshot = client.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            assertEquals(1, snapshot.getTicksCount(), "the first tick, replayed at startup: " + snapshot);
            assertEquals(101.5, snapshot.getTicks(0).getPrice());
        }
    }

    private static String line(String symbol, long timestampMs, double price) {
        return "{\"symbol\":\"" + symbol + "\",\"timestamp_ms\":" + timestampMs + ",\"price\":" + price
                + ",\"volume\":1,\"bid\":" + (price - 0.05) + ",\"ask\":" + (price + 0.05)
                + ",\"bid_size\":1,\"ask_size\":1}";
    }
}
