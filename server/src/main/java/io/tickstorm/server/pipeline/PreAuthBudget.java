package io.tickstorm.server.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget of bytes that unauthenticated connections may make the server hold: every byte such a
 * connection sends (TLS records and handshake included) is charged by its {@link PreAuthGuard} when it is read and
 * stays charged until the connection authenticates or closes. Before authentication a connection's only complete
 * frame is its AUTH, so what it has sent is, give or take its handshake, what the TLS and frame decoders hold for it.
 * A read that would go over the budget is refused (its connection closed), so however many unauthenticated
 * connections there are, together they hold at most this much; authenticated connections are never charged.
 *
 * <p>Thread-safe: charged and released from every event loop.
 */
public final class PreAuthBudget {

    private final long limitBytes;
    private final AtomicLong usedBytes = new AtomicLong();

    public PreAuthBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("limitBytes must be positive, was " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** Charges {@code bytes} if they fit; returns false (charging nothing) if they would exceed the budget. */
    public boolean tryCharge(long bytes) {
        long used;
        do {
            used = usedBytes.get();
            if (used + bytes > limitBytes) {
                return false;
            }
        } while (!usedBytes.compareAndSet(used, used + bytes));
        return true;
    }

    /** Gives back bytes charged earlier. */
    public void release(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    /** Bytes charged now. */
    public long usedBytes() {
        return usedBytes.get();
    }

    public long limitBytes() {
        return limitBytes;
    }
}
