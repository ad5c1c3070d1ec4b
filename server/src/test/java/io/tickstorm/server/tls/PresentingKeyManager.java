package io.tickstorm.server.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager that presents its one certificate whatever issuers the server asks for, so a test can make
 * a client offer an untrusted certificate (the JDK's own key manager would silently send none). Use it with
 * {@code SslContextBuilder.forClient().keyManager(new PresentingKeyManager(pki.rogueClient()))}.
 */
public final class PresentingKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "client";

    private final TestPki.Identity identity;

    public PresentingKeyManager(TestPki.Identity identity) {
        this.identity = identity;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return new X509Certificate[] {identity.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return identity.privateKey();
    }
}
