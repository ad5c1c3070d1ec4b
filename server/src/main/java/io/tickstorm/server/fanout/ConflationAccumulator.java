package io.tickstorm.server.fanout;

import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.Arrays;

/**
 * What one conflated stream owes its subscribers for the current interval (PROTOCOL.md §5.6), and the state it last
 * carried, which is what a joining subscriber's snapshot holds.
 *
 * <pre>
 * tick ──▶ pending[slot]: latest tick wins, volume += tick volume, changed[slot] = true
 * drain ─▶ one tick per changed slot, by name ──▶ batch; pending ──▶ carried; changed cleared
 * snapshot ◀── carried[slot] of every slot seen so far (the state as of the stream's last batch)
 * </pre>
 *
 * A stream of named symbols has one slot per symbol, in name order; a stream of every symbol has one slot per
 * symbol of the universe's capacity (slot = symbol index), so symbols learned later have theirs. Nothing is
 * allocated after construction. Feed thread only.
 */
final class ConflationAccumulator {

    /** Symbol index to slot, -1 for symbols of other streams; null when slot = symbol (a stream of every symbol). */
    private final int[] slotOf;
    private final boolean[] changed;
    private int changedCount;
    private final Ticks pending;
    private final Ticks carried;

    /**
     * @param symbols the stream's symbols ordered by name, ignored when {@code all}
     * @param all every symbol, present and future
     */
    ConflationAccumulator(int universeCapacity, int[] symbols, boolean all) {
        int slots = all ? universeCapacity : symbols.length;
        if (all) {
            slotOf = null;
        } else {
            slotOf = new int[universeCapacity];
            Arrays.fill(slotOf, -1);
            for (int slot = 0; slot < symbols.length; slot++) {
                slotOf[symbols[slot]] = slot;
            }
        }
        changed = new boolean[slots];
        pending = new Ticks(slots);
        carried = new Ticks(slots);
    }

    private int slot(int symbol) {
        return slotOf == null ? symbol : slotOf[symbol];
    }

    /** Starts the carried state from the latest tick of each of the stream's symbols (at stream start). */
    void seed(LatestTicks latest, int[] symbols) {
        for (int symbol : symbols) {
            if (latest.seen(symbol)) {
                carried.set(slot(symbol), latest.timestampNanos(symbol), latest.price(symbol), latest.volume(symbol),
                        latest.bid(symbol), latest.ask(symbol), latest.bidSize(symbol), latest.askSize(symbol));
            }
        }
    }

    /** Takes one tick of one of the stream's symbols: it replaces the pending one, and the volumes add up. */
    void add(int symbol, long timestampNanos, double price, double volume, double bid, double ask, long bidSize,
            long askSize) {
        int slot = slot(symbol);
        double summed = volume;
        if (changed[slot]) {
            summed += pending.volume[slot];
        } else {
            changed[slot] = true;
            changedCount++;
        }
        pending.set(slot, timestampNanos, price, summed, bid, ask, bidSize, askSize);
    }

    /** Whether no tick arrived since the last {@link #drainTo}. */
    boolean isEmpty() {
        return changedCount == 0;
    }

    /**
     * Appends the pending tick of every changed symbol, in the order of {@code symbolsByName}, and makes them the
     * carried state. The caller has checked the batch fits: at most one tick per symbol, and the whole universe fits
     * one batch ({@link FanOut#requireUniverseFits}).
     *
     * @return the number of ticks appended
     */
    int drainTo(BatchBuilder builder, int[] symbolsByName, SymbolUniverse universe) {
        int ticks = 0;
        for (int i = 0; i < symbolsByName.length && ticks < changedCount; i++) {
            int symbol = symbolsByName[i];
            int slot = slot(symbol);
            if (!changed[slot]) {
                continue;
            }
            changed[slot] = false;
            pending.addTo(builder, slot, universe.symbolBytes(symbol));
            carried.copyFrom(pending, slot);
            ticks++;
        }
        changedCount -= ticks;
        return ticks;
    }

    /** Appends the carried tick of every symbol that has one, in the order of {@code symbolsByName}. */
    int snapshotTo(BatchBuilder builder, int[] symbolsByName, SymbolUniverse universe) {
        int ticks = 0;
        for (int symbol : symbolsByName) {
            int slot = slot(symbol);
            if (carried.seen[slot]) {
                carried.addTo(builder, slot, universe.symbolBytes(symbol));
                ticks++;
            }
        }
        return ticks;
    }

    /** One tick per slot, as parallel arrays. */
    private static final class Ticks {

        final boolean[] seen;
        final long[] timestampNanos;
        final double[] price;
        final double[] volume;
        final double[] bid;
        final double[] ask;
        final long[] bidSize;
        final long[] askSize;

        Ticks(int slots) {
            seen = new boolean[slots];
            timestampNanos = new long[slots];
            price = new double[slots];
            volume = new double[slots];
            bid = new double[slots];
            ask = new double[slots];
            bidSize = new long[slots];
            askSize = new long[slots];
        }

        void set(int slot, long tickNanos, double tradePrice, double tradeVolume, double bestBid, double bestAsk,
                long bestBidSize, long bestAskSize) {
            seen[slot] = true;
            timestampNanos[slot] = tickNanos;
            price[slot] = tradePrice;
            volume[slot] = tradeVolume;
            bid[slot] = bestBid;
            ask[slot] = bestAsk;
            bidSize[slot] = bestBidSize;
            askSize[slot] = bestAskSize;
        }

        void copyFrom(Ticks other, int slot) {
            set(slot, other.timestampNanos[slot], other.price[slot], other.volume[slot], other.bid[slot],
                    other.ask[slot], other.bidSize[slot], other.askSize[slot]);
        }

        void addTo(BatchBuilder builder, int slot, byte[] name) {
            long timestampMs = Math.floorDiv(timestampNanos[slot], 1_000_000L);
            int size = builder.tickSize(name, timestampMs, price[slot], volume[slot], bid[slot], ask[slot],
                    bidSize[slot], askSize[slot]);
            builder.add(size, name, timestampMs, price[slot], volume[slot], bid[slot], ask[slot], bidSize[slot],
                    askSize[slot], timestampNanos[slot]);
        }
    }
}
