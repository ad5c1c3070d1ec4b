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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is closed with SLOW_CONSUMER once it exceeds its outbound budget, while a fast client
 * on the same stream receives every batch. (SLOW_CONSUMER itself is best effort: it queues behind the backlog the
 * peer never reads, so the test checks the server's side: the close, the counter and the ERROR it sent.)
 */
class SlowConsumerIT {

    @Test
    void aClientThatStopsReadingIsClosedWhileFastClientsMissNothing() throws Exception {
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.feed.rate", 50_000,
                "tick-storm.feed.backfill", "0s",
                "tick-storm.write.outbound-budget", "256KiB",
                "tick-storm.write.high-water-mark", "128KiB",
                "tick-storm.write.deadline", "2s"))) {
            SubscribeRequest all = SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build();
            try (RawClient slow = RawClient.connect(server.tickAddress());
                    RawClient fast = RawClient.connect(server.tickAddress())) {
                slow.socket().setReceiveBufferSize(4096);
                slow.authenticate();
                fast.authenticate();
                slow.subscribe(all);
                fast.subscribe(all);
                assertEquals(FrameType.ACK.code(), fast.read().type());
                long previous = -1;
                long batches = 0;
                long deadline = System.nanoTime() + 20_000_000_000L;
                boolean slowClosed = false;
                while (System.nanoTime() < deadline && (!slowClosed || batches < 200)) {
                    DataBatch batch = fast.read().batch();
                    if (previous >= 0) {
                        assertEquals(previous + 1, batch.getBatchSequence(), "the fast client misses nothing");
                    }
                    previous = batch.getBatchSequence();
                    batches++;
                    if (!slowClosed && batches % 50 == 0) {
                        slowClosed = server.connections() == 1;
                    }
                }
                assertTrue(slowClosed, "the slow client was closed");
                assertEquals(1.0, server.metrics().registry().getSampleValue(
                        "tick_storm_slow_consumer_disconnects_total"));
                assertEquals(1.0, server.metrics().registry().getSampleValue("tick_storm_protocol_errors_total",
                        new String[] {"code"}, new String[] {"slow_consumer"}));
            }
        }
    }
}
