package io.tickstorm.protocol.client;

import static io.tickstorm.protocol.client.RecordingListener.next;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TickClientTest {

    private final FakeTickServer server = new FakeTickServer();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void stopServer() {
        server.close();
    }

    private TickClientOptions.Builder options() {
        return TickClientOptions.builder()
                .port(server.port())
                .tls(false)
                .heartbeatInterval(Duration.ZERO)
                .credentials(FakeTickServer.USER, FakeTickServer.PASSWORD)
                .clientId("test-client");
    }

    @Test
    void authenticatesWithTheConfiguredCredentials() throws Exception {
        try (TickClient client = new TickClient(options().build(), listener)) {
            AckResponse ack = client.connectAndAuthenticate();
            assertEquals(MessageType.AUTH, ack.getAckType());
            assertTrue(ack.getSuccess());
            AuthRequest auth = server.next(AuthRequest.class);
            assertEquals(FakeTickServer.USER, auth.getUsername());
            assertEquals("test-client", auth.getClientId());
            assertEquals(TickClientOptions.DEFAULT_VERSION, auth.getVersion());
            assertTrue(client.isActive());
        }
        assertEquals(Optional.empty(), listener.awaitClosed(), "a close by the client has no cause");
    }

    @Test
    void failedAuthenticationCarriesInvalidAuthAndEndsTheSession() throws Exception {
        try (TickClient client = new TickClient(options().credentials(FakeTickServer.USER, "wrong").build(),
                listener)) {
            client.connect();
            TickClientException failure = assertThrows(TickClientException.class, client::authenticate);
            assertEquals(ErrorCode.INVALID_AUTH, failure.code());
            assertTrue(failure.fromServer());
            assertEquals("invalid credentials", failure.serverMessage());
            assertEquals(ErrorCode.INVALID_AUTH, next(listener.errors).getCode());
            Throwable cause = listener.awaitClosed().orElseThrow();
            assertEquals(ErrorCode.INVALID_AUTH, assertInstanceOf(TickClientException.class, cause).code());
        }
    }

    @Test
    void subscribeConflatedAsksForRealtimeWithConflateMsMetadata() throws Exception {
        try (TickClient client = new TickClient(options().build(), listener)) {
            client.connectAndAuthenticate();
            client.subscribeConflated(List.of("AAPL"), Duration.ofMillis(500));
            SubscribeRequest request = server.next(SubscribeRequest.class);
            assertEquals(SubscriptionMode.REALTIME, request.getMode());
            assertEquals(List.of("AAPL"), request.getSymbolsList());
            assertEquals(Map.of("conflate_ms", "500"), request.getMetadataMap());
            assertThrows(IllegalArgumentException.class,
                    () -> client.subscribeConflatedAsync(List.of(), Duration.ofMillis(9)));
            assertThrows(IllegalArgumentException.class,
                    () -> client.subscribeConflatedAsync(List.of(), Duration.ofSeconds(61)));
            assertThrows(IllegalArgumentException.class,
                    () -> client.subscribeConflatedAsync(List.of(), Duration.ofNanos(10_500_000)));
        }
    }

    @Test
    void subscribeDeliversSnapshotThenContiguousLiveBatches() throws Exception {
        try (TickClient client = new TickClient(options().build(), listener)) {
            client.connectAndAuthenticate();
            AckResponse ack = client.subscribe(SubscriptionMode.MINUTE, List.of("AAPL"), 0);
            assertEquals(MessageType.SUBSCRIBE, ack.getAckType());
            SubscribeRequest request = server.next(SubscribeRequest.class);
            assertEquals(SubscriptionMode.MINUTE, request.getMode());
            assertEquals(List.of("AAPL"), request.getSymbolsList());

            DataBatch snapshot = next(listener.batches);
            assertTrue(snapshot.getIsSnapshot());
            assertEquals(FakeTickServer.SNAPSHOT_SEQUENCE, snapshot.getBatchSequence());
            assertEquals("AAPL", snapshot.getTicks(0).getSymbol());
            assertEquals(SubscriptionMode.MINUTE, snapshot.getTicks(0).getMode());
            assertEquals(FakeTickServer.SNAPSHOT_SEQUENCE + 1, next(listener.batches).getBatchSequence());
            assertEquals(FakeTickServer.SNAPSHOT_SEQUENCE + 2, next(listener.batches).getBatchSequence());
        }
        assertEquals(Optional.empty(), listener.awaitClosed());
        assertTrue(listener.gaps.isEmpty(), "no gap in a contiguous stream");
    }

    @Test
    void reportsAGapInBatchSequence() throws Exception {
        long base = FakeTickServer.SNAPSHOT_SEQUENCE;
        server.liveSequences(base + 1, base + 3, base + 4);
        try (TickClient client = new TickClient(options().build(), listener)) {
            client.connectAndAuthenticate();
            client.subscribe(SubscriptionMode.SECOND, List.of(), 0);
            assertArrayEquals(new long[] {base + 2, base + 3}, next(listener.gaps));
            for (int i = 0; i < 4; i++) {
                next(listener.batches);
            }
        }
        assertTrue(listener.gaps.isEmpty(), "exactly one gap");
    }

    @Test
    void invalidSubscriptionLeavesTheConnectionOpen() throws Exception {
        try (TickClient client = new TickClient(options().build(), listener)) {
            client.connectAndAuthenticate();
            TickClientException invalid = assertThrows(TickClientException.class,
                    () -> client.subscribe(SubscriptionMode.SECOND, List.of("BAD"), 0));
            assertEquals(ErrorCode.INVALID_SUBSCRIPTION, invalid.code());
            assertEquals("symbols", invalid.details());
            client.subscribe(SubscriptionMode.SECOND, List.of("AAPL"), 0);
            assertTrue(next(listener.batches).getIsSnapshot());
            TickClientException again = assertThrows(TickClientException.class,
                    () -> client.subscribe(SubscriptionMode.SECOND, List.of("AAPL"), 0));
            assertEquals(ErrorCode.ALREADY_SUBSCRIBED, again.code());
            assertTrue(client.isActive());
        }
        assertEquals(Optional.empty(), listener.awaitClosed());
    }

    @Test
    void sendsHeartbeatsAutomaticallyAfterAuthenticationAndSurfacesPongs() throws Exception {
        TickClientOptions options = options().heartbeatInterval(Duration.ofMillis(20)).build();
        try (TickClient client = new TickClient(options, listener)) {
            client.connectAndAuthenticate();
            assertInstanceOf(AuthRequest.class, server.received.poll(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS),
                    "nothing precedes AUTH");
            for (long sequence = 1; sequence <= 3; sequence++) {
                HeartbeatRequest heartbeat = server.next(HeartbeatRequest.class);
                assertEquals(sequence, heartbeat.getSequence());
                assertTrue(heartbeat.getTimestampMs() > 0);
                HeartbeatResponse pong = next(listener.pongs);
                assertEquals(sequence, pong.getSequence());
                assertEquals(heartbeat.getTimestampMs(), pong.getClientTimestampMs());
            }
        }
    }

    @Test
    void deliversTheServersErrorAndThenTheClose() throws Exception {
        server.endWith(ErrorCode.SERVER_SHUTTING_DOWN);
        try (TickClient client = new TickClient(options().build(), listener)) {
            client.connectAndAuthenticate();
            client.subscribe(SubscriptionMode.SECOND, List.of(), 0);
            assertEquals(ErrorCode.SERVER_SHUTTING_DOWN, next(listener.errors).getCode());
            Throwable cause = listener.awaitClosed().orElseThrow();
            TickClientException closed = assertInstanceOf(TickClientException.class, cause);
            assertEquals(ErrorCode.SERVER_SHUTTING_DOWN, closed.code());
            assertEquals(3, listener.batches.size(), "every batch before the ERROR was delivered");
            assertFalse(client.isActive());
        }
    }

    @Test
    void refusedConnectionFailsConnectWithoutServerCode() throws Exception {
        int unusedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unusedPort = socket.getLocalPort();
        }
        try (TickClient client = new TickClient(options().port(unusedPort).build(), listener)) {
            TickClientException failure = assertThrows(TickClientException.class, client::connect);
            assertFalse(failure.fromServer());
            assertEquals(ErrorCode.ERROR_CODE_UNSPECIFIED, failure.code());
            assertTrue(failure.getMessage().startsWith("connect to 127.0.0.1:" + unusedPort + " failed"),
                    failure.getMessage());
        }
    }

    @Test
    void requestsBeforeConnectFail() {
        try (TickClient client = new TickClient(options().build(), listener)) {
            TickClientException failure = assertThrows(TickClientException.class, client::authenticate);
            assertTrue(failure.getMessage().contains("not connected"), failure.getMessage());
        }
    }

    @Test
    void blockingCallsAreRefusedOnTheEventLoop() throws Exception {
        try (TickClient client = new TickClient(options().build(), listener)) {
            client.connectAndAuthenticate();
            CompletableFuture<Throwable> refusal = client.subscribeAsync(SubscriptionMode.SECOND, List.of(), 0)
                    .thenApply(ack -> assertThrows(IllegalStateException.class, client::authenticate));
            String message = refusal.get(RecordingListener.WAIT_SECONDS, TimeUnit.SECONDS).getMessage();
            assertTrue(message.contains("authenticateAsync"), message);
        }
    }

    @Test
    void manyClientsShareOneCallerOwnedEventLoopGroup() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            TickClientOptions options = options().build();
            for (int i = 0; i < 3; i++) {
                try (TickClient client = new TickClient(options, new RecordingListener(), group, null)) {
                    client.connectAndAuthenticate();
                }
            }
            assertFalse(group.isShuttingDown(), "closing a client leaves a shared group running");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
