package io.tickstorm.protocol.client;

/**
 * Checks that the {@code batch_sequence} of a connection's batches is contiguous (PROTOCOL.md §5.5): after the first
 * batch (the snapshot, or the first replayed batch), every batch carries the previous one's number + 1. Numbers are
 * uint32 on the wire, so the successor of 2<sup>32</sup>-1 is 0.
 *
 * <p>Not thread-safe: used by one connection's event loop. Allocation-free.
 */
final class BatchSequenceTracker {

    /** Returned by {@link #observe} when the sequence continues as expected. */
    static final long CONTINUOUS = -1;

    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    private boolean started;
    private long previous;

    /**
     * Records the next batch's sequence.
     *
     * @param sequence the batch's {@code batch_sequence}, as an unsigned value
     * @return {@link #CONTINUOUS}, or the sequence that was expected instead of {@code sequence}
     */
    long observe(long sequence) {
        long expected = (previous + 1) & UINT32_MASK;
        boolean first = !started;
        started = true;
        previous = sequence;
        return first || sequence == expected ? CONTINUOUS : expected;
    }
}
