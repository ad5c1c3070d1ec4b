package io.tickstorm.server.fanout;

import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.entitlement.SymbolPatterns;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.Arrays;

/**
 * Identity of a stream: subscribers with equal keys share one stream and one encoding of every batch. An explicit
 * symbol list is keyed by its symbols alone (the entitlement check at SUBSCRIBE already passed them); a subscription
 * of every symbol is keyed by the subscriber's entitlement patterns as well, so that users with the same
 * entitlements share one stream and the stream carries exactly the symbols those patterns match, present and future.
 */
final class StreamKey {

    private static final byte UNKNOWN = 0;
    private static final byte CARRIED = 1;
    private static final byte LEFT_OUT = 2;

    private final SymbolPatterns entitlement;
    private final SubscriptionMode mode;
    private final int[] symbols;
    private final boolean all;
    private final int hash;
    /**
     * For an every-symbol key with restricted patterns: whether each symbol index matches them, decided at the first
     * question (so once per symbol per stream, never per tick). Feed thread and event loops both ask; a racing
     * second decision writes the same byte, and a lost array only costs its decisions again.
     */
    private volatile byte[] verdicts;

    /**
     * @param sortedSymbols the symbols in a canonical order (by name), ignored when {@code all}
     * @param all every symbol, including those the universe learns later
     */
    StreamKey(SubscriptionMode mode, int[] sortedSymbols, boolean all) {
        this(mode, sortedSymbols, all, SymbolPatterns.EVERYTHING);
    }

    /** @param entitlement the subscriber's patterns: what {@code all} means; ignored for an explicit list */
    StreamKey(SubscriptionMode mode, int[] sortedSymbols, boolean all, SymbolPatterns entitlement) {
        this.mode = mode;
        this.symbols = all ? new int[0] : sortedSymbols;
        this.all = all;
        this.entitlement = all ? entitlement : SymbolPatterns.EVERYTHING;
        this.hash = 31 * (31 * (31 * mode.hashCode() + Boolean.hashCode(all)) + Arrays.hashCode(symbols))
                + this.entitlement.hashCode();
    }

    /** Whether the stream carries every (entitled) symbol, present and future. */
    boolean all() {
        return all;
    }

    /** Whether the stream carries every symbol but only those its entitlement patterns match. */
    boolean restricted() {
        return all && !entitlement.matchesEverything();
    }

    /**
     * Whether an every-symbol stream carries {@code symbol} (true for every symbol when unrestricted). Any thread;
     * {@code symbol} is an index the caller has seen in the universe.
     */
    boolean carries(SymbolUniverse universe, int symbol) {
        if (!restricted()) {
            return true;
        }
        byte[] memo = verdicts;
        if (memo == null) {
            memo = new byte[universe.capacity()];
            verdicts = memo;
        }
        byte verdict = memo[symbol];
        if (verdict == UNKNOWN) {
            verdict = entitlement.matches(universe.symbol(symbol)) ? CARRIED : LEFT_OUT;
            memo[symbol] = verdict;
        }
        return verdict == CARRIED;
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
                && Arrays.equals(key.symbols, symbols) && key.entitlement.equals(entitlement);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return mode + "/" + (all ? "all" + (restricted() ? " of " + entitlement : "") : symbols.length) + " symbols";
    }
}
