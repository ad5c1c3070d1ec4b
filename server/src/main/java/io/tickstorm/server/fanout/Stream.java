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
    /**
     * Feed thread only: symbols of the universe whose {@link #wanted} entry is decided. A restricted every-symbol
     * stream decides each symbol once, as the universe learns it ({@link #learnSymbols}); others start complete.
     */
    private int decidedSymbols;

    /** @param universeCapacity the most symbols the universe can hold: {@link #wanted} covers future ones too */
    Stream(StreamKey key, int universeCapacity, EventLoop[] loops, ModeMetrics metrics) {
        this.key = key;
        this.wanted = new boolean[universeCapacity];
        if (key.all() && !key.restricted()) {
            java.util.Arrays.fill(wanted, true);
        }
        this.decidedSymbols = key.restricted() ? 0 : universeCapacity;
        for (int symbol : key.symbols()) {
            wanted[symbol] = true;
        }
        this.groups = new LoopGroup[loops.length];
        for (int i = 0; i < loops.length; i++) {
            groups[i] = new LoopGroup(loops[i]);
        }
        this.metrics = metrics;
    }

    /**
     * Feed thread, before the stream reads {@link #wanted}: decides the symbols the universe learned since the last
     * call (nothing to do, one comparison, unless the stream is restricted and the universe grew).
     */
    void learnSymbols(SymbolUniverse universe) {
        for (int known = universe.size(); decidedSymbols < known; decidedSymbols++) {
            wanted[decidedSymbols] = key.carries(universe, decidedSymbols);
        }
    }

    /**
     * The stream's symbols now, ordered by name: for an all-symbol stream, every symbol the universe has now (that
     * its entitlement patterns match).
     */
    int[] symbols(SymbolUniverse universe) {
        if (!key.all()) {
            return key.symbols();
        }
        int[] byName = universe.byName();
        return key.restricted()
                ? java.util.Arrays.stream(byName).filter(symbol -> key.carries(universe, symbol)).toArray()
                : byName;
    }
}
