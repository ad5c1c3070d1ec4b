package io.tickstorm.server.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.List;
import java.util.Map;
import io.tickstorm.server.connection.ConnectionState;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server-wide memory budget for queued data (PROTOCOL.md §5.8 under overload): each connection's outbound budget
 * bounds one slow reader, this bounds them all together, so that memory stays within plan when many readers fall
 * behind at once. Sampled (every {@code SAMPLE_INTERVAL}) on the maintenance thread: while the direct memory in use
 * exceeds the budget, the connection holding the most queued bytes is closed as SLOW_CONSUMER, one per sample, so the
 * slowest go first and one by one; the others keep every byte they were sent.
 *
 * <p>Memory, not the sum of the queues, is what is judged: a batch shared by a thousand plain-TCP subscribers is one
 * buffer however many queues hold it, and the slowest connection is the one keeping the oldest batches alive. A
 * connection is only closed for this while it holds at least one write high water mark queued (it is behind; memory
 * held for other reasons is the resource monitor's business).
 */
public final class TotalOutboundBudget implements Runnable {

    private final Iterable<Channel> channels;
    private final long budgetBytes;
    private final long minimumQueueBytes;
    private final LongSupplier memoryInUse;
    private final ErrorResponder responder;
    private final LongAdder cuts = new LongAdder();

    /**
     * @param memoryInUse direct memory in use now (buffers of queued data live there)
     * @param minimumQueueBytes the least a connection must hold queued to be closed for the budget
     */
    public TotalOutboundBudget(Iterable<Channel> channels, long budgetBytes, long minimumQueueBytes,
            LongSupplier memoryInUse, ErrorResponder responder) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the total outbound budget must be positive, got " + budgetBytes);
        }
        this.channels = channels;
        this.budgetBytes = budgetBytes;
        this.minimumQueueBytes = minimumQueueBytes;
        this.memoryInUse = memoryInUse;
        this.responder = responder;
    }

    /** One sample: over budget, closes the connection with the largest queue (if it is behind at all). */
    @Override
    public void run() {
        long inUse = memoryInUse.getAsLong();
        if (inUse <= budgetBytes) {
            return;
        }
        Channel largest = null;
        long largestBytes = minimumQueueBytes - 1;
        for (Channel channel : channels) {
            long bytes = queuedBytes(channel);
            if (bytes > largestBytes && channel.isActive() && !ConnectionState.of(channel).closing()) {
                largest = channel;
                largestBytes = bytes;
            }
        }
        if (largest == null) {
            return;
        }
        Channel victim = largest;
        String why = "server-wide outbound budget of " + budgetBytes + " bytes exceeded (" + inUse
                + " bytes of direct memory in use; this connection held the most queued, " + largestBytes + ")";
        victim.eventLoop().execute(() -> {
            if (!ConnectionState.of(victim).closing()) {
                cuts.increment();
                responder.slowConsumer(victim, why);
            }
        });
    }

    /** Exports the queued bytes, the budget and the connections closed for it. */
    public void registerMetrics(ServerMetrics metrics) {
        metrics.gauge(ServerMetrics.OUTBOUND_PENDING, "Bytes queued for clients and not yet written to their sockets "
                + "(each connection's share of the outbound budget; shared batches count once per connection).",
                this::queuedBytes);
        metrics.gauge(ServerMetrics.OUTBOUND_TOTAL_BUDGET, "The server-wide budget on queued data "
                + "(OUTBOUND_TOTAL_BUDGET_BYTES): while direct memory in use exceeds it, the connection with the "
                + "largest queue is closed as a slow consumer, one per 100 ms.", this::budgetBytes);
        metrics.counter(ServerMetrics.OUTBOUND_TOTAL_BUDGET_CUTS, "Connections closed as SLOW_CONSUMER because the "
                + "direct memory in use exceeded the server-wide outbound budget (also in "
                + ServerMetrics.SLOW_CONSUMER_DISCONNECTS + ").", List.of(), Map.of(List.of(), this::cuts));
    }

    /** Bytes all connections hold queued now (shared batches once per connection). */
    public long queuedBytes() {
        long total = 0;
        for (Channel channel : channels) {
            total += queuedBytes(channel);
        }
        return total;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Connections closed because memory was over budget. */
    public long cuts() {
        return cuts.sum();
    }

    private static long queuedBytes(Channel channel) {
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }
}
