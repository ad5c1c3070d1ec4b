package io.tickstorm.server.feed.kafka;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A bounded single-producer single-consumer queue of record batches (the records one poll returned for one
 * partition): a ring of slots with release-stores of the two counters, so handing a batch over takes no lock.
 * Never blocks: the consumer thread pauses the partition before the ring fills.
 */
final class BatchQueue {

    private final List<ConsumerRecord<byte[], byte[]>>[] slots;
    private final int mask;
    /** Next slot to take; written by the feed thread only. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot to fill; written by the consumer thread only. */
    private final AtomicLong tail = new AtomicLong();

    @SuppressWarnings("unchecked")
    BatchQueue(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.slots = new List[size];
        this.mask = size - 1;
    }

    /** Consumer thread: appends {@code batch}; false if the queue is full. */
    boolean offer(List<ConsumerRecord<byte[], byte[]>> batch) {
        long t = tail.get();
        if (t - head.get() == slots.length) {
            return false;
        }
        slots[(int) t & mask] = batch;
        tail.lazySet(t + 1); // publishes the slot to the feed thread's volatile read of tail
        return true;
    }

    /** Feed thread: the oldest batch, or null if there is none. */
    List<ConsumerRecord<byte[], byte[]>> poll() {
        long h = head.get();
        if (h == tail.get()) {
            return null;
        }
        int slot = (int) h & mask;
        List<ConsumerRecord<byte[], byte[]>> batch = slots[slot];
        slots[slot] = null;
        head.lazySet(h + 1);
        return batch;
    }

    /** Batches queued now; either thread. */
    int size() {
        return (int) (tail.get() - head.get());
    }
}
