package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.tickstorm.protocol.proto.MessageType;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickClientTlsTest {

    private static final String SERVER_NAME = "tick-storm.test";

    private final TestCertificate serverCertificate = TestCertificate.selfSigned(SERVER_NAME);
    private final RecordingListener listener = new RecordingListener();

    @TempDir
    Path dir;

    private SslContext serverContext(TestCertificate trustedClient) throws SSLException {
        SslContextBuilder builder = SslContextBuilder
                .forServer(serverCertificate.key(), serverCertificate.certificate())
                .protocols("TLSv1.3");
        if (trustedClient != null) {
            builder.clientAuth(ClientAuth.REQUIRE).trustManager(trustedClient.certificate());
        }
        return builder.build();
    }

    private TickClientOptions.Builder options(FakeTickServer server) {
        return TickClientOptions.builder()
                .port(server.port())
                .tls(true)
                .heartbeatInterval(Duration.ZERO)
                .credentials(FakeTickServer.USER, FakeTickServer.PASSWORD);
    }

    @Test
    void trustsAServerCertificateFromTheCaFileAndVerifiesItsName() throws Exception {
        Path caFile = serverCertificate.writeCertificate(dir.resolve("ca.pem"));
        try (FakeTickServer server = new FakeTickServer(serverContext(null));
                TickClient client = new TickClient(options(server).trustCaFile(caFile).serverName(SERVER_NAME)
                        .build(), listener)) {
            assertEquals(MessageType.AUTH, client.connectAndAuthenticate().getAckType());
        }
    }

    @Test
    void rejectsACertificateIssuedForAnotherName() throws Exception {
        Path caFile = serverCertificate.writeCertificate(dir.resolve("ca.pem"));
        try (FakeTickServer server = new FakeTickServer(serverContext(null));
                TickClient client = new TickClient(options(server).trustCaFile(caFile).build(), listener)) {
            TickClientException failure = assertThrows(TickClientException.class, client::connect);
            assertTrue(failure.getMessage().startsWith("TLS handshake with 127.0.0.1:"), failure.getMessage());
            assertFalse(failure.fromServer());
            assertTrue(listener.awaitClosed().isPresent(), "the failed handshake is the close cause");
        }
    }

    @Test
    void rejectsACertificateFromAnUntrustedIssuer() throws Exception {
        Path otherCa = TestCertificate.selfSigned(SERVER_NAME).writeCertificate(dir.resolve("other.pem"));
        try (FakeTickServer server = new FakeTickServer(serverContext(null));
                TickClient client = new TickClient(options(server).trustCaFile(otherCa).serverName(SERVER_NAME)
                        .build(), listener)) {
            assertThrows(TickClientException.class, client::connect);
            assertTrue(listener.awaitClosed().isPresent(), "the failed handshake is the close cause");
        }
    }

    @Test
    void insecureTrustAcceptsAnyCertificateForAnyName() throws Exception {
        try (FakeTickServer server = new FakeTickServer(serverContext(null));
                TickClient client = new TickClient(options(server).trustInsecure().build(), listener)) {
            assertEquals(MessageType.AUTH, client.connectAndAuthenticate().getAckType());
        }
    }

    @Test
    void presentsAClientCertificateWithAPkcs1KeyForMutualTls() throws Exception {
        TestCertificate clientCertificate = TestCertificate.selfSignedRsa("client.test");
        Path caFile = serverCertificate.writeCertificate(dir.resolve("ca.pem"));
        Path certFile = clientCertificate.writeCertificate(dir.resolve("client.pem"));
        Path keyFile = clientCertificate.writeKey(dir.resolve("client.key"));
        try (FakeTickServer server = new FakeTickServer(serverContext(clientCertificate));
                TickClient client = new TickClient(options(server).trustCaFile(caFile).serverName(SERVER_NAME)
                        .clientCertificate(certFile, keyFile).build(), listener)) {
            assertEquals(MessageType.AUTH, client.connectAndAuthenticate().getAckType());
        }
    }

    @Test
    void serverRequiringAClientCertificateRefusesAClientWithout() throws Exception {
        Path caFile = serverCertificate.writeCertificate(dir.resolve("ca.pem"));
        try (FakeTickServer server = new FakeTickServer(serverContext(TestCertificate.selfSigned("client.test")));
                TickClient client = new TickClient(options(server).trustCaFile(caFile).serverName(SERVER_NAME)
                        .build(), listener)) {
            // TLS 1.3 finishes the client's side of the handshake before the server checks its certificate.
            assertThrows(TickClientException.class, () -> {
                client.connect();
                client.authenticate();
            });
        }
    }

    @Test
    void offersTls13AndVerifiesHostNames() throws Exception {
        Path caFile = serverCertificate.writeCertificate(dir.resolve("ca.pem"));
        TickClientOptions options = TickClientOptions.builder().trustCaFile(caFile).build();
        SslContext context = ClientSslContextFactory.create(options);
        SslHandler handler = context.newHandler(ByteBufAllocator.DEFAULT, SERVER_NAME, 443);
        try {
            assertEquals("TLSv1.3", handler.engine().getEnabledProtocols()[0]);
            assertEquals("HTTPS", handler.engine().getSSLParameters().getEndpointIdentificationAlgorithm());
        } finally {
            ReferenceCountUtil.release(handler.engine());
        }
    }

    @Test
    void unreadableCaFileIsATickClientException() {
        TickClientOptions options = TickClientOptions.builder().trustCaFile(dir.resolve("missing.pem")).build();
        TickClientException failure = assertThrows(TickClientException.class,
                () -> ClientSslContextFactory.create(options));
        assertTrue(failure.getMessage().startsWith("TLS setup failed"), failure.getMessage());
    }
}
