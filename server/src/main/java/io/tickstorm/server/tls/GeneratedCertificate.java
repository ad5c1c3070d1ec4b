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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate made in memory at startup when TLS is on and no certificate files are configured: EC
 * P-256, {@code CN=localhost}, SANs {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
 *
 * <p>The server prints {@link #certificatePem()} and {@link #sha256Fingerprint()} once, so a client can pin or trust
 * it; {@link #writeCertificate(Path)} puts the PEM where a client can read it as a CA file. Nothing here survives a
 * restart: each start makes a new key.
 *
 * @param identity the key and its one-certificate chain
 */
public record GeneratedCertificate(ServerIdentity identity) {

    /** How long the generated certificate is valid for; a restart makes a new one. */
    public static final Duration VALIDITY = Duration.ofDays(365);

    /** Tolerance for clients whose clock is behind ours. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    /** Generates a new key pair and signs the certificate with it, valid from {@code now} for {@link #VALIDITY}. */
    public static GeneratedCertificate generate(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=localhost");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(64, new SecureRandom()).setBit(63),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(VALIDITY)),
                    subject,
                    keyPair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
            }));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(keyPair.getPrivate())));
            return new GeneratedCertificate(new ServerIdentity(keyPair.getPrivate(), List.of(certificate)));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return identity.leaf();
    }

    /** The certificate as PEM text ({@code -----BEGIN CERTIFICATE-----}...). */
    public String certificatePem() {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the certificate as PEM", e);
        }
        return text.toString();
    }

    /** SHA-256 of the DER certificate as colon-separated upper-case hex, as {@code openssl x509 -fingerprint} shows. */
    public String sha256Fingerprint() {
        return fingerprint(certificate());
    }

    /**
     * Writes the certificate (never the key) as PEM to a new file in {@code directory}, for example
     * {@code Path.of(System.getProperty("java.io.tmpdir"))}, and returns the file.
     */
    public Path writeCertificate(Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "tick-storm-", ".crt");
        Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
        return file;
    }

    /** SHA-256 fingerprint of any certificate, in the format of {@link #sha256Fingerprint()}. */
    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                    "cannot fingerprint certificate " + certificate.getSubjectX500Principal(), e);
        }
    }
}
