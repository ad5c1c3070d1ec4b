package io.tickstorm.server.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.tickstorm.server.connection.ErrorResponder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server-wide cap on queued bytes (PROTOCOL.md §5.8 under overload): each connection's outbound budget bounds
 * one slow reader, this bounds all of them together, so that memory stays within plan when every reader falls behind
 * at once. Sampled (every {@code SAMPLE_INTERVAL}) on the maintenance thread: when the connections together hold more
 * than the budget, the ones holding the most are closed as SLOW_CONSUMER, largest first, until the rest fit; the
 * others keep every byte they were sent.
 *
 * <p>Queued bytes are what each connection's budget counts (data, replay, PONG, ACK, ERROR; with TLS the plaintext
 * not yet encrypted and the records not yet sent), so a batch shared by plain-TCP subscribers counts once per
 * connection: a conservative bound on memory.
 */
public final class TotalOutboundBudget implements Runnable {

    private final Iterable<Channel> channels;
    private final long budgetBytes;
    private final ErrorResponder responder;
    private final LongAdder cuts = new LongAdder();
    private volatile long lastSampleBytes;

    public TotalOutboundBudget(Iterable<Channel> channels, long budgetBytes, ErrorResponder responder) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the total outbound budget must be positive, got " + budgetBytes);
        }
        this.channels = channels;
        this.budgetBytes = budgetBytes;
        this.responder = responder;
    }

    /** One sample: sums what every connection holds queued and sheds the largest queues while over budget. */
    @Override
    public void run() {
        long total = queuedBytes();
        lastSampleBytes = total;
        if (total > budgetBytes) {
            shed(total);
        }
    }

    /** Bytes all connections hold queued now. */
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

    /** Connections closed because the total was over budget. */
    public long cuts() {
        return cuts.sum();
    }

    /** What the last sample found queued. */
    public long lastSampleBytes() {
        return lastSampleBytes;
    }

    private void shed(long total) {
        record Queue(Channel channel, long bytes) {
        }
        List<Queue> queues = new ArrayList<>();
        for (Channel channel : channels) {
            long bytes = queuedBytes(channel);
            if (bytes > 0) {
                queues.add(new Queue(channel, bytes));
            }
        }
        queues.sort(Comparator.comparingLong(Queue::bytes).reversed());
        long remaining = total;
        for (Queue queue : queues) {
            if (remaining <= budgetBytes) {
                break;
            }
            remaining -= queue.bytes();
            cuts.increment();
            String why = "server-wide outbound budget of " + budgetBytes + " bytes exceeded (" + total
                    + " bytes queued on all connections, " + queue.bytes() + " on this one; the largest queues go first)";
            Channel channel = queue.channel();
            channel.eventLoop().execute(() -> responder.slowConsumer(channel, why));
        }
    }

    private static long queuedBytes(Channel channel) {
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }
}
