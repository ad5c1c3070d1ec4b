package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemReaderTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(dir);
    }

    @Test
    void readsPkcs8AndPkcs1RsaKeysAsTheSameKey() throws Exception {
        String pkcs8 = Files.readString(pki.server().keyFile());
        String pkcs1 = Files.readString(pki.serverKeyPkcs1());
        assertTrue(pkcs8.startsWith("-----BEGIN PRIVATE KEY-----"), pkcs8);
        assertTrue(pkcs1.startsWith("-----BEGIN RSA PRIVATE KEY-----"), pkcs1);
        PrivateKey fromPkcs8 = PemReader.privateKey(bytes(pkcs8), "pkcs8");
        PrivateKey fromPkcs1 = PemReader.privateKey(bytes(pkcs1), "pkcs1");
        assertEquals(pki.server().privateKey(), fromPkcs8);
        assertEquals(fromPkcs8, fromPkcs1);
    }

    @Test
    void readsSec1EcKeyAfterAnEcParametersBlock() throws Exception {
        String sec1 = Files.readString(pki.serverEc().keyFile());
        assertTrue(sec1.startsWith("-----BEGIN EC PRIVATE KEY-----"), sec1);
        // `openssl ecparam -genkey` writes the curve first.
        String withParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + sec1;
        PrivateKey key = PemReader.privateKey(bytes(withParameters), "ec");
        new ServerIdentity(key, List.of(pki.serverEc().certificate()));
    }

    @Test
    void readsEveryCertificateOfABundleInOrder() throws Exception {
        assertEquals(2, PemReader.certificates(Files.readAllBytes(pki.caBundle()), "bundle").size());
        assertEquals(pki.ca().certificate(),
                PemReader.certificates(Files.readAllBytes(pki.caBundle()), "bundle").get(1));
    }

    @Test
    void rejectsFilesWithoutTheExpectedBlockNamingTheSource() throws Exception {
        byte[] key = Files.readAllBytes(pki.server().keyFile());
        byte[] cert = Files.readAllBytes(pki.server().certFile());
        assertMessageStartsWith("the-cert-key", () -> PemReader.certificates(key, "the-cert-key"));
        assertMessageStartsWith("the-key-key", () -> PemReader.privateKey(cert, "the-key-key"));
        assertMessageStartsWith("empty", () -> PemReader.privateKey(new byte[0], "empty"));
    }

    @Test
    void rejectsTruncatedPem() throws Exception {
        String cert = Files.readString(pki.server().certFile());
        assertMessageStartsWith("half",
                () -> PemReader.certificates(bytes(cert.substring(0, cert.length() / 2)), "half"));
    }

    @Test
    void rejectsAKeyThatDoesNotMatchTheCertificate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerIdentity(pki.client().privateKey(), List.of(pki.serverEc().certificate())));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertMessageStartsWith(String source, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(source), e.getMessage());
    }
}
