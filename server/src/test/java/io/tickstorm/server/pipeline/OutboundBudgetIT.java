package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.CheckedSubscriber;
import io.tickstorm.server.testing.FloodingClient;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every byte queued for a connection counts against its outbound budget, and a connection that does not read is
 * not read from (PROTOCOL.md §5.8, issue 12 item 5). The inbound rate limit is off here, so only the budget, the
 * read pause and the write deadline stand between a flooding client and the server's memory.
 */
class OutboundBudgetIT {

    private static final long BUDGET_BYTES = 256 * 1024;

    private static TickServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of(
                "tick-storm.inbound.frame-rate", 0,
                "tick-storm.write.outbound-budget", BUDGET_BYTES,
                "tick-storm.write.high-water-mark", "128KiB",
                "tick-storm.write.deadline", "2s",
                "tick-storm.feed.backfill", "0s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static double slowConsumers() {
        return server.metrics().registry().getSampleValue("tick_storm_slow_consumer_disconnects_total");
    }

    /**
     * Floods with {@code frame} while a REALTIME subscriber reads; returns once the flooder is closed, asserting
     * that the server never queued more than the two connections' budgets and the subscriber missed nothing.
     */
    private static void floodWhileAnotherSubscriberReads(byte[] frame) throws Exception {
        double slowBefore = slowConsumers();
        try (CheckedSubscriber victim = CheckedSubscriber.start(server.tickAddress(),
                SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build())) {
            victim.awaitMore(5, 10_000);
            long maxPendingBytes = 0;
            try (FloodingClient flood = FloodingClient.start(server.tickAddress(), frame)) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!flood.awaitClosedByServer(5) && System.nanoTime() - deadline < 0) {
                    maxPendingBytes = Math.max(maxPendingBytes, server.pendingOutboundBytes());
                }
                assertTrue(flood.awaitClosedByServer(0), "the server closed the flooding client");
                assertTrue(flood.sentBytes() > 0);
            }
            assertEquals(slowBefore + 1, slowConsumers(), "closed as SLOW_CONSUMER");
            assertTrue(maxPendingBytes <= 2 * BUDGET_BYTES, "queued at most the budgets, saw " + maxPendingBytes);
            victim.awaitMore(50, 30_000);
            assertEquals(0, victim.gaps(), "the other subscriber missed nothing");
            assertNull(victim.failure());
        }
    }

    @Test
    void aHeartbeatFloodThatNeverReadsIsClosedWithinItsBudget() throws Exception {
        floodWhileAnotherSubscriberReads(RawClient.frame(FrameType.HEARTBEAT.code(), HeartbeatRequest.newBuilder()
                .setTimestampMs(1).setSequence(1).build().toByteArray()));
    }

    @Test
    void anAuthFloodThatNeverReadsIsClosedWithinItsBudget() throws Exception {
        floodWhileAnotherSubscriberReads(RawClient.frame(FrameType.AUTH.code(), AuthRequest.newBuilder()
                .setUsername(TestServers.USER).setPassword(TestServers.PASSWORD).build().toByteArray()));
    }
}
