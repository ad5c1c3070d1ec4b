package io.tickstorm.server.auth;

/**
 * Why an attempt ended as it did: a bounded set, suitable as a metric label ({@link #label()}).
 */
public enum AuthReason {
    /** Valid credentials, checked with a slow hash. */
    VERIFIED(AuthResult.SUCCESS, "verified"),
    /** Valid credentials, answered from the verification cache. */
    CACHED(AuthResult.SUCCESS, "cached"),
    /** No such user (a decoy hash was still computed, so this costs as much as a wrong password). */
    UNKNOWN_USER(AuthResult.INVALID_CREDENTIALS, "unknown_user"),
    /** Known user, wrong password. */
    BAD_PASSWORD(AuthResult.INVALID_CREDENTIALS, "bad_password"),
    /** Empty (or absent) username or password; these never authenticate. */
    EMPTY(AuthResult.INVALID_CREDENTIALS, "empty"),
    /** The source address is blocked by the failed-login throttle (or its checks in flight hold its budget). */
    RATE_LIMITED(AuthResult.RATE_LIMITED, "rate_limited"),
    /** The account is blocked for sources that never logged it in (failures from strangers reached its budget). */
    ACCOUNT_RATE_LIMITED(AuthResult.RATE_LIMITED, "account_rate_limited"),
    /** The hash queue was full, or the authenticator is closed. */
    BUSY(AuthResult.BUSY, "busy"),
    /** The hash computation threw. */
    ERROR(AuthResult.ERROR, "error");

    private final AuthResult result;
    private final String label;

    AuthReason(AuthResult result, String label) {
        this.result = result;
        this.label = label;
    }

    /** The result this reason belongs to. */
    public AuthResult result() {
        return result;
    }

    /** Lower-case metric label value, e.g. {@code unknown_user}. */
    public String label() {
        return label;
    }
}
