package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.entitlement.SymbolPatterns;

/**
 * A validated SUBSCRIBE: the mode, the subscribed symbols as universe indexes ordered by name (duplicates removed),
 * or {@code allSymbols} when the request named none (every symbol, including ones the server learns later), the
 * replay start (0 = none), the conflation interval (0 = every tick; PROTOCOL.md §5.6) and the user's entitlements
 * the request was checked against (which narrow {@code allSymbols} to the entitled ones, present and future).
 */
public record SubscriptionSpec(SubscriptionMode mode, int[] symbols, boolean allSymbols, long startTimeMs,
        int conflateMs, SymbolPatterns entitlement) {

    /** A subscription without conflation, of a user entitled to every symbol. */
    public SubscriptionSpec(SubscriptionMode mode, int[] symbols, boolean allSymbols, long startTimeMs) {
        this(mode, symbols, allSymbols, startTimeMs, 0, SymbolPatterns.EVERYTHING);
    }

    public boolean replay() {
        return startTimeMs != 0;
    }

    /** Whether this is a conflated REALTIME subscription (at most one batch per {@link #conflateMs}). */
    public boolean conflated() {
        return conflateMs != 0;
    }
}
