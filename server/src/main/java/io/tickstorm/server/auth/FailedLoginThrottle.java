package io.tickstorm.server.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed-login budget per key (a source address, or an account; PROTOCOL.md §5.1): {@code maxFailures} failures
 * within a window that starts at the first failure, after which the key is blocked for {@code blockNanos}; a blocked
 * key's attempts are refused without checking the password.
 *
 * <p>Checks still in flight count against the budget: an attempt that will check a password must {@link #tryReserve
 * reserve} a check when it arrives and {@link #release release} it exactly once when its outcome is known. A key
 * whose failures plus checks in flight reach the budget is refused at once, so a burst of concurrent attempts gets at
 * most {@code maxFailures} passwords checked, whatever the hash queue does. (An attempt that checks no new password,
 * one sharing a check already in flight, need not reserve; its failure is {@link #recordFailure recorded}.) Only
 * failures count: a success neither counts nor resets the budget (a reset would let one valid account at an address
 * clear the way for guessing another's password).
 *
 * <p>Memory is bounded: an idle entry (no failure in its window, no block, nothing in flight) disappears, lazily and
 * a few per reservation from the oldest end, and at most {@code maxTrackedKeys} are kept, the oldest evicted first
 * (a release for an evicted key just counts on a fresh entry). The map is guarded by this object's monitor: it is
 * touched a few times per AUTH, never per message, and each operation is O(1).
 *
 * <p>Times are {@link System#nanoTime()}-style readings passed in by the caller; deadlines are compared as
 * {@code deadline - now <= 0} so that wrap-around does no harm.
 */
final class FailedLoginThrottle {

    /** Default bound on tracked keys. */
    static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;

    private static final int IDLE_SWEEP_PER_RESERVATION = 2;

    private final int maxFailures;
    private final long windowNanos;
    private final long blockNanos;
    private final long pendingNanos;
    private final int maxTrackedKeys;
    /** Insertion-ordered: the head is the oldest entry. Guarded by {@code this}. */
    private final LinkedHashMap<Object, Budget> budgets = new LinkedHashMap<>();

    /**
     * @param pendingNanos how long checks in flight take at most (the auth timeout): the retry time given to an
     *                     attempt refused because they hold the rest of the budget
     */
    FailedLoginThrottle(int maxFailures, long windowNanos, long blockNanos, long pendingNanos, int maxTrackedKeys) {
        if (maxFailures < 1 || windowNanos <= 0 || blockNanos <= 0 || pendingNanos <= 0 || maxTrackedKeys < 1) {
            throw new IllegalArgumentException("throttle limits must be positive");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.blockNanos = blockNanos;
        this.pendingNanos = pendingNanos;
        this.maxTrackedKeys = maxTrackedKeys;
    }

    /** The budget: failures (and checks in flight) per window. */
    int maxFailures() {
        return maxFailures;
    }

    /**
     * Reserves one password check for {@code key}.
     *
     * @return 0 when reserved (the caller then calls {@link #release} exactly once); otherwise the attempt is refused
     *     and this is how long the refusal lasts: the rest of the key's block, or, when the checks in flight hold the
     *     rest of the budget, the time they take at most ({@code pendingNanos}; a block may follow if they fail);
     *     at least 1
     */
    synchronized long tryReserve(Object key, long nowNanos) {
        sweepIdle(nowNanos);
        Budget budget = budgets.get(key);
        if (budget != null) {
            budget.refresh(nowNanos);
            if (budget.blocked) {
                return Math.max(1, budget.blockEndNanos - nowNanos);
            }
            if (budget.failures + budget.inFlight >= maxFailures) {
                return pendingNanos;
            }
        } else {
            budget = track(key);
        }
        budget.inFlight++;
        return 0;
    }

    /**
     * Ends a check reserved with {@link #tryReserve}.
     *
     * @param failed whether it counts as a failed login
     * @return the duration of the block this failure started, or 0 if it started none
     */
    synchronized long release(Object key, boolean failed, long nowNanos) {
        Budget budget = budgets.get(key);
        if (budget != null && budget.inFlight > 0) {
            budget.inFlight--;
        }
        return settle(key, budget, failed, nowNanos);
    }

    /**
     * Counts a failed login that held no reservation (it shared a check already in flight).
     *
     * @return the duration of the block this failure started, or 0 if it started none
     */
    synchronized long recordFailure(Object key, long nowNanos) {
        return settle(key, budgets.get(key), true, nowNanos);
    }

    private long settle(Object key, Budget tracked, boolean failed, long nowNanos) {
        Budget budget = tracked;
        if (budget == null) {
            if (!failed) {
                return 0;
            }
            budget = track(key);
        }
        budget.refresh(nowNanos);
        if (!failed || budget.blocked) {
            // A failure after the block began (only after an eviction) neither counts nor extends it.
            if (budget.idle()) {
                budgets.remove(key);
            }
            return 0;
        }
        if (budget.failures == 0) {
            budget.windowEndNanos = nowNanos + windowNanos;
        }
        budget.failures++;
        if (budget.failures < maxFailures) {
            return 0;
        }
        budget.blocked = true;
        budget.blockEndNanos = nowNanos + blockNanos;
        return blockNanos;
    }

    /** How long {@code key} stays blocked from {@code nowNanos}; 0 when it is not blocked. */
    synchronized long blockedForNanos(Object key, long nowNanos) {
        Budget budget = budgets.get(key);
        if (budget == null) {
            return 0;
        }
        budget.refresh(nowNanos);
        return budget.blocked ? Math.max(1, budget.blockEndNanos - nowNanos) : 0;
    }

    /** Keys currently tracked (blocked, with failures in their window, or with checks in flight). */
    synchronized int trackedKeys() {
        return budgets.size();
    }

    private Budget track(Object key) {
        if (budgets.size() >= maxTrackedKeys) {
            Iterator<Budget> oldest = budgets.values().iterator();
            oldest.next();
            oldest.remove();
        }
        Budget budget = new Budget();
        budgets.put(key, budget);
        return budget;
    }

    private void sweepIdle(long nowNanos) {
        Iterator<Map.Entry<Object, Budget>> it = budgets.entrySet().iterator();
        for (int i = 0; i < IDLE_SWEEP_PER_RESERVATION && it.hasNext(); i++) {
            Budget budget = it.next().getValue();
            budget.refresh(nowNanos);
            if (budget.idle()) {
                it.remove();
            }
        }
    }

    /** Mutable state of one key, only touched under the throttle's monitor. */
    private static final class Budget {
        long windowEndNanos;
        long blockEndNanos;
        int failures;
        int inFlight;
        boolean blocked;

        /** Forgets a block or a window that has ended; checks in flight stay counted. */
        void refresh(long nowNanos) {
            if (blocked) {
                if (blockEndNanos - nowNanos <= 0) {
                    blocked = false;
                    failures = 0;
                }
            } else if (failures > 0 && windowEndNanos - nowNanos <= 0) {
                failures = 0;
            }
        }

        boolean idle() {
            return !blocked && failures == 0 && inFlight == 0;
        }
    }
}
