package io.tickstorm.server.feed;

/**
 * The bar intervals the feed closes. Bars close on wall-clock boundaries (multiples of {@link #intervalMs()} since
 * the epoch), and a bar's sequence number is its boundary in whole intervals since the epoch (PROTOCOL.md §5.5), so
 * every replica numbers the same interval the same way.
 */
public enum BarMode {
    /** One bar per symbol at every whole epoch second. */
    SECOND(1_000L),
    /** One bar per symbol at every whole epoch minute. */
    MINUTE(60_000L);

    private final long intervalMs;

    BarMode(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** The bar interval in milliseconds. */
    public long intervalMs() {
        return intervalMs;
    }

    /** The sequence number of the bar closed at {@code boundaryMs}: epoch second or epoch minute. */
    public long sequenceOf(long boundaryMs) {
        return Math.floorDiv(boundaryMs, intervalMs);
    }

    /** The boundary (epoch ms) of the bar with sequence number {@code sequence}. */
    public long boundaryOf(long sequence) {
        return sequence * intervalMs;
    }

    /** The start of the interval containing {@code epochMs}, i.e. the last boundary at or before it. */
    public long floorMs(long epochMs) {
        return Math.floorDiv(epochMs, intervalMs) * intervalMs;
    }
}
