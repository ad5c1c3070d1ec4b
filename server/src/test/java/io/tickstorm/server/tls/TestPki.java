package io.tickstorm.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away PKI written as PEM files into a test's {@code @TempDir}, for TLS tests of any package.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create(tempDir);
 * // server: pki.server().certFile() + pki.server().keyFile()      (RSA 2048, PKCS#8, CN=localhost)
 * //         pki.serverKeyPkcs1()                                  (the same key as "BEGIN RSA PRIVATE KEY")
 * //         pki.serverEc()                                        (EC P-256 key as "BEGIN EC PRIVATE KEY")
 * // client-ca-file: pki.ca().certFile()  or  pki.caBundle()       (an unrelated CA followed by the CA)
 * // clients: pki.client() (signed by the CA), pki.rogueClient() (signed by a CA no file here trusts)
 * // rotation: pki.issueServer("server2")                          (a new CA-signed server certificate)
 * }</pre>
 *
 * <p>Server certificates carry SANs {@code localhost} and {@code 127.0.0.1}, so clients may verify host names.
 * Everything is valid from an hour ago for a day.
 */
public final class TestPki {

    /** A certificate and its key, as files and as JCA objects. */
    public record Identity(Path certFile, Path keyFile, X509Certificate certificate, PrivateKey privateKey) {
    }

    private static final AtomicLong SERIALS = new AtomicLong(1000);

    private final Path dir;
    private final Identity ca;
    private final PrivateKey caKey;
    private final Path caBundle;
    private final Identity server;
    private final Path serverKeyPkcs1;
    private final Identity serverEc;
    private final Identity client;
    private final Identity rogueClient;

    private TestPki(Path dir) throws GeneralSecurityException, IOException {
        this.dir = dir;
        KeyPair caKeys = ecKeys();
        X509Certificate caCert = sign(caKeys.getPublic(), "CN=Tick-Storm Test CA", caKeys.getPrivate(), null,
                Role.CA);
        this.ca = write("ca", caCert, caKeys.getPrivate());

        KeyPair otherCaKeys = ecKeys();
        X509Certificate otherCa = sign(otherCaKeys.getPublic(), "CN=Unrelated CA", otherCaKeys.getPrivate(), null,
                Role.CA);
        this.caBundle = dir.resolve("ca-bundle.crt");
        Files.writeString(caBundle, pem(otherCa) + pem(caCert), StandardCharsets.US_ASCII);

        KeyPair rogueCaKeys = ecKeys();
        X509Certificate rogueCa = sign(rogueCaKeys.getPublic(), "CN=Rogue CA", rogueCaKeys.getPrivate(), null,
                Role.CA);

        KeyPair rsa = rsaKeys();
        X509Certificate serverCert = sign(rsa.getPublic(), "CN=localhost", caKeys.getPrivate(), caCert, Role.SERVER);
        this.server = write("server", serverCert, rsa.getPrivate());
        this.serverKeyPkcs1 = dir.resolve("server-pkcs1.key");
        Files.writeString(serverKeyPkcs1, pkcs1Pem(rsa.getPrivate()), StandardCharsets.US_ASCII);

        KeyPair ec = ecKeys();
        X509Certificate ecCert = sign(ec.getPublic(), "CN=localhost", caKeys.getPrivate(), caCert, Role.SERVER);
        Path ecCertFile = dir.resolve("server-ec.crt");
        Path ecKeyFile = dir.resolve("server-ec.key");
        Files.writeString(ecCertFile, pem(ecCert), StandardCharsets.US_ASCII);
        Files.writeString(ecKeyFile, sec1Pem(ec), StandardCharsets.US_ASCII);
        this.serverEc = new Identity(ecCertFile, ecKeyFile, ecCert, ec.getPrivate());

        KeyPair clientKeys = ecKeys();
        this.client = write("client",
                sign(clientKeys.getPublic(), "CN=test-client", caKeys.getPrivate(), caCert, Role.CLIENT),
                clientKeys.getPrivate());

        KeyPair rogueKeys = ecKeys();
        this.rogueClient = write("rogue-client",
                sign(rogueKeys.getPublic(), "CN=rogue-client", rogueCaKeys.getPrivate(), rogueCa, Role.CLIENT),
                rogueKeys.getPrivate());
        this.caKey = caKeys.getPrivate();
    }

    /** Generates the PKI and writes its files into {@code dir} (which must exist). */
    public static TestPki create(Path dir) {
        try {
            return new TestPki(dir);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the test PKI in " + dir, e);
        }
    }

    /** The directory holding the files. */
    public Path dir() {
        return dir;
    }

    /** The CA that signs the server and client certificates; {@code certFile()} is a valid client-ca-file. */
    public Identity ca() {
        return ca;
    }

    /** A client-ca-file with two certificates: an unrelated CA, then {@link #ca()}. */
    public Path caBundle() {
        return caBundle;
    }

    /** Server certificate ({@code CN=localhost}) with an RSA 2048 key in PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Identity server() {
        return server;
    }

    /** The key of {@link #server()} in PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public Path serverKeyPkcs1() {
        return serverKeyPkcs1;
    }

    /** Server certificate with an EC P-256 key in SEC1 ({@code BEGIN EC PRIVATE KEY}). */
    public Identity serverEc() {
        return serverEc;
    }

    /** Client certificate ({@code CN=test-client}) signed by {@link #ca()}, key in PKCS#8. */
    public Identity client() {
        return client;
    }

    /**
     * Client certificate ({@code CN=rogue-client}) signed by a CA that is in neither {@link #ca()} nor
     * {@link #caBundle()}. Note that a JDK client only sends a certificate whose issuer the server lists as
     * acceptable; to make it present this one anyway, give it a key manager that ignores the issuer list.
     */
    public Identity rogueClient() {
        return rogueClient;
    }

    /** A new server certificate ({@code CN=localhost}, EC key, PKCS#8) signed by {@link #ca()}, as name.crt/key. */
    public Identity issueServer(String name) {
        try {
            KeyPair keys = ecKeys();
            return write(name, sign(keys.getPublic(), "CN=localhost", caKey, ca.certificate(), Role.SERVER),
                    keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue " + name, e);
        }
    }

    /** PEM text of a certificate. */
    public static String pem(X509Certificate certificate) {
        return pemObject(certificate);
    }

    /** PKCS#8 PEM text ({@code BEGIN PRIVATE KEY}) of a key. */
    public static String pkcs8Pem(PrivateKey key) {
        try {
            return pemObject(new JcaPKCS8Generator(key, null).generate());
        } catch (PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#1 PEM text ({@code BEGIN RSA PRIVATE KEY}) of an RSA key. */
    public static String pkcs1Pem(PrivateKey key) {
        return pemObject(key);
    }

    /**
     * SEC1 PEM text ({@code BEGIN EC PRIVATE KEY}) of an EC key pair, with the curve and the public key inside, as
     * {@code openssl ec} writes it.
     */
    public static String sec1Pem(KeyPair pair) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(),
                    SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData(),
                    info.getPrivateKeyAlgorithm().getParameters());
            return pemObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private enum Role { CA, SERVER, CLIENT }

    private Identity write(String name, X509Certificate certificate, PrivateKey key) throws IOException {
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, pem(certificate), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pkcs8Pem(key), StandardCharsets.US_ASCII);
        return new Identity(certFile, keyFile, certificate, key);
    }

    private static X509Certificate sign(PublicKey subjectKey, String subject, PrivateKey issuerKey,
            X509Certificate issuer, Role role) throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        X500Name subjectName = new X500Name(subject);
        X500Name issuerName = issuer == null
                ? subjectName
                : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), subjectName, subjectKey);
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
        if (issuer != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuer));
        }
        switch (role) {
            case CA:
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                break;
            case SERVER:
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                }));
                break;
            case CLIENT:
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                break;
            default:
                throw new IllegalArgumentException("unknown role " + role);
        }
        String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        return generator.generateKeyPair();
    }

    private static String pemObject(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
