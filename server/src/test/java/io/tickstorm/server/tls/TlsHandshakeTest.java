package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Real handshakes on 127.0.0.1 against a server built from {@link ReloadingSslContext}. */
@Timeout(60)
class TlsHandshakeTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static ScheduledExecutorService scheduler;

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(dir);
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdownNow();
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @CsvSource({"openssl, OPENSSL", "openssl, JDK", "jdk, OPENSSL", "jdk, JDK"})
    void negotiatesTls13WithEitherProviderOnEitherSide(String serverProvider, SslProvider clientProvider)
            throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(), "");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                TlsTestPeers.Connection connection = peers.connect(TlsTestConfigs.client(clientProvider,
                        pki.ca().certFile()))) {
            assertEquals(serverProvider.equals("openssl") ? SslProvider.OPENSSL : SslProvider.JDK, tls.provider());
            assertTrue(connection.handshake());
            assertEquals("TLSv1.3", connection.session().getProtocol());
            assertEquals("ping", connection.echo("ping"));
            assertEquals(pki.server().certificate(), connection.serverCertificate());
            assertEquals("success", peers.nextServerOutcome());
        }
    }

    @Test
    void boringSslHandshakesThroughItsSmallBufferForWritesDuringReads() throws Exception {
        TlsConfig config = TlsTestConfigs.server("openssl", pki.server().certFile(), pki.server().keyFile(), "");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                TlsTestPeers.Connection connection = peers.connect(TlsTestConfigs.client(SslProvider.OPENSSL,
                        pki.ca().certFile()))) {
            assertEquals(ServerSslContextFactory.NON_APPLICATION_BUFFER_BYTES,
                    ((ReferenceCountedOpenSslContext) tls.current()).getBioNonApplicationBufferSize());
            // The server's flight (its certificate alone) does not fit the buffer: it has to go out in parts.
            assertTrue(pki.server().certificate().getEncoded().length
                    > ServerSslContextFactory.NON_APPLICATION_BUFFER_BYTES);
            assertTrue(connection.handshake());
            assertEquals("ping", connection.echo("ping"));
            assertEquals("success", peers.nextServerOutcome());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void refusesTls12ClientByDefault(String serverProvider) throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(), "");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                TlsTestPeers.Connection connection = peers.connect(
                        TlsTestConfigs.clientOnly(SslProvider.JDK, pki.ca().certFile(), "TLSv1.2"))) {
            assertEquals(false, connection.handshake());
            assertEquals("failure", peers.nextServerOutcome());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void acceptsTls12ClientWhenMinimumLowered(String serverProvider) throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(),
                "min-version = TLSv1.2");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                TlsTestPeers.Connection tls12 = peers.connect(
                        TlsTestConfigs.clientOnly(SslProvider.JDK, pki.ca().certFile(), "TLSv1.2"));
                TlsTestPeers.Connection tls13 = peers.connect(
                        TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile()))) {
            assertTrue(tls12.handshake());
            assertEquals("TLSv1.2", tls12.session().getProtocol());
            assertEquals("ping", tls12.echo("ping"));
            assertTrue(tls13.handshake());
            assertEquals("TLSv1.3", tls13.session().getProtocol(), "1.3 is still preferred");
        }
    }

    @ParameterizedTest(name = "{0} key on {1}")
    @CsvSource({"pkcs8, openssl", "pkcs8, jdk", "pkcs1, openssl", "pkcs1, jdk", "ec, openssl", "ec, jdk"})
    void servesEveryPemKeyFormatOnEitherProvider(String format, String serverProvider) throws Exception {
        Path cert = format.equals("ec") ? pki.serverEc().certFile() : pki.server().certFile();
        Path key = switch (format) {
            case "pkcs8" -> pki.server().keyFile();
            case "pkcs1" -> pki.serverKeyPkcs1();
            default -> pki.serverEc().keyFile();
        };
        TlsConfig config = TlsTestConfigs.server(serverProvider, cert, key, "");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                TlsTestPeers.Connection connection = peers.connect(
                        TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile()))) {
            assertTrue(connection.handshake());
            assertEquals("ping", connection.echo("ping"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void requiredClientCertificateMustBeSignedByATrustedCa(String serverProvider) throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(),
                "client-auth = require\nclient-ca-file = \"" + pki.caBundle() + "\"");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(
                        ByteBufAllocator.DEFAULT))) {
            try (TlsTestPeers.Connection trusted = peers.connect(
                    TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile(), pki.client()))) {
                assertTrue(trusted.handshake());
                assertEquals("ping", trusted.echo("ping"));
                assertEquals("success", peers.nextServerOutcome());
            }
            assertRejected(peers, TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile()));
            assertRejected(peers, TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile(), pki.rogueClient()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void optionalClientCertificateAdmitsClientsWithoutOneButNotWithARogueOne(String serverProvider)
            throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(),
                "client-auth = optional\nclient-ca-file = \"" + pki.ca().certFile() + "\"");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(
                        ByteBufAllocator.DEFAULT))) {
            for (SslContext client : new SslContext[] {
                TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile()),
                TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile(), pki.client()),
            }) {
                try (TlsTestPeers.Connection connection = peers.connect(client)) {
                    assertTrue(connection.handshake());
                    assertEquals("ping", connection.echo("ping"));
                    assertEquals("success", peers.nextServerOutcome());
                }
            }
            assertRejected(peers, TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile(), pki.rogueClient()));
        }
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @CsvSource({"openssl, OPENSSL", "openssl, JDK", "jdk, OPENSSL", "jdk, JDK"})
    void reconnectingClientResumesItsSession(String serverProvider, SslProvider clientProvider) throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(), "");
        SslContext client = TlsTestConfigs.client(clientProvider, pki.ca().certFile());
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(
                        ByteBufAllocator.DEFAULT))) {
            try (TlsTestPeers.Connection first = peers.connect(client)) {
                assertTrue(first.handshake());
                // The TLS 1.3 ticket arrives after the handshake: one round trip makes sure the client has it.
                assertEquals("ping", first.echo("ping"));
            }
            assertEquals("success", peers.nextServerOutcome());
            try (TlsTestPeers.Connection second = peers.connect(client)) {
                assertTrue(second.handshake());
                assertEquals("ping", second.echo("ping"));
            }
            // The server's view is the reliable one (a client-side creation time can differ by a millisecond).
            assertEquals("resumed", peers.nextServerOutcome(), "the reconnecting client resumed its session");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void closesConnectionThatNeverCompletesTheHandshake(String serverProvider) throws Exception {
        TlsConfig config = TlsTestConfigs.server(serverProvider, pki.server().certFile(), pki.server().keyFile(),
                "handshake-timeout = 200ms");
        try (ReloadingSslContext tls = ReloadingSslContext.open(config, scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                Socket silent = new Socket("127.0.0.1", peers.port())) {
            silent.setSoTimeout((int) (TlsTestPeers.TIMEOUT_SECONDS * 1000));
            InputStream in = silent.getInputStream();
            // Whatever the server sends (an alert, or nothing), the stream ends because it closed the socket.
            while (in.read() != -1) {
                continue;
            }
            assertEquals("failure", peers.nextServerOutcome());
        }
    }

    @Test
    void rejectsOpenWhenTlsIsDisabled() {
        TlsConfig config = TlsTestConfigs.tls("enabled = false");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReloadingSslContext.open(config, scheduler));
        assertTrue(e.getMessage().contains("tick-storm.tls.enabled"));
    }

    private static void assertRejected(TlsTestPeers peers, SslContext client) throws Exception {
        try (TlsTestPeers.Connection connection = peers.connect(client)) {
            // TLS 1.3 clients finish their side before the server checks the certificate: the refusal then
            // arrives as an alert in place of the first reply.
            connection.handshake();
            assertNull(connection.echo("ping"));
            assertEquals("failure", peers.nextServerOutcome());
        }
    }
}
