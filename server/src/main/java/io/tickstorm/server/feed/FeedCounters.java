package io.tickstorm.server.feed;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What happened to every record a source read ({@code tick_storm_feed_ticks_total{result}} and
 * {@code tick_storm_feed_malformed_total{reason}}). The feed thread counts in plain fields and {@link #publish()}es
 * them once per pump, so counting a tick costs an add, not a fence; any thread reads the published values.
 */
public final class FeedCounters {

    /** The {@code result} label values. */
    public enum Result {
        /** Counted in its bars. */
        OK("ok"),
        /** Skipped: see {@link MalformedReason}. */
        MALFORMED("malformed"),
        /** Skipped: a symbol the universe does not carry. */
        UNKNOWN_SYMBOL("unknown_symbol"),
        /** Delivered on REALTIME streams but left out of at least one bar. */
        LATE("late");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        /** The metric label value. */
        public String label() {
            return label;
        }
    }

    private static final int RESULTS = Result.values().length;

    private final long[] counts = new long[RESULTS + MalformedReason.values().length];
    private final AtomicLongArray published = new AtomicLongArray(counts.length);
    private long liveTicks;
    private volatile long publishedLiveTicks;

    void add(Result result) {
        counts[result.ordinal()]++;
    }

    void malformed(MalformedReason reason) {
        counts[Result.MALFORMED.ordinal()]++;
        counts[RESULTS + reason.ordinal()]++;
    }

    void liveTick() {
        liveTicks++;
    }

    /** Feed thread: makes the counts so far visible to readers. */
    void publish() {
        for (int i = 0; i < counts.length; i++) {
            published.lazySet(i, counts[i]);
        }
        publishedLiveTicks = liveTicks;
    }

    /** Records with {@code result}, as last published. */
    public long count(Result result) {
        return published.get(result.ordinal());
    }

    /** Records skipped for {@code reason}, as last published. */
    public long malformedCount(MalformedReason reason) {
        return published.get(RESULTS + reason.ordinal());
    }

    /** Ticks written while live (not while rebuilding history), as last published: tick_storm_ticks_generated_total. */
    public long liveTicks() {
        return publishedLiveTicks;
    }
}
