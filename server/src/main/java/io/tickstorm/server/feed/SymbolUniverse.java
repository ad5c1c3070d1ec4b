package io.tickstorm.server.feed;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The symbols the server carries: index to name and back, and each name's UTF-8 bytes precomputed so the encoder
 * copies them instead of encoding a string per tick. Nothing else: what a symbol trades like is its source's
 * business.
 *
 * <p>A universe is either fixed ({@link #of}: {@code TICK_SYMBOLS}, or the synthetic market's list) or learning
 * ({@link #learning}: a source's data names the symbols, up to a capacity). Indices are assigned in the order the
 * symbols are added and never change, so arrays indexed by symbol can be sized by {@link #capacity()} once.
 *
 * <h2>Threads</h2>
 * Only the feed thread adds symbols ({@link #resolve}); any thread reads. A symbol's name and bytes are written
 * before the volatile size is raised, so a reader that sees an index below {@link #size()} sees its name.
 */
public final class SymbolUniverse {

    private final boolean learns;
    private final String[] names;
    private final byte[][] utf8;
    private final Map<String, Integer> indexByName = new ConcurrentHashMap<>();
    /** Feed thread only: open addressing from a name's bytes to index + 1 (0 = empty), for lookups without a String. */
    private final int[] table;
    private volatile int size;
    private volatile int[] byName = new int[0];

    private SymbolUniverse(int capacity, boolean learns) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a symbol universe needs room for at least one symbol");
        }
        this.learns = learns;
        this.names = new String[capacity];
        this.utf8 = new byte[capacity][];
        this.table = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
    }

    /**
     * A fixed universe of {@code symbols} in the given order; the caller ({@link FeedConfig}) has validated them.
     *
     * @throws IllegalArgumentException if the list is empty or names a symbol twice
     */
    public static SymbolUniverse of(List<String> symbols) {
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("a symbol universe needs at least one symbol");
        }
        SymbolUniverse universe = new SymbolUniverse(symbols.size(), false);
        for (String symbol : symbols) {
            if (universe.indexByName.containsKey(symbol)) {
                throw new IllegalArgumentException("duplicate symbol '" + symbol + "'");
            }
            universe.add(symbol.getBytes(StandardCharsets.UTF_8), symbol);
        }
        return universe;
    }

    /** An empty universe that learns symbols from the data, up to {@code capacity}. */
    public static SymbolUniverse learning(int capacity) {
        return new SymbolUniverse(capacity, true);
    }

    /** Number of symbols now; indices run from 0 to {@code size() - 1}. */
    public int size() {
        return size;
    }

    /** The most symbols this universe holds. */
    public int capacity() {
        return names.length;
    }

    /** Whether symbols are learned from the data (else the universe is fixed). */
    public boolean learns() {
        return learns;
    }

    /** The symbol at {@code index}. */
    public String symbol(int index) {
        return names[index];
    }

    /**
     * The UTF-8 bytes of the symbol at {@code index}. The array is shared, not copied, so that the encoder can
     * write it without allocating: read it, never modify it.
     */
    public byte[] symbolBytes(int index) {
        return utf8[index];
    }

    /** The index of {@code symbol}, or -1 when the server does not carry it (subscription validation). */
    public int indexOf(String symbol) {
        Integer index = indexByName.get(symbol);
        return index == null ? -1 : index;
    }

    /** Whether the server carries {@code symbol}. */
    public boolean contains(String symbol) {
        return indexByName.containsKey(symbol);
    }

    /** All symbols now, in index order. */
    public List<String> symbols() {
        return List.of(Arrays.copyOf(names, size));
    }

    /**
     * The indices of all symbols now, ordered by name (byte order, PROTOCOL.md §6: replicas that learned their
     * symbols in another order send bars in the same order). Shared, not copied: never modify it.
     */
    public int[] byName() {
        return byName;
    }

    /**
     * Feed thread only: the index of the symbol whose UTF-8 name is {@code bytes[offset, offset + length)}, adding
     * it when the universe learns and has room; -1 when it is not carried. The caller has validated the name
     * against the protocol's symbol pattern. No allocation unless the symbol is new.
     */
    public int resolve(byte[] bytes, int offset, int length) {
        int mask = table.length - 1;
        for (int slot = hash(bytes, offset, length) & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) {
                if (!learns || size == names.length) {
                    return -1;
                }
                byte[] name = Arrays.copyOfRange(bytes, offset, offset + length);
                return add(name, new String(name, StandardCharsets.UTF_8));
            }
            byte[] candidate = utf8[entry - 1];
            if (Arrays.equals(candidate, 0, candidate.length, bytes, offset, offset + length)) {
                return entry - 1;
            }
        }
    }

    private int add(byte[] name, String symbol) {
        int index = size;
        names[index] = symbol;
        utf8[index] = name;
        indexByName.put(symbol, index);
        int mask = table.length - 1;
        int slot = hash(name, 0, name.length) & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = index + 1;
        int[] sorted = Arrays.copyOf(byName, index + 1);
        int at = index;
        // Insertion into the name order: adding a symbol is rare (bounded by the capacity), reading the order is not.
        while (at > 0 && names[sorted[at - 1]].compareTo(symbol) > 0) {
            sorted[at] = sorted[at - 1];
            at--;
        }
        sorted[at] = index;
        byName = sorted;
        size = index + 1;
        return index;
    }

    private static int hash(byte[] bytes, int offset, int length) {
        int h = 0x811c9dc5;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
