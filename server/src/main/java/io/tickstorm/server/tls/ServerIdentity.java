package io.tickstorm.server.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The server's private key and certificate chain (leaf first), checked to belong together.
 *
 * <p>The check signs a random challenge with the key and verifies it with the leaf's public key. Neither provider
 * checks this when the context is built, and a mismatched pair (a rotation caught between writing the certificate
 * and the key) would otherwise only surface as failed handshakes.
 *
 * @param privateKey the key of the leaf certificate
 * @param chain      leaf first, then intermediates; never empty
 */
public record ServerIdentity(PrivateKey privateKey, List<X509Certificate> chain) {

    /** Validates that the chain is not empty and the key matches the leaf. */
    public ServerIdentity {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
        requireMatch(privateKey, chain.get(0).getPublicKey());
    }

    /** The leaf certificate, the one presented to clients. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The chain as an array, as {@code SslContextBuilder.forServer} takes it. */
    X509Certificate[] chainArray() {
        return chain.toArray(new X509Certificate[0]);
    }

    private static void requireMatch(PrivateKey privateKey, PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            throw new IllegalArgumentException("private key (" + privateKey.getAlgorithm()
                    + ") does not match the certificate's public key (" + publicKey.getAlgorithm() + ")");
        }
        String algorithm = signatureAlgorithm(privateKey);
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot check the private key against the certificate's public key (" + publicKey.getAlgorithm()
                            + "): " + e.getMessage(), e);
        }
        if (!matches) {
            throw new IllegalArgumentException("private key does not match the certificate's public key");
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("unsupported private key algorithm " + key.getAlgorithm());
        };
    }
}
