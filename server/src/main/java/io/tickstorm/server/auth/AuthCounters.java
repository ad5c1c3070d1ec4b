package io.tickstorm.server.auth;

import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic counters of an {@link Authenticator}, for a metrics collector to read at scrape time. Thread-safe;
 * reading never blocks authentication.
 */
public final class AuthCounters {

    private final LongAdder[] byReason = new LongAdder[AuthReason.values().length];
    private final LongAdder slowVerifications = new LongAdder();
    private final LongAdder coalescedVerifications = new LongAdder();
    private final LongAdder staleVerifications = new LongAdder();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadFailures = new LongAdder();

    AuthCounters() {
        for (int i = 0; i < byReason.length; i++) {
            byReason[i] = new LongAdder();
        }
    }

    /** Attempts that ended with {@code reason}. */
    public long attempts(AuthReason reason) {
        return byReason[reason.ordinal()].sum();
    }

    /** Attempts answered from the verification cache (same as {@code attempts(CACHED)}). */
    public long cacheHits() {
        return attempts(AuthReason.CACHED);
    }

    /** Slow hashes computed (Argon2id or bcrypt, including decoys for unknown users). */
    public long slowVerifications() {
        return slowVerifications.sum();
    }

    /** Attempts that joined an identical verification already in flight instead of computing their own. */
    public long coalescedVerifications() {
        return coalescedVerifications.sum();
    }

    /** Queued verifications skipped because every attempt waiting for them was older than the auth timeout. */
    public long staleVerifications() {
        return staleVerifications.sum();
    }

    /** Reloads that changed the credentials. */
    public long reloads() {
        return reloads.sum();
    }

    /** Reloads that failed (the previous credentials stayed in force). */
    public long reloadFailures() {
        return reloadFailures.sum();
    }

    void attempt(AuthReason reason) {
        byReason[reason.ordinal()].increment();
    }

    void slowVerification() {
        slowVerifications.increment();
    }

    void coalescedVerification() {
        coalescedVerifications.increment();
    }

    void staleVerification() {
        staleVerifications.increment();
    }

    void reload() {
        reloads.increment();
    }

    void reloadFailure() {
        reloadFailures.increment();
    }
}
