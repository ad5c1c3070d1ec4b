package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.entitlement.SymbolPatterns;

/**
 * A validated SUBSCRIBE: the mode, the subscribed symbols as universe indexes ordered by name (duplicates removed),
 * or {@code allSymbols} when the request named none (every symbol, including ones the server learns later), and
 * the replay start (0 = none), and the user's entitlements the request was checked against (which narrow
 * {@code allSymbols} to the entitled ones, present and future).
 */
public record SubscriptionSpec(SubscriptionMode mode, int[] symbols, boolean allSymbols, long startTimeMs,
        SymbolPatterns entitlement) {

    /** A subscription of a user entitled to every symbol. */
    public SubscriptionSpec(SubscriptionMode mode, int[] symbols, boolean allSymbols, long startTimeMs) {
        this(mode, symbols, allSymbols, startTimeMs, SymbolPatterns.EVERYTHING);
    }

    public boolean replay() {
        return startTimeMs != 0;
    }
}
