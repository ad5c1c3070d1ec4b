package io.tickstorm.server.admission;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source address that turns an accept flood into a queue instead of a ban.
 *
 * <p>Each new connection takes a token; a bucket holds at most {@code burst} tokens and refills at {@code rate} per
 * second. When the bucket is empty the connection is not refused but <em>reserved</em>: the token is borrowed and the
 * caller delays the connection until it would have been available. Debt is paid back by connections that close while
 * still waiting ({@link #refund}), so the debt of an address never exceeds the connections it has waiting, which the
 * connection caps bound. A NAT with a thousand well-behaved clients therefore gets all of them in, at {@code rate}
 * once the burst is spent; a reconnect loop mostly waits, and costs no TLS handshake while it does.
 *
 * <p>State is bounded: a bucket that has refilled completely is the same as no bucket, so once {@code maxAddresses}
 * are tracked such buckets are dropped; if every tracked address is still busy, a new address is admitted without a
 * bucket (the global caps still hold). Thread-safe; called from every event loop.
 */
final class AcceptRateGuard {

    private static final double NANOS_PER_SECOND = 1e9;

    private final double tokensPerNano;
    private final int burst;
    private final int maxAddresses;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    AcceptRateGuard(double ratePerSecond, int burst, int maxAddresses) {
        if (!(ratePerSecond > 0) || burst < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("need rate > 0, burst >= 1, maxAddresses >= 1");
        }
        this.tokensPerNano = ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.maxAddresses = maxAddresses;
    }

    /** Takes a token for a new connection from {@code address}; returns how long to hold it back (0 = go now). */
    long delayNanos(InetAddress address, long nowNanos) {
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            if (buckets.size() >= maxAddresses) {
                buckets.values().removeIf(b -> b.isFull(nowNanos));
                if (buckets.size() >= maxAddresses) {
                    return 0;
                }
            }
            bucket = buckets.computeIfAbsent(address, a -> new Bucket(burst, nowNanos));
        }
        return bucket.take(nowNanos);
    }

    /** Returns the token of a connection that closed before its delay ended. */
    void refund(InetAddress address, long nowNanos) {
        Bucket bucket = buckets.get(address);
        if (bucket != null) {
            bucket.refund(nowNanos);
        }
    }

    /** Addresses with a bucket right now. */
    int trackedAddresses() {
        return buckets.size();
    }

    private final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long nowNanos) {
            this.tokens = tokens;
            this.updatedNanos = nowNanos;
        }

        synchronized long take(long nowNanos) {
            refill(nowNanos);
            tokens -= 1;
            return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
        }

        synchronized void refund(long nowNanos) {
            refill(nowNanos);
            tokens = Math.min(burst, tokens + 1);
        }

        synchronized boolean isFull(long nowNanos) {
            return tokens + (nowNanos - updatedNanos) * tokensPerNano >= burst;
        }

        private void refill(long nowNanos) {
            long elapsed = nowNanos - updatedNanos;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
                updatedNanos = nowNanos;
            }
        }
    }
}
