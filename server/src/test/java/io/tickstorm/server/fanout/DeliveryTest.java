package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery to more subscribers than one turn writes goes on in later turns of the loop, letting other tasks run in
 * between, and the next batch of the same stream waits for it: every subscriber gets every batch, in order, once.
 */
class DeliveryTest {

    private static final int SUBSCRIBERS = 2 * Delivery.WRITES_PER_TURN + 100;

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final FanOutContext context = new FanOutContext(UnpooledByteBufAllocator.DEFAULT,
            new ErrorResponder(metrics), EpochNanoClock.system(), 65_536, 0);
    /** Its event loop runs the deliveries: tasks wait until {@code runPendingTasks()}. */
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private LoopGroup group;
    private Stream stream;

    @AfterEach
    void close() {
        for (EmbeddedChannel channel : channels) {
            for (Object message; (message = channel.readOutbound()) != null; ) {
                ((ByteBuf) message).release();
            }
            channel.finishAndReleaseAll();
        }
        loopOwner.finishAndReleaseAll();
    }

    private void subscribers() {
        EventLoop loop = loopOwner.eventLoop();
        stream = new Stream(new StreamKey(SubscriptionMode.REALTIME, new int[0], true), 4, new EventLoop[] {loop},
                metrics.mode("realtime"));
        group = stream.groups[0];
        for (int i = 0; i < SUBSCRIBERS; i++) {
            EmbeddedChannel channel = new EmbeddedChannel();
            channels.add(channel);
            Subscriber subscriber = new Subscriber(channel, ConnectionState.of(channel), stream, group);
            group.registered.incrementAndGet();
            group.add(subscriber);
        }
    }

    private Delivery delivery(long sequence, AtomicInteger roundsDone) {
        ByteBuf batch = Unpooled.buffer(8).writeLong(sequence);
        return new Delivery(context, stream, group, batch, sequence, 1, 0,
                new Round(1, System.nanoTime(), stream.metrics, roundsDone, () -> { }));
    }

    private int received() {
        int count = 0;
        for (EmbeddedChannel channel : channels) {
            count += channel.outboundMessages().size();
        }
        return count;
    }

    @Test
    void aLargeDeliveryWritesOneSliceAPerTurnAndTheNextBatchWaitsForIt() {
        subscribers();
        AtomicInteger inFlight = new AtomicInteger(2);
        delivery(1, inFlight).run();
        assertEquals(Delivery.WRITES_PER_TURN, received(), "one slice in the first turn");
        loopOwner.eventLoop().execute(delivery(2, inFlight));
        loopOwner.runPendingTasks();
        assertEquals(2 * SUBSCRIBERS, received(), "both batches, to everyone");
        assertEquals(0, inFlight.get(), "both rounds ended");
        assertNull(group.current);
        for (EmbeddedChannel channel : channels) {
            ByteBuf first = channel.readOutbound();
            ByteBuf second = channel.readOutbound();
            assertEquals(1, first.getLong(0), "in order");
            assertEquals(2, second.getLong(0), "in order");
            first.release();
            second.release();
        }
    }

    @Test
    void aSubscriberThatLeavesBetweenTurnsIsNeitherSkippedForOthersNorWrittenTwice() {
        subscribers();
        AtomicInteger inFlight = new AtomicInteger(1);
        delivery(1, inFlight).run();
        // Leavers swap the last member into their slot: remove some written and some not yet written.
        for (int i = 0; i < 50; i++) {
            group.remove(group.members.get(i * 7));
        }
        loopOwner.runPendingTasks();
        for (Subscriber member : group.members) {
            assertEquals(1, ((EmbeddedChannel) member.channel).outboundMessages().size(), "exactly once");
        }
        assertEquals(0, inFlight.get());
    }
}
