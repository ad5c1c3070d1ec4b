package io.tickstorm.server.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks AUTH credentials without ever running a slow hash on the caller's thread.
 *
 * <p>Order of checks for one attempt (PROTOCOL.md §5 item 1):
 * <ol>
 *   <li>failed-login throttle: a blocked source gets {@link AuthReason#RATE_LIMITED} and nothing else is looked at;
 *   <li>empty username or password: {@link AuthReason#EMPTY} (counts as a failed login);
 *   <li>verification cache: credentials verified within {@code cache-ttl} against the user's current hash succeed
 *       at once ({@link AuthReason#CACHED});
 *   <li>otherwise a slow hash on the hash executor ({@code hash-threads} threads, at most {@code hash-queue-size}
 *       waiting; a full queue is {@link AuthReason#BUSY}, which does not count as a failure, and so is a
 *       verification whose every waiting attempt is older than the auth timeout). An unknown user is
 *       checked against a decoy hash of the same cost, so it takes as long as a wrong password. Identical
 *       credentials already being verified are not hashed twice: the attempt waits for that result.
 * </ol>
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
    private final FailedLoginThrottle throttle;
    private final VerificationCache cache;
    private final LongSupplier nanoClock;
    private final AuthCounters counters = new AuthCounters();
    private final ConcurrentHashMap<PendingKey, Verification> inFlight = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor hashExecutor;
    private final long staleAfterNanos;
    private volatile CredentialStore store;

    /**
     * Loads the credentials (computing the plain user's hash and the decoy, a few slow hashes) and starts nothing
     * else until the first attempt.
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
        this.throttle = new FailedLoginThrottle(config.maxAttempts(), config.rateLimitWindowNanos(),
                config.blockDurationNanos(), FailedLoginThrottle.DEFAULT_MAX_TRACKED_KEYS);
        this.cache = new VerificationCache(config.cacheTtlNanos(), config.cacheMaxEntries(), new SecureRandom());
        this.hashExecutor = new ThreadPoolExecutor(config.hashThreads(), config.hashThreads(), 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.hashQueueSize()), new HashThreadFactory(),
                new ThreadPoolExecutor.AbortPolicy());
        if (store.size() == 0) {
            LOG.warn("No credentials configured (tick-storm.auth.credentials-file, tick-storm.auth.username): "
                    + "every AUTH will fail");
        } else {
            LOG.info("Authentication: {} users, hash cost {}, {} hash threads, hash queue {}", store.size(),
                    store.decoy().cost(), config.hashThreads(), config.hashQueueSize());
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
        authenticateKeyed(username, password, throttleKey(source), callback);
    }

    /** As {@link #authenticate(String, String, InetAddress, AuthCallback)}, throttled by an arbitrary key. */
    public void authenticate(String username, String password, String sourceKey, AuthCallback callback) {
        authenticateKeyed(username, password, sourceKey, callback);
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

    /** Verifications waiting for a hash thread. */
    public int queuedVerifications() {
        return hashExecutor.getQueue().size();
    }

    /** Source keys the throttle currently tracks. */
    public int trackedSources() {
        return throttle.trackedKeys();
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
        hashExecutor.shutdown();
        List<Runnable> queued = new ArrayList<>();
        hashExecutor.getQueue().drainTo(queued);
        for (Runnable task : queued) {
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

    private void authenticateKeyed(String username, String password, Object sourceKey, AuthCallback callback) {
        long nowNanos = nanoClock.getAsLong();
        if (throttle.isBlocked(sourceKey, nowNanos)) {
            complete(callback, AuthReason.RATE_LIMITED);
            return;
        }
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            throttle.recordFailure(sourceKey, nowNanos);
            complete(callback, AuthReason.EMPTY);
            return;
        }
        CredentialStore snapshot = store;
        PasswordHash stored = snapshot.lookup(username);
        VerificationCache.CredentialDigest digest = cache.digest(username, password);
        if (stored != null && cache.hit(digest, stored, nowNanos)) {
            complete(callback, AuthReason.CACHED);
            return;
        }
        PendingKey key = new PendingKey(digest, stored != null ? stored : snapshot.decoy());
        CompletableFuture<Boolean> verification = join(key, password, nowNanos);
        verification
                .<Void>handle((matched, error) -> {
                    finish(sourceKey, digest, stored, matched, error, callback);
                    return null;
                })
                .exceptionally(this::callbackFailed);
    }

    /** The verification of these credentials against this hash: the one in flight, or a newly queued one. */
    private CompletableFuture<Boolean> join(PendingKey key, String password, long nowNanos) {
        Verification created = new Verification(nowNanos);
        Verification existing = inFlight.putIfAbsent(key, created);
        if (existing != null) {
            existing.lastJoinNanos = nowNanos;
            counters.coalescedVerification();
            return existing.result;
        }
        try {
            hashExecutor.execute(new VerificationTask(key, password, created));
        } catch (RejectedExecutionException e) {
            // Every attempt that joined meanwhile is refused with this one: BUSY, nothing counted.
            inFlight.remove(key, created);
            created.result.completeExceptionally(e);
        }
        return created.result;
    }

    private void finish(Object sourceKey, VerificationCache.CredentialDigest digest, PasswordHash stored,
            Boolean matched, Throwable error, AuthCallback callback) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof RejectedExecutionException) {
                complete(callback, AuthReason.BUSY);
            } else {
                LOG.warn("Password verification failed", cause);
                complete(callback, AuthReason.ERROR);
            }
            return;
        }
        long nowNanos = nanoClock.getAsLong();
        if (stored != null && matched) {
            cache.put(digest, stored, nowNanos);
            complete(callback, AuthReason.VERIFIED);
        } else {
            throttle.recordFailure(sourceKey, nowNanos);
            complete(callback, stored == null ? AuthReason.UNKNOWN_USER : AuthReason.BAD_PASSWORD);
        }
    }

    private void complete(AuthCallback callback, AuthReason reason) {
        counters.attempt(reason);
        callback.onAuthResult(reason.result(), reason);
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

    /** Daemon threads named {@code tick-storm-auth-hash-N}, so a thread dump shows where hashing happens. */
    private static final class HashThreadFactory implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger(1);

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "tick-storm-auth-hash-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        }
    }
}
