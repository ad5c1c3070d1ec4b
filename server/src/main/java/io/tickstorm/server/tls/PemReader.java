package io.tickstorm.server.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Decodes PEM certificates and private keys with BouncyCastle into JCA objects, which both the OpenSSL and the JDK
 * provider accept (Netty's own PEM path only reads PKCS#8 for the JDK provider).
 *
 * <p>Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1
 * ({@code BEGIN EC PRIVATE KEY}, with or without a leading {@code EC PARAMETERS} block). Encrypted keys are refused:
 * a mounted Secret has no passphrase to go with it. The converters use the JDK's own providers, so nothing is
 * registered globally.
 */
final class PemReader {

    private PemReader() {
    }

    /** Every certificate in the file, in file order (a chain: leaf first; a bundle: any order). */
    static List<X509Certificate> certificates(byte[] pem, String source) {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : objects(pem, source)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException(source + ": invalid certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(source + ": no \"BEGIN CERTIFICATE\" block found");
        }
        return List.copyOf(certificates);
    }

    /** The one private key in the file. */
    static PrivateKey privateKey(byte[] pem, String source) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key = null;
        for (Object object : objects(pem, source)) {
            if (object instanceof ASN1ObjectIdentifier) {
                // The "EC PARAMETERS" block `openssl ecparam -genkey` writes before the key: the key repeats it.
                continue;
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw new IllegalArgumentException(source + ": encrypted private keys are not supported");
            }
            if (key != null) {
                throw new IllegalArgumentException(source + ": more than one PEM object; expected one private key");
            }
            try {
                if (object instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                } else if (object instanceof PEMKeyPair pair) {
                    // Only the private half: a SEC1 EC key may omit its public key.
                    key = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else {
                    throw new IllegalArgumentException(source + ": expected a private key, found "
                            + object.getClass().getSimpleName());
                }
            } catch (PEMException e) {
                throw new IllegalArgumentException(source + ": unsupported private key: " + e.getMessage(), e);
            }
        }
        if (key == null) {
            throw new IllegalArgumentException(source + ": no private key block found");
        }
        return key;
    }

    /** Reads a file whole, following symbolic links (a Kubernetes Secret is a chain of them). */
    static byte[] read(Path file, String source) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot read " + file + ": " + e, e);
        }
    }

    private static List<Object> objects(byte[] pem, String source) {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 or ASN.1 (a half-written file) as unchecked exceptions.
            throw new IllegalArgumentException(source + ": malformed PEM: " + e.getMessage(), e);
        }
        return objects;
    }
}
