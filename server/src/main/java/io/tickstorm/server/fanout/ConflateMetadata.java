package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;

/**
 * Reads the {@value #KEY} entry of a SubscribeRequest's metadata (PROTOCOL.md §5.6): a decimal integer from
 * {@value #MIN_MS} to {@value #MAX_MS}, for REALTIME without a start time only. Anything else is rejected naming
 * {@value #KEY}. Stateless.
 */
final class ConflateMetadata {

    /** The metadata key. */
    static final String KEY = "conflate_ms";
    static final int MIN_MS = 10;
    static final int MAX_MS = 60_000;
    /** Longer digit strings are out of range anyway; checking the length first keeps parsing overflow-free. */
    private static final int MAX_DIGITS = 9;

    private ConflateMetadata() {
    }

    /** The interval the request asks for, or 0 when it asks for none. */
    static int conflateMs(SubscribeRequest request) throws SubscriptionRejectedException {
        String value = request.getMetadataMap().get(KEY);
        if (value == null) {
            return 0;
        }
        if (request.getMode() != SubscriptionMode.REALTIME) {
            throw new SubscriptionRejectedException(KEY, KEY + " applies to REALTIME only, not " + request.getMode());
        }
        if (request.getStartTimeMs() != 0) {
            throw new SubscriptionRejectedException(KEY, KEY + " cannot be combined with start_time_ms");
        }
        if (value.isEmpty() || value.length() > MAX_DIGITS || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SubscriptionRejectedException(KEY, KEY + " must be an integer number of milliseconds from "
                    + MIN_MS + " to " + MAX_MS + ", got \"" + printable(value) + "\"");
        }
        int ms = Integer.parseInt(value);
        if (ms < MIN_MS || ms > MAX_MS) {
            throw new SubscriptionRejectedException(KEY, KEY + " must be from " + MIN_MS + " to " + MAX_MS
                    + " ms, got " + ms);
        }
        return ms;
    }

    private static String printable(String value) {
        String cut = value.length() > 16 ? value.substring(0, 16) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
