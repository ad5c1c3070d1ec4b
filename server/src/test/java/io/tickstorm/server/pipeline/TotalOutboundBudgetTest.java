package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TotalOutboundBudgetTest {

    private static final long BUDGET = 10_000;
    private static final long MINIMUM_QUEUE = 2_000;

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final ErrorResponder responder = new ErrorResponder(metrics);
    private final EmbeddedChannel small = queued(1_000);
    private final EmbeddedChannel medium = queued(3_000);
    private final EmbeddedChannel large = queued(5_000);
    private final List<Channel> channels = List.of(small, medium, large);
    private final AtomicLong memory = new AtomicLong();
    private final TotalOutboundBudget budget = new TotalOutboundBudget(channels, BUDGET, MINIMUM_QUEUE, memory::get,
            responder);

    /** A channel holding {@code bytes} written and not flushed (they stay in its outbound buffer). */
    private static EmbeddedChannel queued(int bytes) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.write(Unpooled.wrappedBuffer(new byte[bytes]));
        return channel;
    }

    @AfterEach
    void close() {
        for (Channel channel : channels) {
            channel.close();
        }
    }

    private static boolean cut(EmbeddedChannel channel) {
        channel.runPendingTasks();
        return ConnectionState.of(channel).closing();
    }

    @Test
    void withinBudgetNothingIsClosedHoweverLongTheQueues() {
        memory.set(BUDGET);
        budget.run();
        assertFalse(cut(small) || cut(medium) || cut(large));
        assertEquals(0, budget.cuts());
        assertTrue(budget.queuedBytes() >= 9_000, "counts every connection's queue: " + budget.queuedBytes());
    }

    @Test
    void overBudgetTheLargestQueueIsClosedOnePerSample() {
        memory.set(BUDGET + 1);
        budget.run();
        assertTrue(cut(large), "the largest queue goes first");
        assertFalse(cut(medium) || cut(small), "one per sample");
        budget.run();
        assertTrue(cut(medium), "then the next largest, while memory stays over budget");
        budget.run();
        assertFalse(cut(small), "a queue below the minimum is not behind: never closed for the budget");
        assertEquals(2, budget.cuts());
        assertEquals(2.0, metrics.registry().getSampleValue(ServerMetrics.SLOW_CONSUMER_DISCONNECTS));
    }

    @Test
    void aBudgetMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new TotalOutboundBudget(channels, 0, MINIMUM_QUEUE, memory::get, responder));
    }
}
