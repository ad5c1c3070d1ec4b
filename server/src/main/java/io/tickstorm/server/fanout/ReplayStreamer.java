package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.server.feed.BarHistory;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.feed.BarSet;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.connection.ErrorResponder;
import java.util.List;

/**
 * Streams one subscriber's replay (PROTOCOL.md §5.3) as its connection drains, then makes it a member of its loop
 * group for live batches, with no gap and no duplicate at the seam.
 *
 * <pre>
 *  start ─▶ fill: write history batches while the channel is writable ──▶ the write that reaches the high water
 *             ▲                                                            mark carries a listener; flush; wait
 *             └──────────── that write completed (on the loop, as a task) ◀┘
 *  history exhausted ─▶ re-read it for bars closed meanwhile ─▶ none: join the group (same task), done
 *  write failed, connection closing or gone ─▶ abandon
 * </pre>
 *
 * <p>Bytes in flight stay near the channel's high water mark (one batch over at most), and every byte passes the
 * outbound budget like any other write. A replay that stalls leaves the channel unwritable, so the write deadline
 * closes it as it would any slow consumer. Batches come from the loop's {@link ReplayCache}: concurrent replays of
 * one stream share the same bytes.
 *
 * <p><b>The seam.</b> The subscriber is registered in its group (so the feed dispatches to this loop) before the
 * history is first read, but is not a member while it replays, so live batches skip it; they are in the history
 * before the feed dispatches them, so a later re-read finds them. The replay ends in the same task as the re-read
 * that found nothing new: a bar appended after that read is dispatched after it too, and its delivery runs on this
 * loop after the subscriber became a member, with {@code lastSequence} telling it what the replay already sent. If
 * the history moved past bars the replay still needed (it outlived the retention), the connection is closed as a
 * slow consumer rather than shown a gap.
 *
 * <p>While replaying, this class owns the subscriber's registration: it gives it back if it abandons; once the
 * subscriber is a member, {@link FanOut#leave} does. Runs on the subscriber's loop only.
 */
final class ReplayStreamer implements Runnable, ChannelFutureListener {

    private final Subscriber subscriber;
    private final Channel channel;
    private final BarHistory history;
    private final BarMode mode;
    private final ReplayCache cache;
    private final ErrorResponder responder;
    private final ServerMetrics metrics;

    private List<BarSet> pending = List.of();
    private int next;
    /** The next history read asks for bars at or after this time. */
    private long nextStartMs;
    /** Sequence of the last bar written, or {@link Long#MIN_VALUE} before the first. */
    private long lastSequence = Long.MIN_VALUE;
    private boolean done;

    /**
     * @param cache the replay cache of the subscriber's event loop
     */
    ReplayStreamer(Subscriber subscriber, BarHistory history, BarMode mode, long startTimeMs, ReplayCache cache,
            ErrorResponder responder, ServerMetrics metrics) {
        this.subscriber = subscriber;
        this.channel = subscriber.channel;
        this.history = history;
        this.mode = mode;
        this.nextStartMs = startTimeMs;
        this.cache = cache;
        this.responder = responder;
        this.metrics = metrics;
    }

    /** Begins the replay; the subscriber must already be registered in its group. */
    void start() {
        cache.replayStarted();
        run();
    }

    /** One round: writes until the channel reaches its high water mark, the history is exhausted or it fails. */
    @Override
    public void run() {
        if (done) {
            return;
        }
        int written = 0;
        long nowMs = System.currentTimeMillis();
        try {
            while (true) {
                if (subscriber.left || !channel.isActive() || subscriber.state.closing()) {
                    abandon();
                    return;
                }
                BarSet bars = nextBars();
                if (bars == null) {
                    if (!done) {
                        join();
                    }
                    return;
                }
                ByteBuf batch = cache.batch(subscriber.stream.key, bars, nowMs);
                lastSequence = bars.sequence();
                nextStartMs = bars.boundaryMs() + 1;
                written++;
                if (channel.bytesBeforeUnwritable() <= batch.readableBytes()) {
                    // This write fills the channel: its completion starts the next round.
                    channel.write(batch, channel.newPromise().addListener(this));
                    return;
                }
                channel.write(batch, channel.voidPromise());
            }
        } finally {
            if (written > 0) {
                metrics.framesSent(FrameType.DATA_BATCH, written);
                channel.flush();
            }
        }
    }

    /** The write that filled the channel has gone to the socket (or failed). */
    @Override
    public void operationComplete(ChannelFuture future) {
        if (!future.isSuccess()) {
            abandon();
            return;
        }
        // As a task, not from inside the flush that completed it: no recursion, and other work on the loop
        // (live batches, other replays) gets its turn between rounds.
        channel.eventLoop().execute(this);
    }

    /**
     * The next bar to send, or null when the replay has caught up with the history (or abandoned on a gap). The
     * latest sequence is read before the history, so when the read finds nothing new, every bar up to it is sent.
     */
    private BarSet nextBars() {
        if (next < pending.size()) {
            return pending.get(next++);
        }
        BarSet latest = history.latest(mode);
        long latestSequence = latest != null ? latest.sequence() : mode.sequenceOf(history.nextBoundaryMs(mode)) - 1;
        List<BarSet> more = history.since(mode, nextStartMs);
        if (more.isEmpty()) {
            subscriber.lastSequence = Math.max(lastSequence, latestSequence);
            return null;
        }
        if (lastSequence != Long.MIN_VALUE && more.get(0).sequence() != lastSequence + 1) {
            abandon();
            responder.slowConsumer(channel, "replay fell behind the retained history");
            return null;
        }
        pending = more;
        next = 1;
        return more.get(0);
    }

    private void join() {
        done = true;
        cache.replayEnded();
        subscriber.group.add(subscriber);
    }

    private void abandon() {
        if (done) {
            return;
        }
        done = true;
        cache.replayEnded();
        subscriber.group.registered.decrementAndGet();
    }
}
