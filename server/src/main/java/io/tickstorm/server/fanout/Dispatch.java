package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/** One encoded stream batch on its way to the event loops that have subscribers of the stream. */
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
}
