package io.tickstorm.server.entitlement;

/** Why a subscription was refused or ended for want of entitlement: the {@code reason} label of the metric. */
public enum DenialReason {
    /** SUBSCRIBE named a symbol outside the user's entitlements. */
    NOT_ENTITLED("not_entitled"),
    /** SUBSCRIBE for every symbol from a user entitled to none. */
    NO_ENTITLEMENT("no_entitlement"),
    /** A reload took a subscribed symbol away: ERROR 4, then close. */
    REVOKED("revoked");

    private final String label;

    DenialReason(String label) {
        this.label = label;
    }

    /** The metric label. */
    public String label() {
        return label;
    }
}
