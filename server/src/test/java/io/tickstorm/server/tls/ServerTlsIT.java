package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.client.TickClient;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.client.TickListener;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real TLS: TLS 1.3, mTLS accept and reject, certificate rotation, the client library. */
class ServerTlsIT {

    @TempDir
    Path dir;

    private static SSLContext clientContext(TestPki pki, KeyManager[] keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trustManagers.getTrustManagers(), null);
        return context;
    }

    private Path copy(Path source, String name) throws IOException {
        return Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private TickServer tlsServer(TestPki pki, Map<String, Object> extra) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of(
                "tick-storm.tls.enabled", true,
                "tick-storm.tls.cert-file", copy(pki.server().certFile(), "tls.crt").toString(),
                "tick-storm.tls.key-file", copy(pki.server().keyFile(), "tls.key").toString()));
        settings.putAll(extra);
        return TestServers.start(settings);
    }

    @Test
    void negotiatesTls13AndSpeaksTheProtocol() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = tlsServer(pki, Map.of());
                RawClient client = RawClient.connectTls(server.tickAddress(), clientContext(pki, null))) {
            client.authenticate();
            assertEquals("TLSv1.3", ((SSLSocket) client.socket()).getSession().getProtocol());
        }
    }

    @Test
    void theJavaClientTrustsTheCaFileAndReceivesBatches() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        BlockingQueue<DataBatch> batches = new ArrayBlockingQueue<>(100);
        try (TickServer server = tlsServer(pki, Map.of())) {
            TickClientOptions options = TickClientOptions.builder().host("127.0.0.1")
                    .port(server.tickAddress().getPort()).tls(true).trustCaFile(pki.ca().certFile())
                    .serverName("localhost").credentials(TestServers.USER, TestServers.PASSWORD).build();
            try (TickClient client = new TickClient(options, new TickListener() {
                @Override
                public void onBatch(DataBatch batch) {
                    batches.offer(batch);
                }
            })) {
                client.connectAndAuthenticate();
                client.subscribe(SubscriptionMode.SECOND, List.of("AAPL"), 0);
                assertTrue(batches.poll(10, TimeUnit.SECONDS).getIsSnapshot());
                assertEquals(1, batches.poll(10, TimeUnit.SECONDS).getTicksCount());
            }
        }
    }

    @Test
    void requiredClientCertificatesAdmitCaSignedClientsAndRejectOthers() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = tlsServer(pki, Map.of("tick-storm.tls.client-auth", "require",
                "tick-storm.tls.client-ca-file", pki.ca().certFile().toString()))) {
            try (RawClient trusted = RawClient.connectTls(server.tickAddress(),
                    clientContext(pki, new KeyManager[] {new PresentingKeyManager(pki.client())}))) {
                trusted.authenticate();
            }
            for (KeyManager[] keys : List.of(new KeyManager[0],
                    new KeyManager[] {new PresentingKeyManager(pki.rogueClient())})) {
                assertThrows(IOException.class, () -> {
                    try (RawClient rejected = RawClient.connectTls(server.tickAddress(), clientContext(pki, keys))) {
                        rejected.authenticate();
                    }
                });
            }
        }
    }

    @Test
    void rotatedCertificateFilesServeNewHandshakesWhileOpenConnectionsKeepGoing() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = tlsServer(pki, Map.of("tick-storm.tls.reload-interval", "100ms"));
                RawClient old = RawClient.connectTls(server.tickAddress(), clientContext(pki, null))) {
            old.authenticate();
            X509Certificate before = presented(server, pki);
            TestPki.Identity rotated = pki.issueServer("localhost");
            Path key = dir.resolve("tls.key.new");
            Files.copy(rotated.keyFile(), key);
            Path cert = dir.resolve("tls.crt.new");
            Files.copy(rotated.certFile(), cert);
            Files.move(key, dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(cert, dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            X509Certificate after = before;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (after.getSerialNumber().equals(before.getSerialNumber()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = presented(server, pki);
            }
            assertEquals(rotated.certificate().getSerialNumber(), after.getSerialNumber());
            old.heartbeat(1);
            assertEquals(FrameType.PONG.code(), old.read().type(), "the old connection keeps working");
        }
    }

    private static X509Certificate presented(TickServer server, TestPki pki) throws Exception {
        try (RawClient probe = RawClient.connectTls(server.tickAddress(), clientContext(pki, null))) {
            SSLSocket socket = (SSLSocket) probe.socket();
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void theEmbeddedDefaultPresentsItsGeneratedCertificate() throws Exception {
        try (TickServer server = TestServers.start(Map.of("tick-storm.tls.enabled", true))) {
            X509Certificate generated = server.generatedCertificate().orElseThrow().certificate();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("generated", generated);
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            try (RawClient client = RawClient.connectTls(server.tickAddress(), context)) {
                client.authenticate();
            }
        }
    }
}
