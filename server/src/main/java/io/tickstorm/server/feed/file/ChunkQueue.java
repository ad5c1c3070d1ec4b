package io.tickstorm.server.feed.file;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded single-producer single-consumer queue of chunks: a ring of slots with a release-store of the producer's
 * and consumer's counters, so passing a chunk allocates nothing and takes no lock (a lock could allocate a wait
 * node under contention). Never blocks: callers park and unpark around it.
 */
final class ChunkQueue {

    private final LineChunk[] slots;
    private final int mask;
    /** Next slot to take; written by the consumer only. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot to fill; written by the producer only. */
    private final AtomicLong tail = new AtomicLong();

    ChunkQueue(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.slots = new LineChunk[size];
        this.mask = size - 1;
    }

    /** Producer: appends {@code chunk}; false if the queue is full. */
    boolean offer(LineChunk chunk) {
        long t = tail.get();
        if (t - head.get() == slots.length) {
            return false;
        }
        slots[(int) t & mask] = chunk;
        tail.lazySet(t + 1); // publishes the slot (and the chunk's bytes) to the consumer's volatile read of tail
        return true;
    }

    /** Consumer: the oldest chunk, or null if there is none. */
    LineChunk poll() {
        long h = head.get();
        if (h == tail.get()) {
            return null;
        }
        int slot = (int) h & mask;
        LineChunk chunk = slots[slot];
        slots[slot] = null;
        head.lazySet(h + 1);
        return chunk;
    }
}
