package io.tickstorm.protocol.client;

/** How a TLS client decides whether to trust the server's certificate. */
public enum TrustMode {
    /** The JDK's default trust store, with hostname verification. */
    SYSTEM,
    /** Only certificates issued by (or equal to) the CA certificates of a PEM file, with hostname verification. */
    CA_FILE,
    /**
     * <strong>No verification at all</strong>: any certificate is accepted for any host name. This defeats the point of
     * TLS against an active attacker; it exists only to reach a server running on its generated self-signed default
     * certificate during development. Never use it across a network you do not control.
     */
    INSECURE
}
