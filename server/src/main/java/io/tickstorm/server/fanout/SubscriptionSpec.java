package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;

/**
 * A validated SUBSCRIBE: the mode, the subscribed symbols as sorted universe indexes (duplicates removed; every
 * symbol when the request named none) and the replay start (0 = none).
 */
public record SubscriptionSpec(SubscriptionMode mode, int[] symbols, long startTimeMs) {

    public boolean replay() {
        return startTimeMs != 0;
    }
}
