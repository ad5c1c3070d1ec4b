package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class GeneratedCertificateTest {

    @TempDir
    Path dir;

    @Test
    void certifiesLocalhostByNameAndLoopbackAddress() throws Exception {
        X509Certificate certificate = GeneratedCertificate.generate(Instant.now()).certificate();
        assertEquals("CN=localhost", certificate.getSubjectX500Principal().getName());
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
        Set<String> names = new HashSet<>();
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
            names.add(String.valueOf(name.get(1)));
        }
        assertTrue(names.contains("localhost"), names::toString);
        assertTrue(names.contains("127.0.0.1"), names::toString);
        assertTrue(names.stream().anyMatch(name -> name.equals("0:0:0:0:0:0:0:1") || name.equals("::1")),
                names::toString);
        certificate.checkValidity();
    }

    @Test
    void fingerprintIsSha256OfTheDerCertificate() throws Exception {
        GeneratedCertificate generated = GeneratedCertificate.generate(Instant.now());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(generated.certificate().getEncoded());
        assertEquals(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest), generated.sha256Fingerprint());
        assertEquals(32 * 3 - 1, generated.sha256Fingerprint().length());
    }

    @Test
    void writesOnlyTheCertificateAsPem() throws Exception {
        GeneratedCertificate generated = GeneratedCertificate.generate(Instant.now());
        Path file = generated.writeCertificate(dir);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertEquals(generated.certificatePem(), text);
        assertTrue(text.startsWith("-----BEGIN CERTIFICATE-----"));
        assertFalse(text.contains("PRIVATE KEY"));
        assertEquals(List.of(generated.certificate()), PemReader.certificates(text.getBytes(StandardCharsets.US_ASCII),
                file.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void servesTheGeneratedCertificateToAClientTrustingItsFile(String provider) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (ReloadingSslContext tls = ReloadingSslContext.open(TlsTestConfigs.tls("provider = " + provider),
                        scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT))) {
            GeneratedCertificate generated = tls.generatedCertificate().orElseThrow();
            Path caFile = generated.writeCertificate(dir);
            // The client verifies the host name "localhost" against the SANs.
            try (TlsTestPeers.Connection connection = peers.connect(
                    TlsTestConfigs.client(SslProvider.JDK, caFile))) {
                assertTrue(connection.handshake());
                assertEquals(generated.certificate(), connection.serverCertificate());
                assertEquals("ping", connection.echo("ping"));
            }
            assertFalse(tls.reloadIfChanged(), "nothing to reload");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void generatedCertificateCombinesWithRequiredClientCertificates() throws Exception {
        TestPki pki = TestPki.create(dir);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (ReloadingSslContext tls = ReloadingSslContext.open(TlsTestConfigs.tls(
                        "client-auth = require\nclient-ca-file = \"" + pki.ca().certFile() + "\""), scheduler);
                TlsTestPeers peers = new TlsTestPeers(() -> tls.newHandler(ByteBufAllocator.DEFAULT))) {
            Path caFile = tls.generatedCertificate().orElseThrow().writeCertificate(dir);
            try (TlsTestPeers.Connection trusted = peers.connect(
                    TlsTestConfigs.client(SslProvider.JDK, caFile, pki.client()))) {
                assertTrue(trusted.handshake());
                assertEquals("ping", trusted.echo("ping"));
            }
            try (TlsTestPeers.Connection anonymous = peers.connect(TlsTestConfigs.client(SslProvider.JDK, caFile))) {
                anonymous.handshake();
                assertNull(anonymous.echo("ping"));
            }
            // Only the CA file is watched: replacing it reloads, the generated certificate stays.
            Files.copy(pki.caBundle(), pki.ca().certFile(), StandardCopyOption.REPLACE_EXISTING);
            X509Certificate before = tls.identity().leaf();
            assertTrue(tls.reloadIfChanged());
            assertEquals(before, tls.identity().leaf());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
