package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes one encoded batch to the subscribers of one stream on one event loop: a {@code retainedDuplicate()} each,
 * so every subscriber shares the same bytes; the task's own reference is released at the end. Runs on that loop.
 *
 * <p>Every write passes the connection's outbound budget ({@code SlowConsumerGuard}): a subscriber that cannot take
 * the batch is closed as SLOW_CONSUMER there, so a connection that stays open never misses a batch.
 */
final class Delivery implements Runnable {

    private final FanOutContext context;
    private final LoopGroup group;
    private final ByteBuf batch;
    private final long sequence;
    private final int tickCount;
    private final long originEpochNanos;
    private final Round round;
    private final Stream stream;

    Delivery(FanOutContext context, Stream stream, LoopGroup group, ByteBuf batch, long sequence, int tickCount,
            long originEpochNanos, Round round) {
        this.context = context;
        this.stream = stream;
        this.group = group;
        this.batch = batch;
        this.sequence = sequence;
        this.tickCount = tickCount;
        this.originEpochNanos = originEpochNanos;
        this.round = round;
    }

    /**
     * Writes to at most this many subscribers per turn of the loop, then lets the loop's other tasks run before it
     * goes on: a stream with thousands of subscribers on one loop (conflated dashboards) does not hold the batches
     * of other streams back for the whole of its round.
     */
    static final int WRITES_PER_TURN = 512;

    /** Where the next turn goes on: members are written from the end down, so a leaver's swap cannot skip one. */
    private int cursor = -1;
    private int written;

    /**
     * One turn: waits behind the group's delivery in progress (a stream's batches leave a loop in order), or writes
     * the next slice of members and comes back for the rest.
     */
    @Override
    public void run() {
        if (group.current != null && group.current != this) {
            group.waiting.add(this);
            return;
        }
        group.current = this;
        boolean done = true;
        try {
            done = writeSlice();
        } finally {
            if (done) {
                finish();
            } else {
                continueLater(this);
            }
        }
    }

    /** Returns whether every member has been visited. */
    private boolean writeSlice() {
        ArrayList<Subscriber> members = group.members;
        int i = cursor < 0 ? members.size() - 1 : Math.min(cursor, members.size() - 1);
        for (int writes = 0; i >= 0 && writes < WRITES_PER_TURN; i--) {
            Subscriber subscriber = members.get(i);
            if (subscriber.lastSequence >= sequence) {
                continue;
            }
            Channel channel = subscriber.channel;
            if (!channel.isActive() || subscriber.state.closing()) {
                continue;
            }
            subscriber.lastSequence = sequence;
            subscriber.out.writeAndFlush(batch.retainedDuplicate(), channel.voidPromise());
            writes++;
            if (!subscriber.state.closing()) {
                written++;
            }
        }
        cursor = i;
        return i < 0;
    }

    private void finish() {
        try {
            batch.release();
            if (written > 0) {
                stream.metrics.batchWritten(written, tickCount);
                stream.metrics.publishLatency().observe((context.clock().epochNanos() - originEpochNanos) / 1e9);
            }
            round.loopDone();
        } finally {
            Delivery next = group.waiting.poll();
            group.current = next;
            if (next != null) {
                continueLater(next);
            }
        }
    }

    /** Queues a turn of {@code delivery} on the loop; one that is shutting down gets its buffers back at once. */
    private void continueLater(Delivery delivery) {
        try {
            group.loop.execute(delivery);
        } catch (RejectedExecutionException e) {
            delivery.written = 0;
            delivery.finish();
        }
    }
}
