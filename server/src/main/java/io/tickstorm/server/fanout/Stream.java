package io.tickstorm.server.fanout;

import io.netty.channel.EventLoop;
import io.tickstorm.server.feed.SymbolUniverse;
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

    /** @param universeCapacity the most symbols the universe can hold: {@link #wanted} covers future ones too */
    Stream(StreamKey key, int universeCapacity, EventLoop[] loops, ModeMetrics metrics) {
        this.key = key;
        this.wanted = new boolean[universeCapacity];
        if (key.all()) {
            java.util.Arrays.fill(wanted, true);
        }
        for (int symbol : key.symbols()) {
            wanted[symbol] = true;
        }
        this.groups = new LoopGroup[loops.length];
        for (int i = 0; i < loops.length; i++) {
            groups[i] = new LoopGroup(loops[i]);
        }
        this.metrics = metrics;
    }

    /** The stream's symbols now, ordered by name: for an all-symbol stream, every symbol the universe has now. */
    int[] symbols(SymbolUniverse universe) {
        return key.all() ? universe.byName() : key.symbols();
    }
}
