package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;

/**
 * A validated SUBSCRIBE: the mode, the subscribed symbols as universe indexes ordered by name (duplicates removed),
 * or {@code allSymbols} when the request named none (every symbol, including ones the server learns later), and
 * the replay start (0 = none).
 */
public record SubscriptionSpec(SubscriptionMode mode, int[] symbols, boolean allSymbols, long startTimeMs) {

    public boolean replay() {
        return startTimeMs != 0;
    }
}
