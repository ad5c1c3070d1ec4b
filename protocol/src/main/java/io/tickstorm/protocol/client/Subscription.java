package io.tickstorm.protocol.client;

import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link ResumingSubscription} subscribes to.
 *
 * @param mode SECOND, MINUTE or REALTIME
 * @param symbols the symbols wanted; empty for every symbol the server carries
 * @param startTimeMs replay retained bars from this time on when first subscribing (PROTOCOL.md §5.3), or 0
 * @param conflation a conflated REALTIME subscription at this interval (PROTOCOL.md §5.6), or {@code null}
 */
public record Subscription(SubscriptionMode mode, List<String> symbols, long startTimeMs, Duration conflation) {

    /** A subscription without conflation. */
    public Subscription(SubscriptionMode mode, List<String> symbols, long startTimeMs) {
        this(mode, symbols, startTimeMs, null);
    }

    public Subscription {
        Objects.requireNonNull(mode, "mode");
        symbols = List.copyOf(Objects.requireNonNull(symbols, "symbols"));
        if (startTimeMs < 0) {
            throw new IllegalArgumentException("startTimeMs: " + startTimeMs + " (expected >= 0)");
        }
        if (startTimeMs > 0 && mode == SubscriptionMode.REALTIME) {
            throw new IllegalArgumentException("startTimeMs: REALTIME keeps no history to replay");
        }
        if (conflation != null) {
            if (mode != SubscriptionMode.REALTIME) {
                throw new IllegalArgumentException("conflation: REALTIME only");
            }
            TickClient.conflateMs(conflation);
        }
    }

    /** A conflated REALTIME subscription: at most one batch per {@code interval}. */
    public static Subscription conflated(Collection<String> symbols, Duration interval) {
        return new Subscription(SubscriptionMode.REALTIME, List.copyOf(symbols), 0,
                Objects.requireNonNull(interval, "interval"));
    }

    /** Sends this subscription's SUBSCRIBE on {@code client}, replaying from {@code startTimeMs} (bars only). */
    CompletableFuture<AckResponse> sendOn(TickClient client, long startTimeMs) {
        return conflation != null
                ? client.subscribeConflatedAsync(symbols, conflation)
                : client.subscribeAsync(mode, symbols, startTimeMs);
    }

    public static Subscription of(SubscriptionMode mode, Collection<String> symbols) {
        return new Subscription(mode, List.copyOf(symbols), 0);
    }

    /** Whether the server numbers batches by interval (SECOND, MINUTE), so that a reconnect can resume losslessly. */
    public boolean resumable() {
        return mode == SubscriptionMode.SECOND || mode == SubscriptionMode.MINUTE;
    }

    /** Length of one interval of a {@linkplain #resumable() resumable} mode: its batch_sequence unit. */
    long intervalMs() {
        return mode == SubscriptionMode.MINUTE ? 60_000 : 1_000;
    }
}
