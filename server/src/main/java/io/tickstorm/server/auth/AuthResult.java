package io.tickstorm.server.auth;

/**
 * What the AUTH handler does with an authentication attempt (PROTOCOL.md §5 item 1).
 */
public enum AuthResult {
    /** Credentials are valid: send ACK {ack_type=AUTH, success=true}. */
    SUCCESS,
    /** Unknown user, wrong password or empty credentials: ERROR 1 INVALID_AUTH, then close. */
    INVALID_CREDENTIALS,
    /**
     * The source address (or, for a source that never logged this user in, the account) is over its failed-login
     * budget; the password was not checked: ERROR 12 with the seconds the block has left, then close.
     */
    RATE_LIMITED,
    /**
     * The hash queue is full (or the authenticator is closed); nothing was checked: ERROR 16 SERVER_OVERLOADED. Counts
     * against the source's failed-login budget unless the source recently logged this user in.
     */
    BUSY,
    /** Verification itself failed unexpectedly (already logged): ERROR 13 INTERNAL_ERROR. */
    ERROR
}
