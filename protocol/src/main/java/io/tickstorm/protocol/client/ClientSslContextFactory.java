package io.tickstorm.protocol.client;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * Builds the client-side {@link SslContext} that {@link TickClientOptions} describe: TLS 1.3 (and 1.2, which the
 * server only accepts if its operator lowered the minimum), the OpenSSL provider when netty-tcnative is on the class
 * path, the JDK's otherwise. Hostname verification is on unless the trust mode is {@link TrustMode#INSECURE}.
 *
 * <p>An {@code SslContext} is costly to build and safe to share: a process opening many connections with the same
 * options builds one and passes it to every {@link TickClient}.
 */
public final class ClientSslContextFactory {

    /** The JSSE endpoint identification algorithm that checks the certificate against the host name (RFC 2818). */
    private static final String HOSTNAME_VERIFICATION = "HTTPS";

    private ClientSslContextFactory() {
    }

    /**
     * The context for {@code options}.
     *
     * @throws TickClientException if a certificate, key or CA file cannot be read or used
     * @throws IllegalArgumentException if {@code options} has TLS off
     */
    public static SslContext create(TickClientOptions options) {
        if (!options.tls()) {
            throw new IllegalArgumentException("tls: off, no TLS context to build");
        }
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(SslProvider.isTlsv13Supported(provider)
                        ? new String[] {"TLSv1.3", "TLSv1.2"}
                        : new String[] {"TLSv1.2"});
        try {
            // Netty reads the PEM files here, not in build(): keep both inside the try.
            switch (options.trustMode()) {
                case SYSTEM -> builder.endpointIdentificationAlgorithm(HOSTNAME_VERIFICATION);
                case CA_FILE -> builder.trustManager(options.caFile().toFile())
                        .endpointIdentificationAlgorithm(HOSTNAME_VERIFICATION);
                case INSECURE -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .endpointIdentificationAlgorithm(null);
            }
            if (options.certFile() != null) {
                builder.keyManager(options.certFile().toFile(), options.keyFile().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new TickClientException("TLS setup failed: " + e.getMessage(), e);
        }
    }
}
