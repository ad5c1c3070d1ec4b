package io.tickstorm.protocol.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for one DNS name, made with BouncyCastle, usable as its own CA.
 *
 * @param certificate the certificate, with {@code dnsName} as CN and only subject alternative name
 * @param key its private key
 */
public record TestCertificate(X509Certificate certificate, PrivateKey key) {

    /** An EC P-256 certificate (fast to make). */
    public static TestCertificate selfSigned(String dnsName) {
        return selfSigned(dnsName, "EC", 256, "SHA256withECDSA");
    }

    /** An RSA 2048 certificate, whose key {@link #writeKey} writes as PKCS#1. */
    public static TestCertificate selfSignedRsa(String dnsName) {
        return selfSigned(dnsName, "RSA", 2048, "SHA256withRSA");
    }

    private static TestCertificate selfSigned(String dnsName, String keyAlgorithm, int keyBits,
            String signatureAlgorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
            generator.initialize(keyBits);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + dnsName);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm)
                            .build(pair.getPrivate())));
            return new TestCertificate(certificate, pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    /** Writes the certificate as PEM to {@code file} and returns it. */
    public Path writeCertificate(Path file) {
        return writePem(file, certificate);
    }

    /**
     * Writes the key as PEM: an RSA key as PKCS#1 ("RSA PRIVATE KEY", which Netty reads only through bcpkix), any
     * other as PKCS#8 (BouncyCastle's traditional EC form would lose the curve of a JDK-made key).
     */
    public Path writeKey(Path file) {
        try {
            return writePem(file, key instanceof RSAPrivateKey ? key : new JcaPKCS8Generator(key, null).generate());
        } catch (PemGenerationException e) {
            throw new IllegalStateException("cannot encode the test key", e);
        }
    }

    private static Path writePem(Path file, Object object) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
