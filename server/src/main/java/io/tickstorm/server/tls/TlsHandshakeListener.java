package io.tickstorm.server.tls;

/**
 * Receives the outcome of each server-side TLS handshake, for {@code tick_storm_tls_handshakes_total{result}} and
 * {@code tick_storm_tls_handshake_duration_seconds}.
 *
 * <p>Called on the connection's event loop: it must not block (increment a counter, record into a histogram).
 */
@FunctionalInterface
public interface TlsHandshakeListener {

    /**
     * @param result        how the handshake ended
     * @param durationNanos from the TLS handler joining the pipeline (the accept) to the outcome
     */
    void handshakeCompleted(TlsHandshakeResult result, long durationNanos);
}
