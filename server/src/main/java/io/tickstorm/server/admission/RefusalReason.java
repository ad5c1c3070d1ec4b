package io.tickstorm.server.admission;

/** Why a connection was refused; {@link #label()} is the {@code reason} label of the rejection counter. */
public enum RefusalReason {
    /** The global connection cap (from the limits module) is reached. */
    CONNECTION_CAP("connection_cap"),
    /** The source address holds as many connections as one address may. */
    ADDRESS_CAP("address_cap"),
    /** The source address is on the blocklist. */
    BLOCKLIST("blocklist"),
    /** An allowlist is configured and the source address is not on it. */
    NOT_ALLOWLISTED("not_allowlisted"),
    /** As many connections as may be unauthenticated at once are still unauthenticated. */
    UNAUTHENTICATED_CAP("unauthenticated_cap"),
    /** The source address holds as many unauthenticated connections as one address may. */
    UNAUTHENTICATED_ADDRESS_CAP("unauthenticated_address_cap"),
    /** A resource is in breach; no new connections until it clears. */
    BREACH("breach"),
    /** The server is shutting down. */
    SHUTDOWN("shutdown");

    private final String label;

    RefusalReason(String label) {
        this.label = label;
    }

    /** The value of the {@code reason} label on {@code tick_storm_connections_rejected_total}. */
    public String label() {
        return label;
    }
}
