package io.tickstorm.server.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** Configuration and client contexts for the TLS tests. */
final class TlsTestConfigs {

    private TlsTestConfigs() {
    }

    /** {@code hocon} inside {@code tick-storm.tls { ... }}, over reference.conf. */
    static Config root(String hocon) {
        return ConfigFactory.parseString("tick-storm.tls {\n" + hocon + "\n}")
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    static TlsConfig tls(String hocon) {
        return TlsConfig.from(root(hocon));
    }

    /** A server configuration presenting {@code cert}/{@code key} on {@code provider}, plus {@code extra} lines. */
    static TlsConfig server(String provider, Path cert, Path key, String extra) {
        return tls("provider = " + provider + "\ncert-file = \"" + cert + "\"\nkey-file = \"" + key + "\"\n" + extra);
    }

    /** A client trusting {@code ca} (host name verified), TLS 1.3 and 1.2 offered, without a certificate. */
    static SslContext client(SslProvider provider, Path ca) throws SSLException {
        return SslContextBuilder.forClient().sslProvider(provider).trustManager(ca.toFile())
                .protocols("TLSv1.3", "TLSv1.2").build();
    }

    /** A client trusting {@code ca} and presenting {@code identity} even if the server lists other issuers. */
    static SslContext client(SslProvider provider, Path ca, TestPki.Identity identity) throws SSLException {
        return SslContextBuilder.forClient().sslProvider(provider).trustManager(ca.toFile())
                .keyManager(new PresentingKeyManager(identity))
                .protocols("TLSv1.3", "TLSv1.2").build();
    }

    /** A client offering only {@code protocol}. */
    static SslContext clientOnly(SslProvider provider, Path ca, String protocol) throws SSLException {
        return SslContextBuilder.forClient().sslProvider(provider).trustManager(ca.toFile()).protocols(protocol)
                .build();
    }
}
