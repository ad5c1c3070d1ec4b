package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server-wide outbound budget: with more direct memory in use than it allows, four subscribers that stop reading
 * are closed as slow consumers one by one, each once it holds a high water mark queued and long before it reaches
 * its own (much larger) budget, while a subscriber that reads keeps every batch.
 */
class TotalOutboundBudgetIT {

    private static final int SLOW_CLIENTS = 4;

    @Test
    void readersThatFallBehindTogetherAreCutByTheTotalWhileAReaderMissesNothing() throws Exception {
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.feed.rate", 50_000,
                "tick-storm.feed.backfill", "0s",
                "tick-storm.write.outbound-budget", "16MiB",
                "tick-storm.write.high-water-mark", "1MiB",
                "tick-storm.write.deadline", "60s",
                "tick-storm.write.total-budget", "2MiB"))) {
            SubscribeRequest all = SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build();
            List<RawClient> slow = new ArrayList<>();
            try (RawClient fast = RawClient.connect(server.tickAddress())) {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    RawClient client = RawClient.connect(server.tickAddress());
                    slow.add(client);
                    client.socket().setReceiveBufferSize(4096);
                    client.authenticate();
                    client.subscribe(all);
                }
                fast.authenticate();
                fast.subscribe(all);
                assertEquals(FrameType.ACK.code(), fast.read().type());
                long previous = -1;
                long batches = 0;
                long deadline = System.nanoTime() + 30_000_000_000L;
                boolean slowClosed = false;
                while (System.nanoTime() < deadline && (!slowClosed || batches < 200)) {
                    DataBatch batch = fast.read().batch();
                    if (previous >= 0) {
                        assertEquals(previous + 1, batch.getBatchSequence(), "the reader misses nothing");
                    }
                    previous = batch.getBatchSequence();
                    batches++;
                    if (!slowClosed && batches % 20 == 0) {
                        slowClosed = server.connections() == 1;
                    }
                }
                assertTrue(slowClosed, "the subscribers that stopped reading were closed");
                Scrape scrape = Scrape.metrics(server.metricsPort());
                double byTotal = scrape.value("tick_storm_outbound_total_budget_disconnects_total");
                assertTrue(byTotal >= 1, "closed by the server-wide budget, not their own: " + byTotal);
                assertEquals(SLOW_CLIENTS, scrape.value("tick_storm_slow_consumer_disconnects_total"));
                assertEquals(2 * 1024 * 1024, scrape.value("tick_storm_outbound_total_budget_bytes"));
            } finally {
                for (RawClient client : slow) {
                    client.close();
                }
            }
        }
    }
}
