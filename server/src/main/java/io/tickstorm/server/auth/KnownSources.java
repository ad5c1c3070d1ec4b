package io.tickstorm.server.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The (user, source) pairs that logged in successfully within {@code ttlNanos}: such a source is known for that user.
 * A known source is exempt from the account's budget for strangers (so strangers guessing a password cannot lock its
 * owner out of the places it already logs in from) and its verifications are served first by the hash threads.
 *
 * <p>The source is the throttle key (an IPv4 address, or an IPv6 /64). Bounded to {@code maxEntries}, oldest first
 * out; a login refreshes its pair. Only successful logins add entries, so attackers cannot grow it. Guarded by this
 * object's monitor (one short O(1) step per AUTH).
 */
final class KnownSources {

    /** Default bound on remembered pairs. */
    static final int DEFAULT_MAX_ENTRIES = 100_000;

    private static final int EXPIRED_SWEEP_PER_PUT = 2;

    private final long ttlNanos;
    private final int maxEntries;
    /** Insertion-ordered (a refresh re-inserts): the head expires first. Guarded by {@code this}. */
    private final LinkedHashMap<Pair, Long> expiries = new LinkedHashMap<>();

    /** @param ttlNanos how long a login keeps its source known; 0 remembers nothing */
    KnownSources(long ttlNanos, int maxEntries) {
        if (ttlNanos < 0 || maxEntries < 1) {
            throw new IllegalArgumentException("ttlNanos must not be negative and maxEntries must be positive");
        }
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
    }

    /** Whether {@code username} logged in from {@code sourceKey} within the TTL. */
    synchronized boolean contains(String username, Object sourceKey, long nowNanos) {
        Pair pair = new Pair(username, sourceKey);
        Long expiresAtNanos = expiries.get(pair);
        if (expiresAtNanos == null) {
            return false;
        }
        if (expiresAtNanos - nowNanos <= 0) {
            expiries.remove(pair);
            return false;
        }
        return true;
    }

    /** Records a successful login of {@code username} from {@code sourceKey}. */
    synchronized void remember(String username, Object sourceKey, long nowNanos) {
        if (ttlNanos == 0) {
            return;
        }
        Iterator<Map.Entry<Pair, Long>> it = expiries.entrySet().iterator();
        for (int i = 0; i < EXPIRED_SWEEP_PER_PUT && it.hasNext(); i++) {
            if (it.next().getValue() - nowNanos <= 0) {
                it.remove();
            }
        }
        Pair pair = new Pair(username, sourceKey);
        expiries.remove(pair);
        if (expiries.size() >= maxEntries) {
            Iterator<Long> oldest = expiries.values().iterator();
            oldest.next();
            oldest.remove();
        }
        expiries.put(pair, nowNanos + ttlNanos);
    }

    synchronized int size() {
        return expiries.size();
    }

    private record Pair(String username, Object sourceKey) {
    }
}
