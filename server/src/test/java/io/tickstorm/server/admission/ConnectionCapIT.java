package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import io.tickstorm.server.tls.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global connection cap ({@code MAX_CONNECTIONS}) over real sockets (PROTOCOL.md §5.9): one past the cap is
 * refused, SERVER_OVERLOADED over plain TCP and a close before the handshake with TLS, the refusal is counted, and a
 * freed slot admits the next connection.
 */
class ConnectionCapIT {

    private static final int CAP = 50;
    private static final String CAP_REFUSALS = "tick_storm_connections_rejected_total{reason=\"connection_cap\",}";
    private static final String ACTIVE = "tick_storm_active_connections";
    private static final String HANDSHAKE_FAILURES = "tick_storm_tls_handshakes_total{result=\"failure\",}";

    @TempDir
    Path pkiDir;

    @Test
    void plainConnectionPastTheCapIsOverloadedAndAFreedSlotAdmitsTheNext() throws Exception {
        try (TickServer server = TestServers.start(Map.of("tick-storm.limits.max-connections", CAP));
                OpenConnections<RawClient> clients = new OpenConnections<>()) {
            assertEquals(CAP, server.limits().connectionCap());
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            double refusedBefore = scraper.value(CAP_REFUSALS);
            for (int i = 0; i < CAP; i++) {
                clients.add(RawClient.connect(server.tickAddress())).authenticate();
            }
            assertEquals(CAP, scraper.value(ACTIVE));

            try (RawClient refused = RawClient.connect(server.tickAddress())) {
                ErrorResponse error = refused.expectErrorThenClose(ErrorCode.SERVER_OVERLOADED);
                assertTrue(error.getDetails().contains("connection cap " + CAP), error::getDetails);
            }
            assertEquals(refusedBefore + 1, scraper.value(CAP_REFUSALS));
            assertEquals(CAP, scraper.value(ACTIVE));

            clients.closeOldest();
            scraper.await(ACTIVE, CAP - 1);
            clients.add(RawClient.connect(server.tickAddress())).authenticate();
            assertEquals(CAP, scraper.value(ACTIVE));
            assertEquals(refusedBefore + 1, scraper.value(CAP_REFUSALS));
        }
    }

    @Test
    void tlsConnectionPastTheCapIsClosedBeforeTheHandshakeAndAFreedSlotAdmitsTheNext() throws Exception {
        TestPki pki = TestPki.create(pkiDir);
        SSLContext trustingCa = clientTrusting(pki);
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.limits.max-connections", CAP,
                "tick-storm.tls.enabled", true,
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString()));
                OpenConnections<RawClient> clients = new OpenConnections<>()) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            double refusedBefore = scraper.value(CAP_REFUSALS);
            for (int i = 0; i < CAP; i++) {
                clients.add(RawClient.connectTls(server.tickAddress(), trustingCa)).authenticate();
            }
            assertEquals(CAP, scraper.value(ACTIVE));
            double handshakeFailuresBefore = scraper.value(HANDSHAKE_FAILURES);

            try (RawClient refused = RawClient.connectTls(server.tickAddress(), trustingCa)) {
                assertHandshakeFailsOnClose((SSLSocket) refused.socket());
            }
            assertEquals(refusedBefore + 1, scraper.value(CAP_REFUSALS));
            assertNothingSentBeforeClose(server.tickAddress());
            assertEquals(refusedBefore + 2, scraper.value(CAP_REFUSALS));
            assertEquals(handshakeFailuresBefore, scraper.value(HANDSHAKE_FAILURES), "no handshake was begun");
            assertEquals(CAP, scraper.value(ACTIVE));

            clients.closeOldest();
            scraper.await(ACTIVE, CAP - 1);
            clients.add(RawClient.connectTls(server.tickAddress(), trustingCa)).authenticate();
            assertEquals(CAP, scraper.value(ACTIVE));
            assertEquals(refusedBefore + 2, scraper.value(CAP_REFUSALS));
        }
    }

    /** The server closes without answering the ClientHello: the handshake ends in EOF or a reset, not a timeout. */
    private static void assertHandshakeFailsOnClose(SSLSocket socket) {
        try {
            socket.startHandshake();
            throw new AssertionError("handshake succeeded on a connection past the cap");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server neither handshook nor closed", e);
        } catch (IOException closed) {
            // SSLHandshakeException (remote host terminated the handshake) or SocketException (reset): refused.
        }
    }

    /** A bare TCP peer on the TLS port: not one byte (no ERROR frame, no TLS alert) before the close. */
    private static void assertNothingSentBeforeClose(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(RawClient.READ_TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), RawClient.READ_TIMEOUT_MS);
            InputStream in = socket.getInputStream();
            try {
                assertEquals(-1, in.read(), "a refused TLS connection is closed with nothing written");
            } catch (SocketException reset) {
                // A reset carries no bytes either.
            }
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
