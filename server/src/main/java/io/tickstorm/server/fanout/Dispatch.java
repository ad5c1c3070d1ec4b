package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encoded batches on their way to subscribers: a stream batch to the event loops that have subscribers of the stream,
 * a join snapshot to its subscriber.
 */
final class Dispatch {

    private Dispatch() {
    }

    /** Event loops with subscribers of {@code stream} now (registered or about to be). */
    static int loopsWithSubscribers(Stream stream) {
        int count = 0;
        for (LoopGroup group : stream.groups) {
            if (group.registered.get() > 0) {
                count++;
            }
        }
        return count;
    }

    /**
     * Hands {@code batch} (the caller's reference, released here) to the {@code loopCount} loops with subscribers:
     * one {@link Delivery} each, one {@link Round} for all.
     *
     * @param inFlight the REALTIME stream's rounds in flight (incremented by the caller), or null
     * @param wakeFeed called when that count falls to zero, or null
     */
    static void toLoops(FanOutContext context, Stream stream, ByteBuf batch, long sequence, int tickCount,
            long originNanos, int loopCount, AtomicInteger inFlight, Runnable wakeFeed) {
        Round round = new Round(loopCount, System.nanoTime(), stream.metrics, inFlight, wakeFeed);
        int dispatched = 0;
        for (LoopGroup group : stream.groups) {
            if (group.registered.get() > 0 && dispatched < loopCount) {
                dispatched++;
                group.loop.execute(new Delivery(context, stream, group, batch.retain(), sequence, tickCount,
                        originNanos, round));
            }
        }
        // A loop whose last subscriber left between counting and dispatching still completes the round.
        for (; dispatched < loopCount; dispatched++) {
            round.loopDone();
        }
        batch.release();
    }

    /**
     * On the subscriber's loop: its join snapshot goes out ahead of every batch the feed dispatched after it, and the
     * subscriber joins its group; a subscriber gone meanwhile gets nothing and frees its registration.
     */
    static void snapshotThenJoin(Subscriber subscriber, ByteBuf snapshot, long sequence, ServerMetrics metrics) {
        Channel channel = subscriber.channel;
        if (subscriber.left || !channel.isActive() || subscriber.state.closing()) {
            snapshot.release();
            subscriber.group.registered.decrementAndGet();
            return;
        }
        subscriber.lastSequence = sequence;
        subscriber.out.writeAndFlush(snapshot, channel.voidPromise());
        metrics.framesSent(FrameType.DATA_BATCH, 1);
        subscriber.group.add(subscriber);
    }
}
