package io.tickstorm.server.auth;

/**
 * Receives the outcome of {@link Authenticator#authenticate}: called exactly once per attempt, either on the
 * caller's thread before {@code authenticate} returns (rate-limited, empty, cached, busy) or on an authenticator
 * hash thread. A Netty handler hops back to its event loop ({@code channel.eventLoop().execute(...)}).
 * Implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface AuthCallback {
    /**
     * @param result            what to answer the client
     * @param reason            why, for metrics; {@code reason.result() == result}
     * @param retryAfterSeconds for {@link AuthResult#RATE_LIMITED}, whole seconds (at least 1) until the block ends,
     *                          for the ERROR 12 details; 0 otherwise
     */
    void onAuthResult(AuthResult result, AuthReason reason, long retryAfterSeconds);
}
