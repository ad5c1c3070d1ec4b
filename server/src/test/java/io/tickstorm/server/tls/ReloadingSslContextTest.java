package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ReloadingSslContextTest {

    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static TestPki.Identity rotated;
    static ScheduledExecutorService scheduler;

    @TempDir
    Path live;

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(pkiDir);
        rotated = pki.issueServer("rotated");
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopScheduler() {
        scheduler.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void newHandshakesPresentTheRotatedCertificateWhileOpenConnectionsContinue(String provider) throws Exception {
        install(pki.server(), live);
        try (ReloadingSslContext tls = open(provider, live, "reload-interval = 0");
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT));
                TlsTestPeers.Connection before = peers.connect(client())) {
            assertTrue(before.handshake());
            assertEquals(pki.server().certificate(), before.serverCertificate());

            install(rotated, live);
            assertTrue(tls.reloadIfChanged());
            assertEquals(1, tls.reloads());
            assertEquals(rotated.certificate(), tls.identity().leaf());

            try (TlsTestPeers.Connection after = peers.connect(client())) {
                assertTrue(after.handshake());
                assertEquals(rotated.certificate(), after.serverCertificate());
                assertEquals("new", after.echo("new"));
            }
            assertEquals("still here", before.echo("still here"));
        }
    }

    @Test
    void unchangedFilesAreNotReloaded() throws Exception {
        install(pki.server(), live);
        try (ReloadingSslContext tls = open("auto", live, "reload-interval = 0")) {
            SslContext first = tls.current();
            // Rewriting identical bytes changes the mtime but not the content.
            install(pki.server(), live);
            assertFalse(tls.reloadIfChanged());
            assertSame(first, tls.current());
            assertEquals(0, tls.reloads());
            assertEquals(0, tls.reloadFailures());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void failedReloadKeepsTheOldContextAndRetries(String provider) throws Exception {
        install(pki.server(), live);
        try (ReloadingSslContext tls = open(provider, live, "reload-interval = 0");
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT))) {
            SslContext original = tls.current();

            // Caught between the two writes of a rotation: new certificate, old key.
            Files.copy(rotated.certFile(), live.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
            assertFalse(tls.reloadIfChanged());
            assertFalse(tls.reloadIfChanged(), "retried, still failing");
            assertEquals(1, tls.reloadFailures(), "one failing version counts once");
            assertSame(original, tls.current());

            // A half-written key file.
            String key = Files.readString(rotated.keyFile(), StandardCharsets.US_ASCII);
            Files.writeString(live.resolve("tls.key"), key.substring(0, key.length() / 2), StandardCharsets.US_ASCII);
            assertFalse(tls.reloadIfChanged());
            assertEquals(2, tls.reloadFailures());
            assertSame(original, tls.current());

            try (TlsTestPeers.Connection connection = peers.connect(client())) {
                assertTrue(connection.handshake());
                assertEquals(pki.server().certificate(), connection.serverCertificate());
            }

            // The rotation completes: the next check picks it up.
            install(rotated, live);
            assertTrue(tls.reloadIfChanged());
            assertEquals(1, tls.reloads());
            try (TlsTestPeers.Connection connection = peers.connect(client())) {
                assertTrue(connection.handshake());
                assertEquals(rotated.certificate(), connection.serverCertificate());
            }
        }
    }

    @Test
    void missingFileFailsReloadWithoutLosingTheContext() throws Exception {
        install(pki.server(), live);
        try (ReloadingSslContext tls = open("auto", live, "reload-interval = 0")) {
            SslContext original = tls.current();
            Files.delete(live.resolve("tls.key"));
            assertFalse(tls.reloadIfChanged());
            assertEquals(1, tls.reloadFailures());
            assertSame(original, tls.current());
        }
    }

    @Test
    void followsAKubernetesSecretSymlinkSwap() throws Exception {
        // A mounted Secret: tls.crt -> ..data/tls.crt, ..data -> ..2026_12_01_v1, swapped atomically on update.
        Path v1 = Files.createDirectory(live.resolve("..2026_12_01_v1"));
        install(pki.server(), v1);
        Files.createSymbolicLink(live.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(live.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        Files.createSymbolicLink(live.resolve("tls.key"), Path.of("..data", "tls.key"));
        try (ReloadingSslContext tls = open("auto", live, "reload-interval = 0")) {
            assertEquals(pki.server().certificate(), tls.identity().leaf());

            Path v2 = Files.createDirectory(live.resolve("..2026_12_01_v2"));
            install(rotated, v2);
            Path next = Files.createSymbolicLink(live.resolve("..data_tmp"), v2.getFileName());
            Files.move(next, live.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

            assertTrue(tls.reloadIfChanged());
            assertEquals(rotated.certificate(), tls.identity().leaf());
        }
    }

    @Test
    void scheduledCheckPicksUpChangedFiles() throws Exception {
        install(pki.server(), live);
        try (ReloadingSslContext tls = open("auto", live, "reload-interval = 20ms")) {
            install(rotated, live);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TlsTestPeers.TIMEOUT_SECONDS);
            while (tls.reloads() == 0 && deadline - System.nanoTime() > 0) {
                Thread.sleep(10);
            }
            assertEquals(1, tls.reloads());
            assertEquals(rotated.certificate(), tls.identity().leaf());
        }
    }

    @Test
    void reloadsTheClientCaBundle() throws Exception {
        install(pki.server(), live);
        Path ca = live.resolve("ca.crt");
        Files.copy(pki.ca().certFile(), ca);
        try (ReloadingSslContext tls = open("auto", live,
                "reload-interval = 0\nclient-auth = require\nclient-ca-file = \"" + ca + "\"")) {
            Files.copy(pki.caBundle(), ca, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(tls.reloadIfChanged());
        }
    }

    @Test
    void failsToOpenWithAMismatchedKeyNamingTheKeys() throws Exception {
        Files.copy(pki.server().certFile(), live.resolve("tls.crt"));
        Files.copy(rotated.keyFile(), live.resolve("tls.key"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open("auto", live, "reload-interval = 0"));
        assertTrue(e.getMessage().contains("tick-storm.tls.key-file"), e.getMessage());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void failsToOpenWithoutTheFilesNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open("auto", live, "reload-interval = 0"));
        assertTrue(e.getMessage().contains("tick-storm.tls.cert-file"), e.getMessage());
    }

    private static ReloadingSslContext open(String provider, Path dir, String extra) {
        return ReloadingSslContext.open(
                TlsTestConfigs.server(provider, dir.resolve("tls.crt"), dir.resolve("tls.key"), extra), scheduler);
    }

    private static SslContext client() throws Exception {
        return TlsTestConfigs.client(SslProvider.JDK, pki.ca().certFile());
    }

    /** Writes identity's files as tls.crt/tls.key in dir, each replaced whole. */
    private static void install(TestPki.Identity identity, Path dir) throws Exception {
        Files.copy(identity.certFile(), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(identity.keyFile(), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    }
}
