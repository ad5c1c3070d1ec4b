package io.tickstorm.server.auth;

import java.util.Objects;

/**
 * The failed-login budgets of one authenticator (PROTOCOL.md §5.1, issue 12 items 4 and 7), and the audit of what
 * they decide:
 *
 * <ul>
 *   <li>per source ({@code max-attempts}): every attempt reserves a check before anything is looked at, so checks
 *       in flight count and a burst gets at most the budget checked; refusals for want of hash capacity count too
 *       (unless the source is known for that user), so flooding the hash queue gets a source blocked;
 *   <li>per account ({@code account-max-attempts}): failures from sources that never logged that user in, so a
 *       guessing campaign spread over many addresses is bounded per account, while the sources that did log it in
 *       ({@link KnownSources}) keep working: strangers cannot lock the owner out of its usual places. Applied to
 *       every username alike, known or not, so its refusals say nothing about which users exist.
 * </ul>
 *
 * <p>Protocol: when the AUTH arrives, {@link #reserve} if it will check a password, or {@link #share} if it shares
 * a check already in flight for identical credentials (a reconnect storm of clients behind one NAT checks one
 * password, so it takes one reservation, not one per client; its failures still count one each); when it is
 * admitted, {@link #settle} exactly once with what the check found. A success that completes while its source (or,
 * for a stranger, its account) is blocked is refused: the reservations make that rare (a block needs every check in
 * flight to have ended) but not impossible (an evicted entry). Thread-safe: the parts are.
 */
final class LoginThrottles {

    private final FailedLoginThrottle sources;
    private final FailedLoginThrottle accounts;
    private final KnownSources knownSources;
    private final AuthAuditLog audit;

    LoginThrottles(AuthConfig config, AuthAuditLog audit) {
        this.sources = new FailedLoginThrottle(config.maxAttempts(), config.rateLimitWindowNanos(),
                config.blockDurationNanos(), config.timeoutNanos(), FailedLoginThrottle.DEFAULT_MAX_TRACKED_KEYS);
        this.accounts = new FailedLoginThrottle(config.accountMaxAttempts(), config.rateLimitWindowNanos(),
                config.blockDurationNanos(), config.timeoutNanos(), FailedLoginThrottle.DEFAULT_MAX_TRACKED_KEYS);
        this.knownSources = new KnownSources(config.knownSourceTtlNanos(), KnownSources.DEFAULT_MAX_ENTRIES);
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Reserves the checks of an attempt that will check a password (or has empty credentials).
     *
     * @param sourceKey the throttle key of the source (see {@link Authenticator})
     * @param source    the source as logged
     */
    Reservation reserve(String username, Object sourceKey, String source, long nowNanos) {
        long waitNanos = sources.tryReserve(sourceKey, nowNanos);
        if (waitNanos > 0) {
            return refused(username, source, AuthReason.RATE_LIMITED, waitNanos);
        }
        boolean known = known(username, sourceKey, nowNanos);
        if (!known && hasUsername(username)) {
            waitNanos = accounts.tryReserve(username, nowNanos);
            if (waitNanos > 0) {
                sources.release(sourceKey, false, nowNanos);
                return refused(username, source, AuthReason.ACCOUNT_RATE_LIMITED, waitNanos);
            }
        }
        return new Reservation(username, sourceKey, source, known, true, null, 0);
    }

    /**
     * Admits, without a reservation, an attempt that shares a check already in flight (identical credentials): it is
     * refused only if its source, or for a stranger its account, is blocked.
     */
    Reservation share(String username, Object sourceKey, String source, long nowNanos) {
        long blockNanos = sources.blockedForNanos(sourceKey, nowNanos);
        if (blockNanos > 0) {
            return refused(username, source, AuthReason.RATE_LIMITED, blockNanos);
        }
        boolean known = known(username, sourceKey, nowNanos);
        blockNanos = !known && hasUsername(username) ? accounts.blockedForNanos(username, nowNanos) : 0;
        if (blockNanos > 0) {
            return refused(username, source, AuthReason.ACCOUNT_RATE_LIMITED, blockNanos);
        }
        return new Reservation(username, sourceKey, source, known, false, null, 0);
    }

    /**
     * Ends an admitted attempt with what its check found and returns what to answer: {@code outcome} itself, or a
     * refusal for a success that completed after a block began.
     */
    Verdict settle(Reservation attempt, AuthReason outcome, long nowNanos) {
        switch (outcome) {
            case VERIFIED, CACHED -> {
                release(attempt, false, false, nowNanos);
                long sourceBlockNanos = sources.blockedForNanos(attempt.sourceKey, nowNanos);
                if (sourceBlockNanos > 0) {
                    audit.lateSuccessRefused(attempt.username, attempt.source, sourceBlockNanos);
                    return new Verdict(AuthReason.RATE_LIMITED, sourceBlockNanos);
                }
                long accountBlockNanos = attempt.stranger()
                        ? accounts.blockedForNanos(attempt.username, nowNanos) : 0;
                if (accountBlockNanos > 0) {
                    audit.lateSuccessRefused(attempt.username, attempt.source, accountBlockNanos);
                    return new Verdict(AuthReason.ACCOUNT_RATE_LIMITED, accountBlockNanos);
                }
                knownSources.remember(attempt.username, attempt.sourceKey, nowNanos);
                return new Verdict(outcome, 0);
            }
            case UNKNOWN_USER, BAD_PASSWORD, EMPTY -> {
                audit.failedLogin(attempt.username, attempt.source, outcome);
                release(attempt, true, true, nowNanos);
                return new Verdict(outcome, 0);
            }
            case BUSY -> {
                // Counted against the source (a flood of attempts must cost the flooder), not the account (a busy
                // server says nothing about the password), and not for a source known for that user.
                if (!attempt.known) {
                    audit.failedLogin(attempt.username, attempt.source, outcome);
                }
                release(attempt, !attempt.known, false, nowNanos);
                return new Verdict(outcome, 0);
            }
            default -> {
                release(attempt, false, false, nowNanos);
                return new Verdict(outcome, 0);
            }
        }
    }

    /** Source keys tracked (blocked, failing or in flight). */
    int trackedSources() {
        return sources.trackedKeys();
    }

    /** (user, source) pairs known from recent logins. */
    int knownSources() {
        return knownSources.size();
    }

    private boolean known(String username, Object sourceKey, long nowNanos) {
        return hasUsername(username) && knownSources.contains(username, sourceKey, nowNanos);
    }

    private static boolean hasUsername(String username) {
        return username != null && !username.isEmpty();
    }

    private Reservation refused(String username, String source, AuthReason reason, long retryAfterNanos) {
        audit.refused(username, source, reason, retryAfterNanos);
        return new Reservation(null, null, null, false, false, reason, retryAfterNanos);
    }

    private void release(Reservation attempt, boolean sourceFailed, boolean accountFailed, long nowNanos) {
        long sourceBlockNanos = end(sources, attempt.sourceKey, attempt.reserved, sourceFailed, nowNanos);
        if (sourceBlockNanos > 0) {
            audit.sourceBlocked(attempt.source, sources.maxFailures(), sourceBlockNanos);
        }
        if (attempt.stranger()) {
            long accountBlockNanos = end(accounts, attempt.username, attempt.reserved, accountFailed, nowNanos);
            if (accountBlockNanos > 0) {
                audit.accountBlocked(attempt.username, accounts.maxFailures(), accountBlockNanos);
            }
        }
    }

    private static long end(FailedLoginThrottle throttle, Object key, boolean reserved, boolean failed,
            long nowNanos) {
        if (reserved) {
            return throttle.release(key, failed, nowNanos);
        }
        return failed ? throttle.recordFailure(key, nowNanos) : 0;
    }

    /**
     * One admitted attempt (its reservations, if it holds any), or a refusal.
     *
     * @param known           whether the source recently logged this user in (exempt from the account budget)
     * @param reserved        whether it holds reservations (on its source, and for a stranger on the account)
     * @param refusal         null when admitted; otherwise why it was refused
     * @param retryAfterNanos for a refusal, how long it lasts
     */
    record Reservation(String username, Object sourceKey, String source, boolean known, boolean reserved,
            AuthReason refusal, long retryAfterNanos) {

        boolean admitted() {
            return refusal == null;
        }

        /** Counted against the account's budget for strangers: a username, from a source not known for it. */
        boolean stranger() {
            return !known && hasUsername(username);
        }
    }

    /**
     * What to answer.
     *
     * @param retryAfterNanos for a refusal, how long the block lasts; 0 otherwise
     */
    record Verdict(AuthReason reason, long retryAfterNanos) {
    }
}
