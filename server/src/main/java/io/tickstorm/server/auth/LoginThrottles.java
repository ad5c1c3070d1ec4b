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
 * <p>Protocol: {@link #reserve} when the AUTH arrives; when it is admitted, {@link #settle} exactly once with what
 * the check found. A success that completes while its source (or, for a stranger, its account) is blocked is refused:
 * the reservations make that rare (a block needs every check in flight to have ended) but not impossible (an evicted
 * entry). Thread-safe: the parts are.
 */
final class LoginThrottles {

    private final FailedLoginThrottle sources;
    private final FailedLoginThrottle accounts;
    private final KnownSources knownSources;
    private final AuthAuditLog audit;

    LoginThrottles(AuthConfig config, AuthAuditLog audit) {
        this.sources = new FailedLoginThrottle(config.maxAttempts(), config.rateLimitWindowNanos(),
                config.blockDurationNanos(), FailedLoginThrottle.DEFAULT_MAX_TRACKED_KEYS);
        this.accounts = new FailedLoginThrottle(config.accountMaxAttempts(), config.rateLimitWindowNanos(),
                config.blockDurationNanos(), FailedLoginThrottle.DEFAULT_MAX_TRACKED_KEYS);
        this.knownSources = new KnownSources(config.knownSourceTtlNanos(), KnownSources.DEFAULT_MAX_ENTRIES);
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Reserves the checks of one attempt.
     *
     * @param sourceKey the throttle key of the source (see {@link Authenticator})
     * @param source    the source as logged
     */
    Reservation reserve(String username, Object sourceKey, String source, long nowNanos) {
        long waitNanos = sources.tryReserve(sourceKey, nowNanos);
        if (waitNanos > 0) {
            audit.refused(username, source, AuthReason.RATE_LIMITED, waitNanos);
            return Reservation.refused(AuthReason.RATE_LIMITED, waitNanos);
        }
        boolean account = username != null && !username.isEmpty();
        boolean known = account && knownSources.contains(username, sourceKey, nowNanos);
        boolean accountReserved = account && !known;
        if (accountReserved) {
            waitNanos = accounts.tryReserve(username, nowNanos);
            if (waitNanos > 0) {
                sources.release(sourceKey, false, nowNanos);
                audit.refused(username, source, AuthReason.ACCOUNT_RATE_LIMITED, waitNanos);
                return Reservation.refused(AuthReason.ACCOUNT_RATE_LIMITED, waitNanos);
            }
        }
        return new Reservation(username, sourceKey, source, known, accountReserved, null, 0);
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
                long accountBlockNanos = attempt.accountReserved
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

    private void release(Reservation attempt, boolean sourceFailed, boolean accountFailed, long nowNanos) {
        long sourceBlockNanos = sources.release(attempt.sourceKey, sourceFailed, nowNanos);
        if (sourceBlockNanos > 0) {
            audit.sourceBlocked(attempt.source, sources.maxFailures(), sourceBlockNanos);
        }
        if (attempt.accountReserved) {
            long accountBlockNanos = accounts.release(attempt.username, accountFailed, nowNanos);
            if (accountBlockNanos > 0) {
                audit.accountBlocked(attempt.username, accounts.maxFailures(), accountBlockNanos);
            }
        }
    }

    /**
     * One attempt's reservations, or its refusal.
     *
     * @param refusal         null when admitted; otherwise why it was refused
     * @param retryAfterNanos for a refusal, how long the block lasts at most
     */
    record Reservation(String username, Object sourceKey, String source, boolean known, boolean accountReserved,
            AuthReason refusal, long retryAfterNanos) {

        static Reservation refused(AuthReason reason, long retryAfterNanos) {
            return new Reservation(null, null, null, false, false, reason, retryAfterNanos);
        }

        boolean admitted() {
            return refusal == null;
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
