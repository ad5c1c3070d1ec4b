/**
 * Client authentication engine, free of Netty types: credentials from a {@code username:hash} file (Argon2id or
 * bcrypt via BouncyCastle) and an optional plain user from config, constant-time verification on a dedicated,
 * bounded executor, a failed-login throttle per source address, and a cache of successful verifications keyed by
 * an HMAC of the credentials. The AUTH channel handler calls {@link io.tickstorm.server.auth.Authenticator}.
 */
package io.tickstorm.server.auth;
