package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.admission.LogCapture;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS as an attacker uses it (issue 12 items 9 and 12): client-initiated renegotiation with the JDK provider and TLS
 * 1.2 is refused, TLS 1.3's post-handshake key update is not mistaken for it, and rejected client certificates are
 * logged.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsAttacksIT {

    @TempDir
    Path dir;

    @Test
    void jdkProviderRefusesAClientRenegotiationOverTls12() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = server(pki, "jdk", Map.of());
                LogCapture log = LogCapture.on(RenegotiationGuard.class.getName());
                RawClient client = RawClient.connectTls(server.tickAddress(), clientContext(pki, "TLSv1.2", null))) {
            SSLSocket socket = (SSLSocket) client.socket();
            client.authenticate();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            client.heartbeat(1);
            assertEquals(FrameType.PONG.code(), client.read().type(), "TLS 1.2 traffic passes the guard");

            assertThrows(IOException.class, () -> {
                socket.startHandshake();
                client.heartbeat(2);
                client.read();
            }, "the renegotiation must end the connection");
            assertTrue(log.events().stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().startsWith("TLS renegotiation requested by")), "logged");
        }
    }

    @Test
    void tls13KeyUpdateIsNotARenegotiation() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = server(pki, "jdk", Map.of());
                RawClient client = RawClient.connectTls(server.tickAddress(), clientContext(pki, "TLSv1.3", null))) {
            SSLSocket socket = (SSLSocket) client.socket();
            client.authenticate();
            assertEquals("TLSv1.3", socket.getSession().getProtocol());

            // On TLS 1.3 the JDK sends a KeyUpdate, a post-handshake message inside an application-data record.
            socket.startHandshake();
            client.heartbeat(7);
            assertEquals(FrameType.PONG.code(), client.read().type());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "openssl"})
    void rejectedClientCertificatesAreLoggedWithThePeer(String provider) throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer server = server(pki, provider, Map.of("tick-storm.tls.client-auth", "require",
                "tick-storm.tls.client-ca-file", pki.ca().certFile().toString()));
                LogCapture log = LogCapture.on(TlsHandshakeHandler.class.getName())) {
            for (KeyManager[] keys : List.of(new KeyManager[0],
                    new KeyManager[] {new PresentingKeyManager(pki.rogueClient())})) {
                assertThrows(IOException.class, () -> {
                    try (RawClient rejected = RawClient.connectTls(server.tickAddress(),
                            clientContext(pki, "TLSv1.3", keys))) {
                        rejected.authenticate();
                    }
                });
            }
            try (RawClient trusted = RawClient.connectTls(server.tickAddress(),
                    clientContext(pki, "TLSv1.3", new KeyManager[] {new PresentingKeyManager(pki.client())}))) {
                trusted.authenticate();
            }

            List<String> warnings = awaitWarnings(log, 2);
            assertEquals(2, warnings.size(), warnings::toString);
            for (String warning : warnings) {
                assertTrue(warning.startsWith("TLS client certificate from /127.0.0.1:"), warning);
            }
        }
    }

    private static List<String> awaitWarnings(LogCapture log, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> warnings;
        do {
            warnings = log.events().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            if (warnings.size() >= count) {
                return warnings;
            }
            Thread.sleep(20);
        } while (System.nanoTime() - deadline < 0);
        return warnings;
    }

    private TickServer server(TestPki pki, String provider, Map<String, Object> extra) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "tick-storm.tls.enabled", true,
                "tick-storm.tls.provider", provider,
                "tick-storm.tls.min-version", "TLSv1.2",
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString()));
        settings.putAll(extra);
        return TestServers.start(settings);
    }

    private static SSLContext clientContext(TestPki pki, String protocol, KeyManager[] keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(keys, trustManagers.getTrustManagers(), null);
        return context;
    }
}
