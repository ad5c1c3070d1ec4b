package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;
import java.util.Arrays;

/** Identity of a stream: subscribers with equal keys share one stream and one encoding of every batch. */
final class StreamKey {

    private final SubscriptionMode mode;
    private final int[] symbols;
    private final boolean all;
    private final int hash;

    /**
     * @param sortedSymbols the symbols in a canonical order (by name), ignored when {@code all}
     * @param all every symbol, including those the universe learns later
     */
    StreamKey(SubscriptionMode mode, int[] sortedSymbols, boolean all) {
        this.mode = mode;
        this.symbols = all ? new int[0] : sortedSymbols;
        this.all = all;
        this.hash = 31 * (31 * mode.hashCode() + Boolean.hashCode(all)) + Arrays.hashCode(symbols);
    }

    /** Whether the stream carries every symbol, present and future. */
    boolean all() {
        return all;
    }

    SubscriptionMode mode() {
        return mode;
    }

    int[] symbols() {
        return symbols;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StreamKey key && key.mode == mode && key.all == all
                && Arrays.equals(key.symbols, symbols);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return mode + "/" + (all ? "all" : symbols.length) + " symbols";
    }
}
