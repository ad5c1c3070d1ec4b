package io.tickstorm.server.auth;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tick-storm.auth} block of the configuration (see {@code reference.conf} for every key, default and
 * environment variable). Immutable and validated on construction; {@link #toString()} masks the password.
 *
 * @param timeoutNanos         {@code auth.timeout}: time allowed for the first frame (AUTH); enforced by the handler
 * @param credentialsFile      {@code auth.credentials-file}: {@code username:hash} lines; empty when not configured
 * @param username             {@code auth.username}: the plain compatibility user, or empty
 * @param password             {@code auth.password}: that user's password, or empty
 * @param maxAttempts          {@code auth.max-attempts}: failed logins per address per window before a block
 * @param accountMaxAttempts   {@code auth.account-max-attempts}: failed logins per account per window, from addresses
 *                             that never logged it in, before those addresses are blocked for that account
 * @param knownSourceTtlNanos  {@code auth.known-source-ttl}: how long a login keeps its address exempt from the
 *                             account budget and first in the hash queue for that user; 0 disables
 * @param rateLimitWindowNanos {@code auth.rate-limit-window}
 * @param blockDurationNanos   {@code auth.block-duration}
 * @param cacheTtlNanos        {@code auth.cache-ttl}: how long a successful verification is remembered; 0 disables
 * @param cacheMaxEntries      {@code auth.cache-max-entries}: 0 disables the cache
 * @param hashThreads          {@code auth.hash-threads}: threads that compute slow hashes
 * @param hashQueueSize        {@code auth.hash-queue-size}: verifications that may wait; beyond that, BUSY
 */
public record AuthConfig(
        long timeoutNanos,
        Optional<Path> credentialsFile,
        String username,
        String password,
        int maxAttempts,
        int accountMaxAttempts,
        long knownSourceTtlNanos,
        long rateLimitWindowNanos,
        long blockDurationNanos,
        long cacheTtlNanos,
        int cacheMaxEntries,
        int hashThreads,
        int hashQueueSize) {

    private static final String PREFIX = "tick-storm.auth.";
    private static final int MAX_HASH_THREADS = 256;

    /** Validates every field; an invalid value names its key. */
    public AuthConfig {
        Objects.requireNonNull(credentialsFile, PREFIX + "credentials-file");
        Objects.requireNonNull(username, PREFIX + "username");
        Objects.requireNonNull(password, PREFIX + "password");
        positive(timeoutNanos, "timeout");
        positive(maxAttempts, "max-attempts");
        positive(accountMaxAttempts, "account-max-attempts");
        notNegative(knownSourceTtlNanos, "known-source-ttl");
        positive(rateLimitWindowNanos, "rate-limit-window");
        positive(blockDurationNanos, "block-duration");
        notNegative(cacheTtlNanos, "cache-ttl");
        notNegative(cacheMaxEntries, "cache-max-entries");
        positive(hashThreads, "hash-threads");
        if (hashThreads > MAX_HASH_THREADS) {
            throw new IllegalArgumentException(PREFIX + "hash-threads must be at most " + MAX_HASH_THREADS
                    + ", was " + hashThreads);
        }
        positive(hashQueueSize, "hash-queue-size");
        if (username.isEmpty() != password.isEmpty()) {
            // The one set leads: configuration errors are reported by the variable the operator set.
            throw new IllegalArgumentException(PREFIX + (username.isEmpty() ? "password" : "username")
                    + " must be set together with " + PREFIX + (username.isEmpty() ? "username" : "password"));
        }
    }

    /** Reads and validates {@code tick-storm.auth} from the resolved root config. */
    public static AuthConfig from(Config root) {
        Config auth = root.getConfig("tick-storm.auth");
        String file = auth.getString("credentials-file").strip();
        return new AuthConfig(
                auth.getDuration("timeout", TimeUnit.NANOSECONDS),
                file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)),
                auth.getString("username"),
                auth.getString("password"),
                auth.getInt("max-attempts"),
                auth.getInt("account-max-attempts"),
                auth.getDuration("known-source-ttl", TimeUnit.NANOSECONDS),
                auth.getDuration("rate-limit-window", TimeUnit.NANOSECONDS),
                auth.getDuration("block-duration", TimeUnit.NANOSECONDS),
                auth.getDuration("cache-ttl", TimeUnit.NANOSECONDS),
                auth.getInt("cache-max-entries"),
                auth.getInt("hash-threads"),
                auth.getInt("hash-queue-size"));
    }

    /** True when a credentials file or a plain user is configured; otherwise every AUTH fails. */
    public boolean hasCredentials() {
        return credentialsFile.isPresent() || !username.isEmpty();
    }

    /** This config with the plain user replaced, e.g. by a generated one when nothing is configured. */
    public AuthConfig withPlainUser(String newUsername, String newPassword) {
        return new AuthConfig(timeoutNanos, credentialsFile, newUsername, newPassword, maxAttempts,
                accountMaxAttempts, knownSourceTtlNanos, rateLimitWindowNanos, blockDurationNanos, cacheTtlNanos,
                cacheMaxEntries, hashThreads, hashQueueSize);
    }

    @Override
    public String toString() {
        return "AuthConfig[timeoutNanos=" + timeoutNanos
                + ", credentialsFile=" + credentialsFile.map(Path::toString).orElse("")
                + ", username=" + username
                + ", password=" + (password.isEmpty() ? "" : "***")
                + ", maxAttempts=" + maxAttempts
                + ", accountMaxAttempts=" + accountMaxAttempts
                + ", knownSourceTtlNanos=" + knownSourceTtlNanos
                + ", rateLimitWindowNanos=" + rateLimitWindowNanos
                + ", blockDurationNanos=" + blockDurationNanos
                + ", cacheTtlNanos=" + cacheTtlNanos
                + ", cacheMaxEntries=" + cacheMaxEntries
                + ", hashThreads=" + hashThreads
                + ", hashQueueSize=" + hashQueueSize + "]";
    }

    private static void positive(long value, String key) {
        if (value <= 0) {
            throw new IllegalArgumentException(PREFIX + key + " must be positive, was " + value);
        }
    }

    private static void notNegative(long value, String key) {
        if (value < 0) {
            throw new IllegalArgumentException(PREFIX + key + " must not be negative, was " + value);
        }
    }
}
