package io.tickstorm.server.fanout;

import io.netty.channel.EventLoop;
import io.tickstorm.server.metrics.ServerMetrics.ModeMetrics;

/**
 * Subscribers sharing a (mode, symbol set). Batches are numbered per stream (PROTOCOL.md §5.5) and encoded once for
 * all of them. {@link #subscribers} and {@link #dead} change only under the fan-out's registry lock.
 */
class Stream {

    final StreamKey key;
    final boolean[] wanted;
    final LoopGroup[] groups;
    final ModeMetrics metrics;

    int subscribers;
    volatile boolean dead;

    Stream(StreamKey key, int universeSize, EventLoop[] loops, ModeMetrics metrics) {
        this.key = key;
        this.wanted = new boolean[universeSize];
        for (int symbol : key.symbols()) {
            wanted[symbol] = true;
        }
        this.groups = new LoopGroup[loops.length];
        for (int i = 0; i < loops.length; i++) {
            groups[i] = new LoopGroup(loops[i]);
        }
        this.metrics = metrics;
    }

    int[] symbols() {
        return key.symbols();
    }
}
