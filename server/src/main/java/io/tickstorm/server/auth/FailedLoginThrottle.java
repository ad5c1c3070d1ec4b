package io.tickstorm.server.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed-login budget per source key (PROTOCOL.md §5 item 1): {@code maxAttempts} failures within a window that
 * starts at the first failure, after which the key is blocked for {@code blockNanos}; a blocked key's attempts are
 * refused without checking the password. Only failures count: a success neither counts nor resets the budget (a
 * reset would let one valid account at an address clear the way for guessing another's password). So a correct
 * client at a blocked address is refused until the block ends, exactly as the protocol specifies.
 *
 * <p>Memory is bounded: an entry disappears when its window or block ends (lazily, and a few per failure from the
 * oldest end), and at most {@code maxTrackedKeys} are kept, the oldest evicted first. The map is guarded by this
 * object's monitor: it is touched once or twice per AUTH, never per message, and each operation is O(1).
 *
 * <p>Times are {@link System#nanoTime()}-style readings passed in by the caller; deadlines are compared as
 * {@code deadline - now <= 0} so that wrap-around does no harm.
 */
final class FailedLoginThrottle {

    /** Default bound on tracked source keys. */
    static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;

    private static final int EXPIRED_SWEEP_PER_FAILURE = 2;

    private final int maxAttempts;
    private final long windowNanos;
    private final long blockNanos;
    private final int maxTrackedKeys;
    /** Insertion-ordered: the head is the oldest window. Guarded by {@code this}. */
    private final LinkedHashMap<Object, Budget> budgets = new LinkedHashMap<>();

    FailedLoginThrottle(int maxAttempts, long windowNanos, long blockNanos, int maxTrackedKeys) {
        if (maxAttempts < 1 || windowNanos <= 0 || blockNanos <= 0 || maxTrackedKeys < 1) {
            throw new IllegalArgumentException("throttle limits must be positive");
        }
        this.maxAttempts = maxAttempts;
        this.windowNanos = windowNanos;
        this.blockNanos = blockNanos;
        this.maxTrackedKeys = maxTrackedKeys;
    }

    /** True if {@code key} is blocked at {@code nowNanos}; the attempt must then be refused unchecked. */
    synchronized boolean isBlocked(Object key, long nowNanos) {
        Budget budget = budgets.get(key);
        if (budget == null) {
            return false;
        }
        if (budget.expired(nowNanos)) {
            budgets.remove(key);
            return false;
        }
        return budget.blocked;
    }

    /** Counts one failed login for {@code key}; the one that reaches the budget starts the block. */
    synchronized void recordFailure(Object key, long nowNanos) {
        sweepExpired(nowNanos);
        Budget budget = budgets.get(key);
        if (budget != null && budget.expired(nowNanos)) {
            budgets.remove(key);
            budget = null;
        }
        if (budget == null) {
            if (budgets.size() >= maxTrackedKeys) {
                Iterator<Budget> oldest = budgets.values().iterator();
                oldest.next();
                oldest.remove();
            }
            budget = new Budget(nowNanos + windowNanos);
            budgets.put(key, budget);
        }
        if (budget.blocked) {
            // A verification that was already in flight when the block began: it neither counts nor extends it.
            return;
        }
        budget.failures++;
        if (budget.failures >= maxAttempts) {
            budget.blocked = true;
            budget.expiresAtNanos = nowNanos + blockNanos;
        }
    }

    /** Keys currently tracked (blocked or with failures in their window). */
    synchronized int trackedKeys() {
        return budgets.size();
    }

    private void sweepExpired(long nowNanos) {
        Iterator<Map.Entry<Object, Budget>> it = budgets.entrySet().iterator();
        for (int i = 0; i < EXPIRED_SWEEP_PER_FAILURE && it.hasNext(); i++) {
            if (it.next().getValue().expired(nowNanos)) {
                it.remove();
            }
        }
    }

    /** Mutable state of one key, only touched under the throttle's monitor. */
    private static final class Budget {
        /** End of the window, or of the block once {@link #blocked}. */
        long expiresAtNanos;
        int failures;
        boolean blocked;

        Budget(long expiresAtNanos) {
            this.expiresAtNanos = expiresAtNanos;
        }

        boolean expired(long nowNanos) {
            return expiresAtNanos - nowNanos <= 0;
        }
    }
}
