package io.tickstorm.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.internal.tcnative.SSL;
import io.tickstorm.server.logging.RateLimitedLogger;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the outcome and duration of the connection's TLS handshake to a {@link TlsHandshakeListener}, then
 * removes itself. Goes right after the {@link SslHandler}, which enforces the handshake timeout (see
 * {@link ReloadingSslContext#newHandler}) and fires the {@link SslHandshakeCompletionEvent} this handler waits for.
 *
 * <pre>
 *   ... → SslHandler → TlsHandshakeHandler → FrameDecoder → ...
 *                       (until the handshake ends, then gone)
 * </pre>
 *
 * <p>The event is passed on, so later handlers may react to it too. A handshake failure is logged at DEBUG only:
 * scanners and dropped connections make them common, and the metric carries the count; the SslHandler closes the
 * channel and fires the cause to {@code exceptionCaught} for the pipeline's error tail. The exception is a client
 * certificate the server rejected (missing, or not signed by a trusted CA): that is an audit event, logged at WARN
 * with the peer, rate-limited (issue 12 item 12). One instance per channel.
 */
public final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);
    /** Shared by every connection: a scan with bad certificates must not write one line per attempt. */
    private static final RateLimitedLogger REJECTED_CERTIFICATES =
            new RateLimitedLogger(LOG, 10, Duration.ofSeconds(10));
    /** How the JDK and BoringSSL word the server's own refusal of a client certificate. */
    private static final Pattern CLIENT_CERTIFICATE_REFUSAL = Pattern.compile(
            "Empty client certificate chain|PEER_DID_NOT_RETURN_A_CERTIFICATE");

    private final TlsHandshakeListener listener;
    private final LongSupplier nanoClock;
    private long startNanos;
    private long startMillis;

    /** Measures with {@link System#nanoTime()}. */
    public TlsHandshakeHandler(TlsHandshakeListener listener) {
        this(listener, System::nanoTime);
    }

    /** Measures with {@code nanoClock}, a monotonic clock in nanoseconds. */
    public TlsHandshakeHandler(TlsHandshakeListener listener, LongSupplier nanoClock) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Added in initChannel, right after the accept: the duration includes the client's first flight.
        startNanos = nanoClock.getAsLong();
        startMillis = System.currentTimeMillis();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent completion) {
            long durationNanos = nanoClock.getAsLong() - startNanos;
            TlsHandshakeResult result;
            if (completion.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                result = ssl != null && resumed(ssl.engine(), startMillis)
                        ? TlsHandshakeResult.RESUMED
                        : TlsHandshakeResult.SUCCESS;
            } else {
                result = TlsHandshakeResult.FAILURE;
                if (clientCertificateRejected(completion.cause())) {
                    REJECTED_CERTIFICATES.warn("TLS client certificate from {} rejected: {}",
                            ctx.channel().remoteAddress(), rootMessage(completion.cause()));
                } else {
                    LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                            completion.cause().toString());
                }
            }
            ctx.pipeline().remove(this);
            listener.handshakeCompleted(result, durationNanos);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Whether a handshake failed because this server refused the client's certificate: a {@link
     * CertificateException} from the trust manager anywhere in the chain, or the providers' words for a missing or
     * unverifiable one. An alert the client sent (it refused ours) does not count.
     */
    static boolean clientCertificateRejected(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && CLIENT_CERTIFICATE_REFUSAL.matcher(message).find()) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message: BoringSSL wraps the trust manager's reason in a generic one. */
    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /**
     * Whether the handshake just completed resumed a session. BoringSSL says so directly. The JDK has no such
     * call, but a resumed session keeps its original creation time (checked on JDK 17), so a session created before
     * this connection started is a resumed one; a full handshake creates its session after the accept.
     */
    static boolean resumed(SSLEngine engine, long connectionStartMillis) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            // The native SSL object lives until the SslHandler shuts the engine down, on this same event loop.
            synchronized (openSsl) {
                long ssl = openSsl.sslPointer();
                return ssl != 0 && SSL.isSessionReused(ssl);
            }
        }
        return engine.getSession().getCreationTime() < connectionStartMillis;
    }
}
