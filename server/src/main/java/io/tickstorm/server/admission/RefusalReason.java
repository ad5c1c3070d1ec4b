package io.tickstorm.server.admission;

/** Why a connection was refused; {@link #label()} is the {@code reason} label of the rejection counter. */
public enum RefusalReason {
    /** The global connection cap (from the limits module) is reached. */
    CONNECTION_CAP("connection_cap"),
    /** The source address holds as many connections as one address may. */
    ADDRESS_CAP("address_cap"),
    /** The source address is on the blocklist. */
    BLOCKLIST("blocklist", true),
    /** An allowlist is configured and the source address is not on it. */
    NOT_ALLOWLISTED("not_allowlisted", true),
    /** As many connections as may be unauthenticated at once are still unauthenticated. */
    UNAUTHENTICATED_CAP("unauthenticated_cap"),
    /** The source address holds as many unauthenticated connections as one address may. */
    UNAUTHENTICATED_ADDRESS_CAP("unauthenticated_address_cap"),
    /** A resource is in breach; no new connections until it clears. */
    BREACH("breach"),
    /** The server is shutting down. */
    SHUTDOWN("shutdown");

    private final String label;
    private final boolean byPolicy;

    RefusalReason(String label) {
        this(label, false);
    }

    RefusalReason(String label, boolean byPolicy) {
        this.label = label;
        this.byPolicy = byPolicy;
    }

    /**
     * Whether the address is refused by policy (IP lists) rather than for want of capacity: such a peer is closed at
     * accept without any frame (PROTOCOL.md §5.9), so an unwanted peer learns nothing, not even that it speaks to a
     * Tick-Storm server.
     */
    public boolean byPolicy() {
        return byPolicy;
    }

    /** The value of the {@code reason} label on {@code tick_storm_connections_rejected_total}. */
    public String label() {
        return label;
    }
}
