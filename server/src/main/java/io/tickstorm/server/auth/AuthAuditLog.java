package io.tickstorm.server.auth;

import io.tickstorm.server.logging.RateLimitedLogger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security audit trail of logins (issue 12): failed logins and the blocks they start, at WARN, with the user
 * and the source address, never the password. Each kind has its own rate limit, so a guessing storm writes a few
 * lines per interval (with how many were held back) and cannot hide that a block began.
 *
 * <p>Usernames come from the network: they are cut to {@value #MAX_USERNAME_CHARS} characters and control
 * characters are replaced, so a crafted name cannot forge log lines or fill the log.
 */
final class AuthAuditLog {

    static final int MAX_USERNAME_CHARS = 64;
    private static final Logger LOG = LoggerFactory.getLogger(AuthAuditLog.class);
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final RateLimitedLogger failures = new RateLimitedLogger(LOG, 10, INTERVAL);
    private final RateLimitedLogger blocks = new RateLimitedLogger(LOG, 10, INTERVAL);

    /** A failed login: wrong password, unknown user, empty credentials, or refused for want of hash capacity. */
    void failedLogin(String username, String source, AuthReason reason) {
        failures.warn("Failed login: user={} from {} ({})", printable(username), source, reason.label());
    }

    /** A source address reached its failed-login budget. */
    void sourceBlocked(String source, int failures, long blockNanos) {
        blocks.warn("Logins from {} blocked for {} s after {} failed logins", source, seconds(blockNanos), failures);
    }

    /** An account reached its budget for failures from addresses that never logged it in. */
    void accountBlocked(String username, int failures, long blockNanos) {
        blocks.warn("Logins as user={} from addresses that never logged it in blocked for {} s after {} failed logins",
                printable(username), seconds(blockNanos), failures);
    }

    /** A correct password whose check completed after its source or account was blocked: refused all the same. */
    void lateSuccessRefused(String username, String source, long retryAfterNanos) {
        blocks.warn("Login of user={} from {} refused: its check completed after a block began ({} s left)",
                printable(username), source, seconds(retryAfterNanos));
    }

    /** An attempt refused unchecked because its source or account is blocked; DEBUG, it is the block working. */
    void refused(String username, String source, AuthReason reason, long retryAfterNanos) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Login refused unchecked: user={} from {} ({}, retry in {} s)", printable(username), source,
                    reason.label(), seconds(retryAfterNanos));
        }
    }

    /** Whole seconds, rounded up, so that a client told "retry in N s" is never early. */
    static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }

    static String printable(String username) {
        if (username == null) {
            return "";
        }
        int length = Math.min(username.length(), MAX_USERNAME_CHARS);
        StringBuilder text = new StringBuilder(length + 1);
        for (int i = 0; i < length; i++) {
            char c = username.charAt(i);
            boolean unsafe = Character.isISOControl(c) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029';
            text.append(unsafe ? '?' : c);
        }
        if (username.length() > MAX_USERNAME_CHARS) {
            text.append('…');
        }
        return text.toString();
    }
}
