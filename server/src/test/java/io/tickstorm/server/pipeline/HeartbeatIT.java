package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Heartbeat and auth deadlines (PROTOCOL.md §5.1, §5.4) with short timeouts; the waits carry generous slack. */
class HeartbeatIT {

    private static final long TIMEOUT_MS = 1_500;
    private static TickServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("tick-storm.heartbeat.timeout", TIMEOUT_MS + "ms",
                "tick-storm.heartbeat.interval", "500ms", "tick-storm.auth.timeout", "700ms"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientHeartbeatingAtAThirdOfTheTimeoutStaysConnectedForSeveralTimeouts() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            long end = System.currentTimeMillis() + 4 * TIMEOUT_MS;
            int pongs = 0;
            for (long sequence = 1; System.currentTimeMillis() < end; sequence++) {
                client.heartbeat(sequence);
                assertEquals(FrameType.PONG.code(), client.read().type(), "still connected after " + pongs);
                pongs++;
                Thread.sleep(TIMEOUT_MS / 3);
            }
            assertTrue(pongs >= 10);
        }
    }

    @Test
    void aSilentAuthenticatedClientIsClosedWithHeartbeatTimeout() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.expectErrorThenClose(ErrorCode.HEARTBEAT_TIMEOUT);
        }
        assertTrue(server.metrics().registry().getSampleValue("tick_storm_heartbeat_timeouts_total") >= 1);
    }

    @Test
    void silenceBeforeAuthIsAuthRequiredAfterTheAuthTimeout() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.expectErrorThenClose(ErrorCode.AUTH_REQUIRED);
        }
    }

    @Test
    void aClientThatClosesMidFrameIsSimplyClosedWithoutAnError() throws Exception {
        double before = errorsSent();
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.sendRaw(new byte[] {(byte) 0xF5, 0x7D, 0x01, 0x03, 0x00, 0x00});
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (server.connections() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.connections(), "the server closed its side");
        assertEquals(before, errorsSent(), "no ERROR for a client that went away");
    }

    private static double errorsSent() {
        Double value = server.metrics().registry().getSampleValue("tick_storm_messages_sent_total",
                new String[] {"type"}, new String[] {"error"});
        return value == null ? 0 : value;
    }
}
