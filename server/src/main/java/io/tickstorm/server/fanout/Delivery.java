package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayList;

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

    @Override
    public void run() {
        int written = 0;
        try {
            ArrayList<Subscriber> members = group.members;
            // Backwards, so that a member removed while we write (swap-remove) is never visited twice.
            for (int i = members.size() - 1; i >= 0; i--) {
                if (i >= members.size()) {
                    continue;
                }
                Subscriber subscriber = members.get(i);
                if (subscriber.lastSequence >= sequence) {
                    continue;
                }
                Channel channel = subscriber.channel;
                if (!channel.isActive() || subscriber.state.closing()) {
                    continue;
                }
                subscriber.lastSequence = sequence;
                channel.writeAndFlush(batch.retainedDuplicate(), channel.voidPromise());
                if (!subscriber.state.closing()) {
                    written++;
                }
            }
        } finally {
            batch.release();
            if (written > 0) {
                stream.metrics.batchWritten(written, tickCount);
                stream.metrics.publishLatency().observe((context.clock().epochNanos() - originEpochNanos) / 1e9);
            }
            round.loopDone();
        }
    }
}
