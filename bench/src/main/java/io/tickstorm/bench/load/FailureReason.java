package io.tickstorm.bench.load;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.tickstorm.protocol.codec.ProtocolException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;

/**
 * Why a load connection failed, in words a user can act on. The same cause always gives the same text (no ports,
 * addresses of the connection or hex dumps), so the report counts each reason once with the number of connections
 * it hit, rather than printing a line per connection. The text starts with its category ({@code connect:},
 * {@code tls:}, {@code closed:}, {@code auth:}, {@code io:}, {@code decode:}), which the verdict uses.
 */
final class FailureReason {

    /** How far a connection got: what the server saw last. */
    enum Phase {
        /** TCP connected, TLS handshake under way. */
        TLS_HANDSHAKE,
        /** AUTH sent (over TLS, or plain TCP). */
        AUTH_SENT,
        /** AUTH ACK received, SUBSCRIBE sent, the snapshot not yet received. */
        SUBSCRIBE_SENT,
        /** Subscribed: the snapshot arrived. */
        SUBSCRIBED
    }

    private FailureReason() {
    }

    /** The TCP connect to {@code host:port} failed. */
    static String connect(Throwable cause, String host, int port, int timeoutMillis) {
        String target = host + ":" + port;
        if (cause instanceof ConnectTimeoutException) {
            return "connect: no answer from " + target + " within " + timeoutMillis + " ms (firewall, wrong address,"
                    + " or a server too busy to accept: --connect-timeout-ms)";
        }
        if (cause instanceof BindException) {
            return "connect: cannot bind the local source address (out of ports? fewer --connections per"
                    + " --source-addresses)";
        }
        if (cause instanceof ConnectException && lower(cause).contains("refused")) {
            return "connect: connection refused by " + target + " (is the server running and listening there?)";
        }
        if (cause instanceof NoRouteToHostException || lower(cause).contains("no route to host")) {
            return "connect: no route to " + target;
        }
        if (cause instanceof UnknownHostException) {
            return "connect: unknown host " + host;
        }
        return "connect: " + describe(cause);
    }

    /** The TLS handshake failed. */
    static String tlsHandshake(Throwable cause, String verifiedName) {
        Throwable root = root(cause);
        if (has(cause, NotSslRecordException.class)) {
            // The JDK provider's exception quotes the bytes received; OpenSSL's has no message.
            return lower(cause).contains("f57d")
                    ? "tls: the server speaks plain TCP (it answered with a Tick-Storm frame): use --no-tls"
                    : "tls: the server answered in plain TCP, not TLS: use --no-tls (or check --port: is it the tick"
                    + " port?)";
        }
        String message = lower(cause);
        if (has(cause, ClosedChannelException.class) || message.contains("closed")) {
            return "tls: closed by the server during the TLS handshake (a plain-TCP server closes on a ClientHello:"
                    + " use --no-tls; or the server refused this client: its log says why)";
        }
        if (message.contains("subject alternative") || message.contains("no name matching")
                || message.contains("hostname")) {
            return "tls: the server's certificate does not name " + verifiedName + ": connect by a name it has, or"
                    + " give it with --server-name";
        }
        if (has(cause, CertPathValidatorException.class) || has(cause, CertificateException.class)
                || message.contains("certification path") || message.contains("unable to find valid")) {
            return "tls: the server's certificate is not trusted (" + root.getClass().getSimpleName() + "): give"
                    + " its CA with --ca-file (--insecure only for the server's generated self-signed default)";
        }
        if (message.contains("protocol_version") || message.contains("no appropriate protocol")
                || message.contains("handshake_failure")) {
            return "tls: no TLS version or cipher suite in common with the server (" + root.getClass().getSimpleName()
                    + ")";
        }
        return "tls: handshake failed: " + describe(root);
    }

    /** The server closed the connection before it was subscribed, after it reached {@code phase}. */
    static String closedBy(Phase phase, boolean tls) {
        return switch (phase) {
            case TLS_HANDSHAKE -> "tls: closed by the server during the TLS handshake (a plain-TCP server closes on a"
                    + " ClientHello: use --no-tls)";
            case AUTH_SENT -> tls
                    ? "closed: closed by the server before AUTH ACK (after the TLS handshake): its log says why"
                    : "closed: closed by the server before AUTH ACK: is it TLS? (TLS is the default: drop --no-tls)";
            case SUBSCRIBE_SENT -> "closed: closed by the server after AUTH ACK, before the snapshot (SUBSCRIBE"
                    + " refused? the server's log says why)";
            case SUBSCRIBED -> "closed: closed by the server";
        };
    }

    /** An exception on an open connection (decoding, I/O) in {@code phase}. */
    static String exception(Throwable cause, Phase phase, boolean tls) {
        Throwable root = root(cause);
        if (root instanceof ProtocolException p) {
            if (!tls && phase == Phase.AUTH_SENT && "magic".equals(p.details())) {
                return "decode: the server answered AUTH with something that is not a Tick-Storm frame: is it TLS?"
                        + " (TLS is the default: drop --no-tls)";
            }
            return "decode: " + p.code() + " (" + p.getMessage() + ")";
        }
        if (root instanceof IllegalArgumentException) {
            return "decode: malformed DATA_BATCH";
        }
        if (root instanceof NotSslRecordException) {
            return tlsHandshake(root, "");
        }
        return "io: " + describe(root);
    }

    /** The server answered AUTH or SUBSCRIBE with an unsuccessful ACK. */
    static String unsuccessfulAck(String ackType) {
        return "auth".equalsIgnoreCase(ackType)
                ? "auth: AUTH refused (wrong user or password? the server's audit log says why)"
                : "auth: " + ackType + " refused";
    }

    /** The class and message of {@code t}, without anything after a colon-separated hex dump. */
    private static String describe(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        // Messages that name the connection (ports) would split one reason into many: keep the first clause.
        String first = message.split("[:\\n]", 2)[0].strip();
        return t.getClass().getSimpleName() + ": " + first;
    }

    private static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** All messages of the cause chain, lower case. */
    private static String lower(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c.getMessage()).append(' ');
        }
        return all.toString().toLowerCase(Locale.ROOT);
    }
}
