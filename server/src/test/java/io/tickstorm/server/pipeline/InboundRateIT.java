package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.CheckedSubscriber;
import io.tickstorm.server.testing.FloodingClient;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The inbound frame rate with its defaults, 100 frames/s in bursts of 1,000 (PROTOCOL.md §5.8). */
class InboundRateIT {

    private static final int BURST = 1000;

    private static TickServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("tick-storm.feed.backfill", "0s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] heartbeat(long sequence) {
        return RawClient.frame(FrameType.HEARTBEAT.code(), HeartbeatRequest.newBuilder().setTimestampMs(1)
                .setSequence(sequence).build().toByteArray());
    }

    private static double rateLimited() {
        return server.metrics().registry().getSampleValue("tick_storm_inbound_rate_limited_total");
    }

    @Test
    void aClientOverTheBurstGetsItsPongsThenRateLimitedThenClose() throws Exception {
        double before = rateLimited();
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int i = 1; i <= BURST + 100; i++) {
                frames.write(heartbeat(i));
            }
            client.sendRaw(frames.toByteArray());
            int pongs = 0;
            RawClient.Received frame;
            while ((frame = client.read()).type() == FrameType.PONG.code()) {
                pongs++;
            }
            assertEquals(FrameType.ERROR.code(), frame.type(), () -> "expected the ERROR after the PONGs");
            assertTrue(pongs >= BURST - 1 && pongs < BURST + 100, "the burst is answered, then the limit: " + pongs);
            assertEquals(ErrorCode.RATE_LIMITED, frame.as(io.tickstorm.protocol.proto.ErrorResponse.class)
                    .getCode());
            client.expectClosed();
        }
        assertEquals(before + 1, rateLimited());
    }

    @Test
    void aHeartbeatFloodThatNeverReadsIsClosedWhileAnotherSubscriberMissesNothing() throws Exception {
        double before = rateLimited();
        try (CheckedSubscriber victim = CheckedSubscriber.start(server.tickAddress(),
                SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build())) {
            victim.awaitMore(5, 10_000);
            try (FloodingClient flood = FloodingClient.start(server.tickAddress(), heartbeat(1))) {
                assertTrue(flood.awaitClosedByServer(30_000), "the server closed the flooding client");
            }
            assertEquals(before + 1, rateLimited());
            victim.awaitMore(50, 30_000);
            assertEquals(0, victim.gaps());
            assertNull(victim.failure());
        }
    }
}
