package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.RawClient.Received;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import io.tickstorm.server.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-auth rules of PROTOCOL.md §2 and §5.1 over real sockets: the 4,096-byte limit before AUTH, the normal
 * maximum after it, and no reading past a pending AUTH (a pipelining client still works).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PreAuthIT {

    private static final int PRE_AUTH_MAX = 4096;
    private static final int MAX = 65_536;
    private static final String BYTES_RECEIVED = "tick_storm_bytes_received_total";

    private static TickServer server;
    private static ExecutorService writers;

    @TempDir
    Path pkiDir;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(Map.of("tick-storm.auth.max-attempts", 1000));
        writers = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopServer() {
        writers.shutdownNow();
        server.close();
    }

    private static byte[] header(FrameType type, int length) {
        return ByteBuffer.allocate(8).put((byte) 0xF5).put((byte) 0x7D).put((byte) 1).put((byte) type.code())
                .putInt(length).array();
    }

    private static byte[] auth(String password) {
        return RawClient.frame(FrameType.AUTH.code(), AuthRequest.newBuilder().setUsername(TestServers.USER)
                .setPassword(password).build().toByteArray());
    }

    /** A HEARTBEAT whose payload is exactly {@code payloadBytes}: its sequence plus an unknown field as padding. */
    private static byte[] bigHeartbeat(long sequence, int payloadBytes) {
        byte[] known = HeartbeatRequest.newBuilder().setSequence(sequence).build().toByteArray();
        ByteArrayOutputStream payload = new ByteArrayOutputStream(payloadBytes);
        payload.writeBytes(known);
        int padding = payloadBytes - known.length - 1 - 3;
        payload.write((15 << 3) | 2);
        payload.write((padding & 0x7F) | 0x80);
        payload.write(((padding >>> 7) & 0x7F) | 0x80);
        payload.write(padding >>> 14);
        payload.writeBytes(new byte[padding]);
        byte[] bytes = payload.toByteArray();
        assertEquals(payloadBytes, bytes.length);
        return RawClient.frame(FrameType.HEARTBEAT.code(), bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Writes in the background: the server may (rightly) not read it all, and then this write never completes. */
    private static void sendInBackground(RawClient client, byte[] bytes) {
        writers.execute(() -> {
            try {
                client.sendRaw(bytes);
            } catch (IOException closedByServer) {
                // Expected once the server closes a connection it stopped reading.
            }
        });
    }

    private static double bytesReceived() throws Exception {
        return Scrape.metrics(server.metricsPort()).value(BYTES_RECEIVED);
    }

    @Test
    void lengthAboveThePreAuthMaximumIsMessageTooLargeFromTheHeaderAlone() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.sendRaw(header(FrameType.AUTH, PRE_AUTH_MAX + 1));
            ErrorResponse error = client.expectErrorThenClose(ErrorCode.MESSAGE_TOO_LARGE);
            assertEquals("length", error.getDetails());
        }
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.sendRaw(header(FrameType.HEARTBEAT, MAX));
            client.expectErrorThenClose(ErrorCode.MESSAGE_TOO_LARGE);
        }
    }

    @Test
    void authOfExactlyThePreAuthMaximumIsStillChecked() throws Exception {
        byte[] credentials = AuthRequest.newBuilder().setUsername(TestServers.USER).setPassword(TestServers.PASSWORD)
                .build().toByteArray();
        byte[] payload = new byte[PRE_AUTH_MAX];
        System.arraycopy(credentials, 0, payload, 0, credentials.length);
        // Padding as an unknown length-delimited field 15, which AuthRequest parsing skips.
        int padding = PRE_AUTH_MAX - credentials.length - 3;
        payload[credentials.length] = (15 << 3) | 2;
        payload[credentials.length + 1] = (byte) ((padding & 0x7F) | 0x80);
        payload[credentials.length + 2] = (byte) (padding >>> 7);
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.sendRaw(RawClient.frame(FrameType.AUTH.code(), payload));
            assertEquals(FrameType.ACK.code(), client.read().type());
        }
    }

    @Test
    void afterAuthTheNormalMaximumApplies() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.sendRaw(bigHeartbeat(7, MAX));
            assertEquals(7, client.read().as(HeartbeatResponse.class).getSequence());
            client.sendRaw(header(FrameType.HEARTBEAT, MAX + 1));
            client.expectErrorThenClose(ErrorCode.MESSAGE_TOO_LARGE);
        }
    }

    @Test
    void pipelinedSubscribeAndHeartbeatBehindAuthAreServedAfterTheAck() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.sendRaw(concat(auth(TestServers.PASSWORD),
                    RawClient.frame(FrameType.SUBSCRIBE.code(), SubscribeRequest.newBuilder()
                            .setMode(SubscriptionMode.MINUTE).build().toByteArray()),
                    RawClient.frame(FrameType.HEARTBEAT.code(), HeartbeatRequest.newBuilder().setSequence(9).build()
                            .toByteArray())));
            assertEquals(FrameType.ACK.code(), client.read().type(), "the AUTH ACK first");
            assertEquals(FrameType.ACK.code(), client.read().type(), "then the SUBSCRIBE's");
            DataBatch snapshot = client.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            assertEquals(9, client.read().as(HeartbeatResponse.class).getSequence());
        }
    }

    /**
     * Twenty maximal frames behind the AUTH: more than the old per-connection queue of 16 held, so only reading
     * them after the ACK (and decoding them with the normal maximum, not the pre-auth one) serves them all.
     */
    @Test
    void maximalFramesPipelinedBehindAuthAreAllServedInOrderAfterTheAck() throws Exception {
        int frames = 20;
        byte[][] parts = new byte[frames + 1][];
        parts[0] = auth(TestServers.PASSWORD);
        for (int i = 0; i < frames; i++) {
            parts[i + 1] = bigHeartbeat(i, MAX);
        }
        try (RawClient client = RawClient.connectFrom("127.0.0.21", server.tickAddress())) {
            sendInBackground(client, concat(parts));
            assertEquals(FrameType.ACK.code(), client.read().type());
            for (int i = 0; i < frames; i++) {
                assertEquals(i, client.read().as(HeartbeatResponse.class).getSequence());
            }
        }
    }

    /**
     * AUTH (with a wrong password, so reading never resumes) followed by 16 pipelined 64 KiB frames: the server
     * reads the AUTH and at most the rest of that one read (2 KiB: ServerChannelInitializer's receive buffers),
     * processes nothing behind it, and answers INVALID_AUTH. The other megabyte stays in the socket.
     */
    @Test
    void nothingBehindAPendingAuthIsReadOrProcessed() throws Exception {
        int frames = 16;
        byte[][] parts = new byte[frames + 1][];
        parts[0] = auth("not the password");
        for (int i = 0; i < frames; i++) {
            parts[i + 1] = bigHeartbeat(i, MAX);
        }
        byte[] attack = concat(parts);
        double before = bytesReceived();
        try (RawClient client = RawClient.connectFrom("127.0.0.22", server.tickAddress())) {
            sendInBackground(client, attack);
            Received answer = client.read();
            assertEquals(FrameType.ERROR.code(), answer.type(), () -> "no PONG before the answer, got " + answer);
            assertEquals(ErrorCode.INVALID_AUTH, answer.as(ErrorResponse.class).getCode());
            client.expectClosed();
        }
        double read = bytesReceived() - before;
        assertTrue(read <= 64 * 1024 + auth("not the password").length,
                () -> "the server read " + read + " of " + attack.length + " bytes while the AUTH was checked");
    }

    @Test
    void pipelinedFramesBehindAuthOverTlsAreServedAfterTheAck() throws Exception {
        TestPki pki = TestPki.create(pkiDir);
        try (TickServer tls = TestServers.start(Map.of(
                "tick-storm.tls.enabled", true,
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString()));
                RawClient client = RawClient.connectTls(tls.tickAddress(), clientTrusting(pki))) {
            client.sendRaw(concat(auth(TestServers.PASSWORD), bigHeartbeat(1, MAX),
                    RawClient.frame(FrameType.HEARTBEAT.code(), HeartbeatRequest.newBuilder().setSequence(2).build()
                            .toByteArray())));
            assertEquals(FrameType.ACK.code(), client.read().type());
            assertEquals(1, client.read().as(HeartbeatResponse.class).getSequence());
            assertEquals(2, client.read().as(HeartbeatResponse.class).getSequence());
        }
    }

    private static SSLContext clientTrusting(TestPki pki) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("tick-storm-test-ca", pki.ca().certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
