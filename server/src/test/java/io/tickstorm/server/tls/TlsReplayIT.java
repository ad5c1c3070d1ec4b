package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay streamed through TLS (issue 12 item 6): with a small high water mark it takes many rounds, each resumed
 * when the {@code SslHandler} completes the write that filled the channel; a stalled TLS replay holds no more than
 * its budget, counting the plaintext queued in the TLS handler.
 */
class TlsReplayIT {

    private static final long BUDGET_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    private static SSLContext clientContext(TestPki pki) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    @Test
    void aReplayOverTlsArrivesWholeInManyRoundsAndAStalledOneStaysInItsBudget() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.tls.enabled", true,
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString(),
                "tick-storm.write.outbound-budget", BUDGET_BYTES,
                "tick-storm.max-payload-bytes", "16KiB",
                "tick-storm.write.high-water-mark", "16KiB",
                "tick-storm.write.deadline", "30s"))) {
            SSLContext context = clientContext(pki);
            long startMs = server.feed().history().oldestRetainedMs(BarMode.SECOND);
            SubscribeRequest replay = SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                    .setStartTimeMs(startMs).build();
            try (RawClient stalled = RawClient.connectTls(server.tickAddress(), context);
                    RawClient reader = RawClient.connectTls(server.tickAddress(), context)) {
                stalled.authenticate();
                stalled.socket().setReceiveBufferSize(4096);
                stalled.subscribe(replay);
                reader.authenticate();
                reader.subscribe(replay);
                assertEquals(FrameType.ACK.code(), reader.read().type());
                long expected = startMs / 1000;
                long maxPendingBytes = 0;
                int live = 0;
                while (live < 2) {
                    DataBatch batch = reader.read().batch();
                    assertEquals(expected++, Integer.toUnsignedLong(batch.getBatchSequence()), "every bar once");
                    if (!batch.getIsSnapshot()) {
                        live++;
                    }
                    maxPendingBytes = Math.max(maxPendingBytes, server.pendingOutboundBytes());
                }
                assertTrue(expected - startMs / 1000 > 100, "the whole two minutes of history");
                assertTrue(maxPendingBytes <= 2 * BUDGET_BYTES, "at most the budgets, saw " + maxPendingBytes);
                assertEquals(2, server.connections(), "the stalled replay is still connected");
            }
        }
    }
}
