package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.file.TickRecord;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition on its way from the consumer thread to the feed thread: a bounded queue of record batches, and what
 * the consumer thread learned about the partition's end, published for the feed thread.
 *
 * <pre>
 *  consumer thread: offer(batch) ... markEnd(at) ... markCaughtUp()      (counts batches offered)
 *                        │                 │               │
 *  feed thread:     next() / done() ──► watermarkNanos(), caughtUp()     (counts batches finished)
 * </pre>
 *
 * A mark names how many batches had been offered when it was made; the feed thread applies it once it has
 * finished that many, so "read to its end at time T" is only believed once every record before that end is written.
 *
 * <h2>Watermark</h2>
 * The partition's promise about its future records, epoch ns: the largest record timestamp seen, or, if later, the
 * time it was last found read to its end. Records still to come are stamped no earlier than that, less the record
 * delay (the source subtracts it). A partition is never dropped for being ahead: the source skips it while its next
 * tick lies beyond the market's horizon, and the consumer thread pauses it while its queue is full.
 */
final class PartitionLane {

    /** Batches a lane holds at most. */
    static final int CAPACITY = 8;
    /** The consumer pauses the partition at this many queued batches... */
    static final int PAUSE_AT = 4;
    /** ...and resumes it at this many. */
    static final int RESUME_AT = 1;

    private static final long NANOS_PER_MS = 1_000_000L;

    /** An end seen by the consumer thread: after {@code batches} batches, at {@code atNanos}. */
    private record EndMark(long batches, long atNanos) {
    }

    private final TopicPartition topicPartition;
    private final BatchQueue queue = new BatchQueue(CAPACITY);

    // Consumer thread.
    private long offered;
    private boolean paused;
    private final long catchUpOffset;

    // Published by the consumer thread.
    private volatile EndMark end;
    private volatile long caughtUpAfter = -1;

    // Feed thread.
    private List<ConsumerRecord<byte[], byte[]>> batch;
    private int index;
    private long finished;
    private long maxRecordMs = Long.MIN_VALUE;
    private long endNanos = Long.MIN_VALUE;
    /** The decoded record {@link #pendingRecord} waits for the market's horizon. */
    private final TickRecord record = new TickRecord();
    private ConsumerRecord<byte[], byte[]> pendingRecord;
    private int pendingBars;

    /**
     * @param catchUpOffset the offset the partition must be read to before the source has caught up (its end when
     *     the source started), 0 for a partition added later
     */
    PartitionLane(TopicPartition topicPartition, long catchUpOffset) {
        this.topicPartition = topicPartition;
        this.catchUpOffset = catchUpOffset;
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    int partition() {
        return topicPartition.partition();
    }

    // ---- consumer thread ----

    /** Queues a batch; false if the queue is full. */
    boolean offer(List<ConsumerRecord<byte[], byte[]>> records) {
        if (!queue.offer(records)) {
            return false;
        }
        offered++;
        return true;
    }

    /** Batches queued now. */
    int queued() {
        return queue.size();
    }

    boolean paused() {
        return paused;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    long catchUpOffset() {
        return catchUpOffset;
    }

    /** The partition was read to its end at {@code atNanos}: nothing is in the log past what was offered. */
    void markEnd(long atNanos) {
        end = new EndMark(offered, atNanos);
    }

    /** The consumer has read past {@link #catchUpOffset()}: once its batches are written, the lane has caught up. */
    void markCaughtUp() {
        if (caughtUpAfter < 0) {
            caughtUpAfter = offered;
        }
    }

    /** Whether {@link #markCaughtUp()} was called. */
    boolean caughtUpMarked() {
        return caughtUpAfter >= 0;
    }

    // ---- feed thread ----

    /** The next record to write, or null if none is queued. The caller calls {@link #done()} once it is handled. */
    ConsumerRecord<byte[], byte[]> next() {
        if (batch == null) {
            batch = queue.poll();
            index = 0;
            if (batch == null) {
                return null;
            }
        }
        return batch.get(index++);
    }

    /** The record last returned by {@link #next()} is written or skipped. */
    void done() {
        if (index == batch.size()) {
            batch = null;
            finished++;
        }
    }

    /** Notes a record's timestamp (a fact of the log, whatever its value holds). */
    void seen(long recordMs) {
        if (recordMs > maxRecordMs) {
            maxRecordMs = recordMs;
        }
    }

    /** The holder the lane's records are decoded into; its symbol refers into the record's value. */
    TickRecord record() {
        return record;
    }

    /** The record decoded into {@link #record()} waits for the horizon, to be written with {@code bars}. */
    void hold(ConsumerRecord<byte[], byte[]> pending, int bars) {
        this.pendingRecord = pending;
        this.pendingBars = bars;
    }

    /** The held record, or null. */
    ConsumerRecord<byte[], byte[]> pendingRecord() {
        return pendingRecord;
    }

    int pendingBars() {
        return pendingBars;
    }

    void release() {
        pendingRecord = null;
    }

    /** See the class comment; {@link Long#MIN_VALUE} while nothing is known. */
    long watermarkNanos() {
        EndMark mark = end;
        if (mark != null && finished >= mark.batches && mark.atNanos > endNanos) {
            endNanos = mark.atNanos;
        }
        long recordNanos = maxRecordMs == Long.MIN_VALUE ? Long.MIN_VALUE : maxRecordMs * NANOS_PER_MS;
        return Math.max(recordNanos, endNanos);
    }

    /** Whether every record up to the catch-up offset is written. */
    boolean caughtUp() {
        long after = caughtUpAfter;
        return after >= 0 && finished >= after && pendingRecord == null;
    }
}
