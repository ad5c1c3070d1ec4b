package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;
import java.util.Arrays;

/** Identity of a stream: subscribers with equal keys share one stream and one encoding of every batch. */
final class StreamKey {

    private final SubscriptionMode mode;
    private final int[] symbols;
    private final int hash;

    StreamKey(SubscriptionMode mode, int[] sortedSymbols) {
        this.mode = mode;
        this.symbols = sortedSymbols;
        this.hash = 31 * mode.hashCode() + Arrays.hashCode(sortedSymbols);
    }

    SubscriptionMode mode() {
        return mode;
    }

    int[] symbols() {
        return symbols;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StreamKey key && key.mode == mode && Arrays.equals(key.symbols, symbols);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return mode + "/" + symbols.length + " symbols";
    }
}
