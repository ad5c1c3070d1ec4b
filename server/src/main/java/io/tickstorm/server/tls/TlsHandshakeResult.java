package io.tickstorm.server.tls;

import java.util.Locale;

/** How a server-side TLS handshake ended; {@link #label()} is the metric label value. */
public enum TlsHandshakeResult {
    /** A full handshake completed. */
    SUCCESS,
    /** An abbreviated handshake resumed an earlier session (ticket or cache). */
    RESUMED,
    /** The handshake failed: bad or missing client certificate, protocol mismatch, timeout, or the peer left. */
    FAILURE;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** Lower-case name for the {@code result} label: success, resumed or failure. */
    public String label() {
        return label;
    }
}
