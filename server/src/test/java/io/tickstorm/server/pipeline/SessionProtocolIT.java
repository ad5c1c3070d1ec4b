package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.RawClient.Received;
import io.tickstorm.server.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One test per rule of PROTOCOL.md §5 (authentication, subscription, heartbeat, errors), over real sockets. */
class SessionProtocolIT {

    private static TickServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(Map.of("tick-storm.auth.max-attempts", 1000));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static RawClient client() throws Exception {
        return RawClient.connect(server.tickAddress());
    }

    private static RawClient authenticated() throws Exception {
        RawClient client = client();
        client.authenticate();
        return client;
    }

    @Test
    void authSuccessIsAcknowledgedWithTimestampAndHeartbeatSettings() throws Exception {
        try (RawClient client = client()) {
            long before = System.currentTimeMillis();
            AckResponse ack = client.authenticate();
            assertTrue(ack.getTimestampMs() >= before);
            assertEquals("15000", ack.getMetadataOrThrow("heartbeat_interval_ms"));
            assertEquals("20000", ack.getMetadataOrThrow("heartbeat_timeout_ms"));
        }
    }

    @Test
    void wrongPasswordIsInvalidAuthThenClose() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.auth(TestServers.USER, "not-the-password");
            client.expectErrorThenClose(ErrorCode.INVALID_AUTH);
        }
    }

    @Test
    void unknownUserIsInvalidAuthThenClose() throws Exception {
        try (RawClient client = client()) {
            client.auth("mallory", TestServers.PASSWORD);
            client.expectErrorThenClose(ErrorCode.INVALID_AUTH);
        }
    }

    @Test
    void emptyCredentialsNeverAuthenticate() throws Exception {
        try (RawClient client = client()) {
            client.auth("", "");
            client.expectErrorThenClose(ErrorCode.INVALID_AUTH);
        }
    }

    @Test
    void unparseableAuthRequestIsInvalidAuth() throws Exception {
        try (RawClient client = client()) {
            client.sendRaw(RawClient.frame(FrameType.AUTH.code(), new byte[] {(byte) 0xFF, (byte) 0xFF}));
            client.expectErrorThenClose(ErrorCode.INVALID_AUTH);
        }
    }

    @Test
    void subscribeBeforeAuthIsAuthRequiredWhateverItsPayload() throws Exception {
        try (RawClient client = client()) {
            client.sendRaw(RawClient.frame(FrameType.SUBSCRIBE.code(), new byte[] {(byte) 0xFF}));
            client.expectErrorThenClose(ErrorCode.AUTH_REQUIRED);
        }
    }

    @Test
    void heartbeatBeforeAuthIsAuthRequired() throws Exception {
        try (RawClient client = client()) {
            client.heartbeat(1);
            client.expectErrorThenClose(ErrorCode.AUTH_REQUIRED);
        }
    }

    @Test
    void secondAuthIsAlreadyAuthenticatedAndTheConnectionStaysOpen() throws Exception {
        try (RawClient client = authenticated()) {
            client.sendRaw(RawClient.frame(FrameType.AUTH.code(), new byte[] {(byte) 0xFF}));
            client.expectError(ErrorCode.ALREADY_AUTHENTICATED);
            client.heartbeat(9);
            assertEquals(9, client.read().as(HeartbeatResponse.class).getSequence());
        }
    }

    @Test
    void heartbeatIsAnsweredWithPongEchoingTimestampAndSequence() throws Exception {
        try (RawClient client = authenticated()) {
            client.send(FrameType.HEARTBEAT, HeartbeatRequest.newBuilder().setTimestampMs(1234).setSequence(77)
                    .build());
            Received pong = client.read();
            assertEquals(FrameType.PONG.code(), pong.type());
            HeartbeatResponse response = pong.as(HeartbeatResponse.class);
            assertEquals(1234, response.getClientTimestampMs());
            assertEquals(77, response.getSequence());
            assertTrue(response.getServerTimestampMs() > 0);
        }
    }

    @Test
    void emptyHeartbeatPayloadIsAValidHeartbeat() throws Exception {
        try (RawClient client = authenticated()) {
            client.sendRaw(RawClient.frame(FrameType.HEARTBEAT.code(), new byte[0]));
            assertEquals(FrameType.PONG.code(), client.read().type());
        }
    }

    @Test
    void unparseableHeartbeatIsInvalidMessageThenClose() throws Exception {
        try (RawClient client = authenticated()) {
            client.sendRaw(RawClient.frame(FrameType.HEARTBEAT.code(), new byte[] {0x08}));
            client.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void badMagicIsInvalidMessageThenCloseEvenBeforeAuth() throws Exception {
        try (RawClient client = client()) {
            client.sendRaw(new byte[] {0x12, 0x34});
            client.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void badVersionIsProtocolVersionThenClose() throws Exception {
        try (RawClient client = authenticated()) {
            byte[] frame = RawClient.frame(FrameType.HEARTBEAT.code(), new byte[0]);
            frame[2] = 2;
            client.sendRaw(frame);
            client.expectErrorThenClose(ErrorCode.PROTOCOL_VERSION);
        }
    }

    @Test
    void oversizeLengthIsMessageTooLargeWithoutSendingThePayload() throws Exception {
        try (RawClient client = client()) {
            client.sendRaw(new byte[] {(byte) 0xF5, 0x7D, 0x01, 0x01, 0x00, 0x01, 0x00, 0x01});
            client.expectErrorThenClose(ErrorCode.MESSAGE_TOO_LARGE);
        }
    }

    @Test
    void corruptedChecksumIsChecksumFailedThenClose() throws Exception {
        try (RawClient client = authenticated()) {
            byte[] frame = RawClient.frame(FrameType.HEARTBEAT.code(), new byte[0]);
            frame[frame.length - 1] ^= 0x01;
            client.sendRaw(frame);
            client.expectErrorThenClose(ErrorCode.CHECKSUM_FAILED);
        }
    }

    @Test
    void unknownTypeIsInvalidMessageWhetherOrNotAuthenticated() throws Exception {
        try (RawClient before = client(); RawClient after = authenticated()) {
            before.sendRaw(RawClient.frame(0x42, new byte[0]));
            before.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
            after.sendRaw(RawClient.frame(0x42, new byte[0]));
            after.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void serverToClientTypeFromClientIsInvalidMessage() throws Exception {
        try (RawClient client = authenticated()) {
            client.sendRaw(RawClient.frame(FrameType.ACK.code(), new byte[0]));
            client.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void garbageAfterAFatalErrorDoesNotProduceASecondError() throws Exception {
        try (RawClient client = authenticated()) {
            byte[] bad = RawClient.frame(FrameType.HEARTBEAT.code(), new byte[0]);
            bad[0] = 0;
            byte[] twice = new byte[bad.length * 2];
            System.arraycopy(bad, 0, twice, 0, bad.length);
            System.arraycopy(bad, 0, twice, bad.length, bad.length);
            client.sendRaw(twice);
            client.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void unparseableSubscribeIsInvalidMessageThenClose() throws Exception {
        try (RawClient client = authenticated()) {
            client.sendRaw(RawClient.frame(FrameType.SUBSCRIBE.code(), new byte[] {0x12, 0x7F}));
            client.expectErrorThenClose(ErrorCode.INVALID_MESSAGE);
        }
    }

    @Test
    void invalidSubscriptionsNameTheFieldAndKeepTheConnectionOpen() throws Exception {
        List<SubscribeRequest> invalid = new ArrayList<>();
        invalid.add(SubscribeRequest.newBuilder().setModeValue(0).build());
        invalid.add(SubscribeRequest.newBuilder().setModeValue(9).build());
        invalid.add(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).addSymbols("aapl").build());
        invalid.add(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).addSymbols("NOPE").build());
        SubscribeRequest.Builder tooMany = SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND);
        for (int i = 0; i < 101; i++) {
            tooMany.addSymbols("S" + i);
        }
        invalid.add(tooMany.build());
        invalid.add(SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).setStartTimeMs(1).build());
        invalid.add(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).setStartTimeMs(1).build());
        invalid.add(SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE)
                .setStartTimeMs(System.currentTimeMillis() + 3_600_000).build());
        List<String> fields = List.of("mode", "mode", "symbols", "symbols", "symbols", "start_time_ms",
                "start_time_ms", "start_time_ms");
        try (RawClient client = authenticated()) {
            for (int i = 0; i < invalid.size(); i++) {
                client.subscribe(invalid.get(i));
                ErrorResponse error = client.expectError(ErrorCode.INVALID_SUBSCRIPTION);
                assertEquals(fields.get(i), error.getDetails(), error::toString);
            }
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE).addSymbols("AAPL")
                    .build());
            assertEquals(MessageType.SUBSCRIBE, client.read().as(AckResponse.class).getAckType());
        }
    }

    @Test
    void duplicateSymbolsCountOnce() throws Exception {
        SubscribeRequest.Builder request = SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE);
        for (int i = 0; i < 150; i++) {
            request.addSymbols("AAPL");
        }
        try (RawClient client = authenticated()) {
            client.subscribe(request.build());
            assertEquals(MessageType.SUBSCRIBE, client.read().as(AckResponse.class).getAckType());
            DataBatch snapshot = client.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            assertEquals(1, snapshot.getTicksCount());
        }
    }

    @Test
    void subscribeIsAcknowledgedThenASnapshotOfEverySubscribedSymbol() throws Exception {
        try (RawClient client = authenticated()) {
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).addSymbols("MSFT")
                    .addSymbols("AAPL").build());
            AckResponse ack = client.read().as(AckResponse.class);
            assertEquals(MessageType.SUBSCRIBE, ack.getAckType());
            assertTrue(ack.getSuccess());
            DataBatch snapshot = client.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            assertEquals(2, snapshot.getTicksCount());
            long boundary = snapshot.getTicks(0).getTimestampMs();
            assertEquals(0, boundary % 1000, "bars sit on whole seconds");
            assertEquals(boundary / 1000, snapshot.getBatchSequence(), "SECOND sequence is the epoch second");
            DataBatch live = client.read().batch();
            assertFalse(live.getIsSnapshot());
            assertEquals(snapshot.getBatchSequence() + 1, live.getBatchSequence());
            assertEquals(SubscriptionMode.SECOND, live.getTicks(0).getMode());
        }
    }

    @Test
    void secondSubscribeIsAlreadySubscribedValidOrNot() throws Exception {
        try (RawClient client = authenticated()) {
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            assertTrue(client.read().batch().getIsSnapshot());
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).build());
            client.expectError(ErrorCode.ALREADY_SUBSCRIBED);
            client.sendRaw(RawClient.frame(FrameType.SUBSCRIBE.code(), new byte[] {(byte) 0xFF}));
            client.expectError(ErrorCode.ALREADY_SUBSCRIBED);
            client.heartbeat(3);
            assertEquals(FrameType.PONG.code(), client.read().type());
        }
    }

    @Test
    void framesPipelinedBehindAuthAreServedInOrderAfterTheAck() throws Exception {
        try (RawClient client = client()) {
            byte[] auth = RawClient.frame(FrameType.AUTH.code(), AuthRequest.newBuilder()
                    .setUsername(TestServers.USER).setPassword(TestServers.PASSWORD).build().toByteArray());
            byte[] heartbeat = RawClient.frame(FrameType.HEARTBEAT.code(), HeartbeatRequest.newBuilder()
                    .setSequence(5).build().toByteArray());
            byte[] both = new byte[auth.length + heartbeat.length];
            System.arraycopy(auth, 0, both, 0, auth.length);
            System.arraycopy(heartbeat, 0, both, auth.length, heartbeat.length);
            client.sendRaw(both);
            assertEquals(FrameType.ACK.code(), client.read().type());
            assertEquals(5, client.read().as(HeartbeatResponse.class).getSequence());
        }
    }

    @Test
    void failedLoginsAreRateLimitedPerAddressWithoutCheckingThePassword() throws Exception {
        try (TickServer limited = TestServers.start(Map.of("tick-storm.auth.max-attempts", 2,
                "tick-storm.auth.block-duration", "1h"))) {
            for (int i = 0; i < 2; i++) {
                try (RawClient client = RawClient.connect(limited.tickAddress())) {
                    client.auth(TestServers.USER, "wrong");
                    client.expectErrorThenClose(ErrorCode.INVALID_AUTH);
                }
            }
            try (RawClient client = RawClient.connect(limited.tickAddress())) {
                client.auth(TestServers.USER, TestServers.PASSWORD);
                long secondsLeft = Long.parseLong(client.expectErrorThenClose(ErrorCode.RATE_LIMITED).getDetails());
                assertTrue(secondsLeft > 3500 && secondsLeft <= 3600, "details: seconds left in the block");
            }
        }
    }
}
