package io.tickstorm.protocol.client;

import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns a failure whose cause chain holds an {@link SSLException} into a {@link TickClientException} of kind
 * {@link TickClientException.Kind#TLS} that says what the TLS layer reported, naming the usual reason when the server
 * refused the client certificate (with TLS 1.3 that refusal arrives as an alert after the client's handshake has
 * completed, so without this it would surface as a failed AUTH).
 */
final class TlsFailures {

    private TlsFailures() {
    }

    /** {@code cause} as is if it is already a {@link TickClientException}, else a TLS one, or {@code null}. */
    static TickClientException classify(String context, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TickClientException failure) {
                return failure;
            }
        }
        SSLException ssl = null;
        for (Throwable t = cause; t != null && ssl == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException found) {
                ssl = found;
            }
        }
        if (ssl == null) {
            return null;
        }
        String reason = ssl.getMessage() != null ? ssl.getMessage() : ssl.getClass().getSimpleName();
        return new TickClientException(TickClientException.Kind.TLS, context + ": " + reason + hint(reason), cause);
    }

    private static String hint(String reason) {
        String text = reason.toLowerCase(Locale.ROOT);
        if (!text.contains("alert")) {
            return ""; // our own verification failed, not the server's
        }
        if (text.contains("certificate_required")) {
            return " (the server requires a client certificate: give one it trusts)";
        }
        if (text.contains("bad_certificate") || text.contains("unknown_ca") || text.contains("certificate_unknown")
                || text.contains("unsupported_certificate") || text.contains("certificate_expired")
                || text.contains("certificate_revoked") || text.contains("access_denied")) {
            return " (the server rejected the client certificate)";
        }
        return "";
    }
}
