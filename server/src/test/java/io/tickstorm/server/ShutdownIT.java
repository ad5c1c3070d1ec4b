package io.tickstorm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.RawClient.Received;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Graceful shutdown (PROTOCOL.md §5.10, DESIGN.md §7): SERVER_SHUTTING_DOWN to every client, then ports freed. */
class ShutdownIT {

    @Test
    void closeSendsServerShuttingDownToEveryClientAndFreesThePorts() throws Exception {
        TickServer server = TestServers.start();
        InetSocketAddress address = server.tickAddress();
        int metricsPort = server.metricsPort();
        assertEquals(200, Scrape.get(metricsPort, "/health/ready").statusCode());
        try (RawClient idle = RawClient.connect(address); RawClient streaming = RawClient.connect(address)) {
            idle.authenticate();
            streaming.authenticate();
            streaming.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build());
            assertEquals(FrameType.ACK.code(), streaming.read().type());
            server.close();
            idle.expectErrorThenClose(ErrorCode.SERVER_SHUTTING_DOWN);
            for (Received frame = streaming.read(); ; frame = streaming.read()) {
                if (frame.type() == FrameType.ERROR.code()) {
                    assertEquals(ErrorCode.SERVER_SHUTTING_DOWN,
                            frame.as(io.tickstorm.protocol.proto.ErrorResponse.class).getCode());
                    break;
                }
                assertEquals(FrameType.DATA_BATCH.code(), frame.type(), "only data before the ERROR");
            }
            streaming.expectClosed();
        }
        try (ServerSocket tick = new ServerSocket(address.getPort(), 1, address.getAddress());
                ServerSocket metrics = new ServerSocket(metricsPort)) {
            assertFalse(tick.isClosed(), "the tick port is free again");
            assertFalse(metrics.isClosed(), "the metrics port is free again");
        }
        try {
            RawClient.connect(address).close();
            throw new AssertionError("the server still accepts");
        } catch (ConnectException expected) {
            // Nothing listens any more.
        }
    }
}
