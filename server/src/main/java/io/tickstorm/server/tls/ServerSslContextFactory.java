package io.tickstorm.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server {@link SslContext} from a {@link TlsConfig}, a {@link ServerIdentity} and the client CA bundle.
 *
 * <p>The key and chain are handed over as JCA objects ({@code forServer(PrivateKey, X509Certificate...)}), so both
 * providers see the same material whatever PEM flavour it came from. Session resumption: the cache size and timeout
 * apply to both providers' server caches; BoringSSL also issues session tickets, and the JDK (17+) does by default
 * ({@code jdk.tls.server.enableSessionTicketExtension}), so a reconnecting TLS 1.3 client resumes with either.
 */
public final class ServerSslContextFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ServerSslContextFactory.class);

    /**
     * BoringSSL connections keep a native buffer for what TLS writes while the engine reads (handshake flights,
     * session tickets, alerts), 2,048 bytes each by default for the connection's life. What does not fit waits inside
     * BoringSSL for the next wrap, so a smaller buffer costs at most an extra wrap during the handshake and saves
     * 1.5 KiB per idle subscriber (bench/RESULTS.md, "Memory per connection").
     */
    static final int NON_APPLICATION_BUFFER_BYTES = 512;

    private final TlsConfig config;
    private final SslProvider provider;

    /**
     * @throws IllegalStateException if {@code provider = openssl} and BoringSSL does not load on this machine, or the
     *                               provider lacks TLS 1.3 while it is the minimum
     */
    public ServerSslContextFactory(TlsConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.provider = resolve(config.provider());
        if (config.minVersion() == TlsConfig.MinVersion.TLS_1_3 && !SslProvider.isTlsv13Supported(provider)) {
            throw new IllegalStateException(TlsConfig.PATH + ".min-version is TLSv1.3 but the " + provider
                    + " provider does not support TLS 1.3 here");
        }
    }

    /** The provider every context of this factory uses. */
    public SslProvider provider() {
        return provider;
    }

    /**
     * Builds a context presenting {@code identity} and, when client authentication is on, verifying client
     * certificates against {@code clientCas}.
     *
     * @param clientCas trust anchors for client certificates; ignored (and may be empty) when client-auth is none
     * @throws IllegalArgumentException if the provider refuses the material
     */
    public SslContext build(ServerIdentity identity, List<X509Certificate> clientCas) {
        SslContextBuilder builder = SslContextBuilder.forServer(identity.privateKey(), identity.chainArray())
                .sslProvider(provider)
                .protocols(config.minVersion().protocols())
                .clientAuth(config.clientAuth());
        if (config.clientAuth() != ClientAuth.NONE) {
            if (clientCas.isEmpty()) {
                throw new IllegalArgumentException(TlsConfig.PATH + ".client-ca-file holds no certificate");
            }
            builder.trustManager(clientCas);
        }
        if (config.sessionCacheSize() > 0) {
            builder.sessionCacheSize(config.sessionCacheSize());
        }
        if (config.sessionTimeoutSeconds() > 0) {
            builder.sessionTimeout(config.sessionTimeoutSeconds());
        }
        try {
            SslContext context = builder.build();
            if (context instanceof ReferenceCountedOpenSslContext openSsl) {
                openSsl.setBioNonApplicationBufferSize(NON_APPLICATION_BUFFER_BYTES);
            }
            return context;
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot build the " + provider + " TLS context for " + identity.leaf().getSubjectX500Principal()
                            + ": " + e.getMessage(), e);
        }
    }

    private static SslProvider resolve(TlsConfig.Provider wanted) {
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case AUTO -> {
                if (OpenSsl.isAvailable()) {
                    yield SslProvider.OPENSSL;
                }
                // The jar ships BoringSSL for linux x86_64 and aarch_64; anything else falls back, and says so.
                LOG.warn("BoringSSL does not load on {}/{} ({}): TLS uses the JDK provider (slower handshakes); set "
                        + "{}.provider to jdk to silence this, or to openssl to refuse to start without BoringSSL",
                        System.getProperty("os.name"), System.getProperty("os.arch"), OpenSsl.unavailabilityCause(),
                        TlsConfig.PATH);
                yield SslProvider.JDK;
            }
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException(TlsConfig.PATH + ".provider is openssl but BoringSSL does not "
                            + "load: " + OpenSsl.unavailabilityCause(), OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
        };
    }
}
