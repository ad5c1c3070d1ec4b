package io.tickstorm.server.auth;

import io.tickstorm.server.logging.RateLimitedLogger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks AUTH credentials without ever running a slow hash on the caller's thread.
 *
 * <p>Order of checks for one attempt (PROTOCOL.md §5 item 1):
 * <ol>
 *   <li>empty username or password: {@link AuthReason#EMPTY} (counts as a failed login, once the budget below
 *       admits it);
 *   <li>failed-login budgets ({@link LoginThrottles}): the attempt reserves a check against its source's budget
 *       (and, from a source that never logged this user in, against the account's); a source or account over budget,
 *       counting checks still in flight, gets {@link AuthReason#RATE_LIMITED} (or
 *       {@link AuthReason#ACCOUNT_RATE_LIMITED}) and nothing else is looked at. An attempt whose identical
 *       credentials are already being checked reserves nothing (it checks no new password) and is refused only by
 *       a block;
 *   <li>verification cache: credentials verified within {@code cache-ttl} against the user's current hash succeed
 *       at once ({@link AuthReason#CACHED});
 *   <li>otherwise a slow hash on the hash threads ({@code hash-threads}); a source that recently logged this user in
 *       waits in a priority lane served first, others in the normal lane; each lane holds {@code hash-queue-size}
 *       and a full one is {@link AuthReason#BUSY}, as is a verification whose every waiting attempt is older than
 *       the auth timeout. An unknown user is checked against a decoy hash with the cost most configured users have,
 *       so it takes as long as a wrong password. Identical credentials already being verified are not hashed twice:
 *       the attempt waits for that result.
 * </ol>
 * Failed logins and blocks are audited at WARN, rate-limited ({@link AuthAuditLog}).
 *
 * <p>Threading: {@link #authenticate} may be called from any thread (event loops) and never blocks on a hash. The
 * callback runs exactly once, either on the calling thread before {@code authenticate} returns or on a thread named
 * {@code tick-storm-auth-hash-N}. {@link #reload()} may be called from any thread except an event loop (it reads a
 * file). The authenticator owns its hash threads: {@link #close()} stops them, and attempts still queued then get
 * {@link AuthReason#BUSY}.
 *
 * <p>Throttle keys: an IPv4 address is its own key; an IPv6 address is keyed by its /64 prefix, the unit one site
 * is usually given, so that an attacker cannot sidestep the budget by rotating through its own prefix.
 */
public final class Authenticator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 5;
    private static final int IPV6_PREFIX_BYTES = 8;

    private final CredentialLoader loader;
    private final LoginThrottles throttles;
    private final VerificationCache cache;
    private final LongSupplier nanoClock;
    private final AuthCounters counters = new AuthCounters();
    private final ConcurrentHashMap<PendingKey, Verification> inFlight = new ConcurrentHashMap<>();
    private final HashExecutor hashExecutor;
    /** A broken hash (out of memory, say) fails every attempt of a wave the same way. */
    private final RateLimitedLogger verificationFailureLog = new RateLimitedLogger(LOG, 5, Duration.ofMinutes(1));
    private final long staleAfterNanos;
    private volatile CredentialStore store;

    /**
     * Loads the credentials (computing the plain user's hash and the decoy, a few slow hashes) and starts the hash
     * threads, which {@link #close()} stops.
     *
     * @throws CredentialsFileException if the credentials file is unreadable or malformed
     */
    public Authenticator(AuthConfig config) {
        this(config, System::nanoTime);
    }

    Authenticator(AuthConfig config, LongSupplier nanoClock) {
        this(config, new CredentialLoader(config, new SecureRandom()), null, nanoClock);
    }

    /** For tests: a fixed initial store. */
    Authenticator(AuthConfig config, CredentialStore initialStore, LongSupplier nanoClock) {
        this(config, new CredentialLoader(config, new SecureRandom()), initialStore, nanoClock);
    }

    private Authenticator(AuthConfig config, CredentialLoader loader, CredentialStore initialStore,
            LongSupplier nanoClock) {
        this.loader = loader;
        this.nanoClock = nanoClock;
        this.staleAfterNanos = config.timeoutNanos();
        this.store = initialStore != null ? initialStore : loader.initial();
        this.throttles = new LoginThrottles(config, new AuthAuditLog());
        this.cache = new VerificationCache(config.cacheTtlNanos(), config.cacheMaxEntries(), new SecureRandom());
        this.hashExecutor = new HashExecutor(config.hashThreads(), config.hashQueueSize());
        if (store.size() == 0) {
            LOG.warn("No users (CREDENTIALS_FILE holds none, AUTH_USERNAME/STREAM_USER unset): every AUTH will fail");
        } else {
            LOG.info("Authentication: {} users, decoy hash cost {}, {} hash threads, hash queue {} per lane, {} failed "
                    + "logins per address and {} per account from new addresses per {} s, then blocked {} s",
                    store.size(), store.decoy().cost(), config.hashThreads(), config.hashQueueSize(),
                    config.maxAttempts(), config.accountMaxAttempts(),
                    TimeUnit.NANOSECONDS.toSeconds(config.rateLimitWindowNanos()),
                    TimeUnit.NANOSECONDS.toSeconds(config.blockDurationNanos()));
        }
    }

    /**
     * Checks one AUTH from {@code source} and reports the outcome to {@code callback} exactly once.
     *
     * @param username as received; null or empty never authenticates
     * @param password as received; null or empty never authenticates
     * @param source   the peer's address, the throttle key (IPv6 by /64)
     */
    public void authenticate(String username, String password, InetAddress source, AuthCallback callback) {
        authenticateKeyed(username, password, throttleKey(source), source.getHostAddress(), callback);
    }

    /**
     * As {@link #authenticate(String, String, InetAddress, AuthCallback)} for a channel's remote address: an IP peer
     * is keyed by its address (IPv6 by /64); any other kind of peer (in-VM channels) by its string form.
     */
    public void authenticate(String username, String password, SocketAddress peer, AuthCallback callback) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            authenticate(username, password, inet.getAddress(), callback);
        } else {
            String key = String.valueOf(peer);
            authenticateKeyed(username, password, key, key, callback);
        }
    }

    /**
     * Re-reads the credentials file and swaps in its users if its content changed; call it when the file may have
     * changed (a rotated Secret) or periodically. Cached verifications of users whose hash changed or who were
     * removed stop working at once; other users keep theirs.
     *
     * @return true if the credentials changed
     * @throws CredentialsFileException if the new content is unreadable or malformed; the previous credentials stay
     *     in force; the same bad content, or a file that stays unreadable, is reported only once
     */
    public synchronized boolean reload() {
        Optional<CredentialStore> next;
        try {
            next = loader.reload(store);
        } catch (CredentialsFileException e) {
            counters.reloadFailure();
            throw e;
        }
        if (next.isEmpty()) {
            return false;
        }
        store = next.get();
        counters.reload();
        LOG.info("Credentials reloaded: {} users", store.size());
        return true;
    }

    /** Counters for metrics. */
    public AuthCounters counters() {
        return counters;
    }

    /** Users currently known (file and plain). */
    public int users() {
        return store.size();
    }

    /** Verifications waiting for a hash thread (both lanes). */
    public int queuedVerifications() {
        return hashExecutor.queued();
    }

    /** Source keys the throttle currently tracks. */
    public int trackedSources() {
        return throttles.trackedSources();
    }

    /** (user, source) pairs currently known from recent logins. */
    public int knownSources() {
        return throttles.knownSources();
    }

    /** Successful verifications currently cached. */
    public int cachedVerifications() {
        return cache.size();
    }

    /**
     * Stops the hash threads: queued attempts are answered {@link AuthReason#BUSY} at once, as are later ones;
     * hashes already running finish (they take milliseconds and BouncyCastle ignores interrupts anyway). Waits up
     * to 5 s for them.
     */
    @Override
    public void close() {
        for (Runnable task : hashExecutor.shutdown()) {
            ((VerificationTask) task).abandon();
        }
        try {
            if (!hashExecutor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Hash threads still running {} s after close", CLOSE_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    VerificationCache cache() {
        return cache;
    }

    private void authenticateKeyed(String username, String password, Object sourceKey, String source,
            AuthCallback callback) {
        long nowNanos = nanoClock.getAsLong();
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            LoginThrottles.Reservation attempt = throttles.reserve(username, sourceKey, source, nowNanos);
            if (attempt.admitted()) {
                settle(callback, attempt, AuthReason.EMPTY);
            } else {
                complete(callback, attempt.refusal(), attempt.retryAfterNanos());
            }
            return;
        }
        CredentialStore snapshot = store;
        PasswordHash stored = snapshot.lookup(username);
        VerificationCache.CredentialDigest digest = cache.digest(username, password);
        PendingKey key = new PendingKey(digest, stored != null ? stored : snapshot.decoy());
        // Identical credentials already being checked: this attempt checks no new password, so it needs no
        // reservation (a reconnect storm behind one NAT must not exhaust its address's budget).
        LoginThrottles.Reservation attempt = inFlight.containsKey(key)
                ? throttles.share(username, sourceKey, source, nowNanos)
                : throttles.reserve(username, sourceKey, source, nowNanos);
        if (!attempt.admitted()) {
            complete(callback, attempt.refusal(), attempt.retryAfterNanos());
            return;
        }
        if (stored != null && cache.hit(digest, stored, nowNanos)) {
            settle(callback, attempt, AuthReason.CACHED);
            return;
        }
        CompletableFuture<Boolean> verification = join(key, password, nowNanos, attempt.known());
        verification
                .<Void>handle((matched, error) -> {
                    finish(attempt, digest, stored, matched, error, callback);
                    return null;
                })
                .exceptionally(this::callbackFailed);
    }

    /** The verification of these credentials against this hash: the one in flight, or a newly queued one. */
    private CompletableFuture<Boolean> join(PendingKey key, String password, long nowNanos, boolean priority) {
        Verification created = new Verification(nowNanos);
        Verification existing = inFlight.putIfAbsent(key, created);
        if (existing != null) {
            existing.lastJoinNanos = nowNanos;
            counters.coalescedVerification();
            return existing.result;
        }
        try {
            hashExecutor.execute(new VerificationTask(key, password, created), priority);
        } catch (RejectedExecutionException e) {
            // Every attempt that joined meanwhile is refused with this one: BUSY.
            inFlight.remove(key, created);
            created.result.completeExceptionally(e);
        }
        return created.result;
    }

    private void finish(LoginThrottles.Reservation attempt, VerificationCache.CredentialDigest digest,
            PasswordHash stored, Boolean matched, Throwable error, AuthCallback callback) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof RejectedExecutionException) {
                settle(callback, attempt, AuthReason.BUSY);
            } else {
                verificationFailureLog.warn("Password verification failed", cause);
                settle(callback, attempt, AuthReason.ERROR);
            }
            return;
        }
        if (stored != null && matched) {
            cache.put(digest, stored, nanoClock.getAsLong());
            settle(callback, attempt, AuthReason.VERIFIED);
        } else {
            settle(callback, attempt, stored == null ? AuthReason.UNKNOWN_USER : AuthReason.BAD_PASSWORD);
        }
    }

    private void settle(AuthCallback callback, LoginThrottles.Reservation attempt, AuthReason outcome) {
        LoginThrottles.Verdict verdict = throttles.settle(attempt, outcome, nanoClock.getAsLong());
        complete(callback, verdict.reason(), verdict.retryAfterNanos());
    }

    private void complete(AuthCallback callback, AuthReason reason, long retryAfterNanos) {
        counters.attempt(reason);
        callback.onAuthResult(reason.result(), reason, AuthAuditLog.seconds(retryAfterNanos));
    }

    /** Only a throwing callback fails the handle stage (the verification's own errors are handled in finish). */
    private Void callbackFailed(Throwable error) {
        LOG.error("AuthCallback threw", error instanceof CompletionException ? error.getCause() : error);
        return null;
    }

    static Object throttleKey(InetAddress source) {
        if (!(source instanceof Inet6Address)) {
            return source;
        }
        byte[] prefix = new byte[16];
        System.arraycopy(source.getAddress(), 0, prefix, 0, IPV6_PREFIX_BYTES);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 16-byte address is always valid", e);
        }
    }

    /** Identical credentials checked against the same stored hash share one verification. */
    private record PendingKey(VerificationCache.CredentialDigest digest, PasswordHash hash) {
    }

    /** One verification and the attempts waiting for it. */
    private static final class Verification {
        final CompletableFuture<Boolean> result = new CompletableFuture<>();
        /** When the most recent attempt joined; racing writers all store a recent time, which is all it needs. */
        volatile long lastJoinNanos;

        Verification(long nowNanos) {
            this.lastJoinNanos = nowNanos;
        }
    }

    /**
     * One slow hash; completes its verification exactly once, whatever happens. If every attempt waiting for it
     * arrived longer ago than the auth timeout, their connections are closed already: the hash is skipped
     * ({@link AuthReason#BUSY}) so that stale work from a storm does not delay fresh attempts.
     */
    private final class VerificationTask implements Runnable {
        private final PendingKey key;
        private final String password;
        private final Verification verification;

        VerificationTask(PendingKey key, String password, Verification verification) {
            this.key = key;
            this.password = password;
            this.verification = verification;
        }

        @Override
        public void run() {
            CompletableFuture<Boolean> result = verification.result;
            try {
                if (nanoClock.getAsLong() - verification.lastJoinNanos >= staleAfterNanos) {
                    counters.staleVerification();
                    result.completeExceptionally(new RejectedExecutionException("waited longer than the auth timeout"));
                    return;
                }
                counters.slowVerification();
                result.complete(key.hash().matches(password.getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                // Removed after completion: an attempt arriving in between joins the finished future and is
                // answered at once, on its own thread.
                inFlight.remove(key, verification);
                if (!result.isDone()) {
                    result.completeExceptionally(new IllegalStateException("verification aborted"));
                }
            }
        }

        void abandon() {
            inFlight.remove(key, verification);
            verification.result.completeExceptionally(new RejectedExecutionException("authenticator closed"));
        }
    }
}
