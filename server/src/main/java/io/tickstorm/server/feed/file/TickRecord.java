package io.tickstorm.server.feed.file;

import io.tickstorm.server.feed.MalformedReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One tick as a parser read it: a mutable holder that a parser fills for every line, so reading a recording
 * allocates nothing per tick. The symbol is not copied: it is a byte range of the buffer the line was parsed from
 * ({@link #symbolArray()}, {@link #symbolOffset()}, {@link #symbolLength()}), valid until that buffer is reused
 * (for a {@link LineChunk}, until it is released). Compare it with {@link #symbolEquals} and copy it with
 * {@link #symbolBytes()} when it must outlive the buffer.
 *
 * <p>Required fields: symbol, timestamp_ms, price, volume, bid, ask. bid_size and ask_size are optional and 0 when
 * absent. {@link #validate()} holds the rules every source applies (PROTOCOL.md §6).
 *
 * <p>Not thread-safe: one per parsing thread.
 */
public final class TickRecord {

    /** Longest symbol (PROTOCOL.md: {@code ^[A-Z0-9._-]{1,16}$}). */
    public static final int MAX_SYMBOL_BYTES = 16;

    private static final boolean[] SYMBOL_BYTES = new boolean[256];

    static {
        for (int c = 'A'; c <= 'Z'; c++) {
            SYMBOL_BYTES[c] = true;
        }
        for (int c = '0'; c <= '9'; c++) {
            SYMBOL_BYTES[c] = true;
        }
        SYMBOL_BYTES['.'] = true;
        SYMBOL_BYTES['_'] = true;
        SYMBOL_BYTES['-'] = true;
    }

    private static final byte[] NO_BYTES = new byte[0];

    private byte[] symbolArray = NO_BYTES;
    private int symbolOffset;
    private int symbolLength;
    private long timestampMs;
    private double price;
    private double volume;
    private double bid;
    private double ask;
    private long bidSize;
    private long askSize;

    /** Empties every field (sizes back to their default 0), as before a parse. */
    public void clear() {
        symbolArray = NO_BYTES;
        symbolOffset = 0;
        symbolLength = 0;
        timestampMs = 0;
        price = 0;
        volume = 0;
        bid = 0;
        ask = 0;
        bidSize = 0;
        askSize = 0;
    }

    /**
     * The tick rules of PROTOCOL.md §6, in this order: {@link MalformedReason#BAD_SYMBOL} for a symbol not matching
     * {@code ^[A-Z0-9._-]{1,16}$}; {@link MalformedReason#BAD_NUMBER} for a negative timestamp, a non-finite or
     * negative price, volume, bid or ask, or a negative size; {@link MalformedReason#CROSSED_QUOTE} for bid above
     * ask. Null when the tick is good.
     */
    public MalformedReason validate() {
        if (symbolLength < 1 || symbolLength > MAX_SYMBOL_BYTES) {
            return MalformedReason.BAD_SYMBOL;
        }
        for (int i = symbolOffset, end = symbolOffset + symbolLength; i < end; i++) {
            if (!SYMBOL_BYTES[symbolArray[i] & 0xFF]) {
                return MalformedReason.BAD_SYMBOL;
            }
        }
        // "!(x >= 0)" is also true for NaN; infinity is caught by isFinite.
        if (timestampMs < 0 || bidSize < 0 || askSize < 0
                || !nonNegativeFinite(price) || !nonNegativeFinite(volume)
                || !nonNegativeFinite(bid) || !nonNegativeFinite(ask)) {
            return MalformedReason.BAD_NUMBER;
        }
        if (bid > ask) {
            return MalformedReason.CROSSED_QUOTE;
        }
        return null;
    }

    private static boolean nonNegativeFinite(double value) {
        return value >= 0 && value != Double.POSITIVE_INFINITY;
    }

    /** The array holding the symbol's bytes (not a copy; see the class comment). */
    public byte[] symbolArray() {
        return symbolArray;
    }

    public int symbolOffset() {
        return symbolOffset;
    }

    public int symbolLength() {
        return symbolLength;
    }

    /** Points the symbol at {@code array[offset, offset + length)} (not copied). */
    public TickRecord symbol(byte[] array, int offset, int length) {
        this.symbolArray = array;
        this.symbolOffset = offset;
        this.symbolLength = length;
        return this;
    }

    /** Whether the symbol's bytes equal all of {@code symbol}. Allocates nothing. */
    public boolean symbolEquals(byte[] symbol) {
        return symbolEquals(symbol, 0, symbol.length);
    }

    /** Whether the symbol's bytes equal {@code bytes[offset, offset + length)}. Allocates nothing. */
    public boolean symbolEquals(byte[] bytes, int offset, int length) {
        return length == symbolLength
                && Arrays.equals(symbolArray, symbolOffset, symbolOffset + symbolLength, bytes, offset, offset + length);
    }

    /**
     * The symbol's hash, equal to {@link Arrays#hashCode(byte[])} of its bytes, so a table keyed by symbol bytes can
     * be probed without copying them.
     */
    public int symbolHash() {
        int hash = 1;
        for (int i = symbolOffset, end = symbolOffset + symbolLength; i < end; i++) {
            hash = 31 * hash + symbolArray[i];
        }
        return hash;
    }

    /** A copy of the symbol's bytes (allocates: for a symbol seen for the first time). */
    public byte[] symbolBytes() {
        return Arrays.copyOfRange(symbolArray, symbolOffset, symbolOffset + symbolLength);
    }

    /** The symbol decoded as UTF-8 (allocates: for logs and first sightings). */
    public String symbol() {
        return new String(symbolArray, symbolOffset, symbolLength, StandardCharsets.UTF_8);
    }

    public long timestampMs() {
        return timestampMs;
    }

    public TickRecord timestampMs(long timestampMs) {
        this.timestampMs = timestampMs;
        return this;
    }

    /** The last trade price as the source knows it. */
    public double price() {
        return price;
    }

    public TickRecord price(double price) {
        this.price = price;
        return this;
    }

    public double volume() {
        return volume;
    }

    public TickRecord volume(double volume) {
        this.volume = volume;
        return this;
    }

    public double bid() {
        return bid;
    }

    public TickRecord bid(double bid) {
        this.bid = bid;
        return this;
    }

    public double ask() {
        return ask;
    }

    public TickRecord ask(double ask) {
        this.ask = ask;
        return this;
    }

    public long bidSize() {
        return bidSize;
    }

    public TickRecord bidSize(long bidSize) {
        this.bidSize = bidSize;
        return this;
    }

    public long askSize() {
        return askSize;
    }

    public TickRecord askSize(long askSize) {
        this.askSize = askSize;
        return this;
    }

    /** Stores an integer field (timestamp_ms, bid_size, ask_size). */
    void setInteger(TickField field, long value) {
        switch (field) {
            case TIMESTAMP_MS -> timestampMs = value;
            case BID_SIZE -> bidSize = value;
            case ASK_SIZE -> askSize = value;
            default -> throw new IllegalArgumentException(field + " is not an integer field");
        }
    }

    /** Stores a decimal field (price, volume, bid, ask). */
    void setDecimal(TickField field, double value) {
        switch (field) {
            case PRICE -> price = value;
            case VOLUME -> volume = value;
            case BID -> bid = value;
            case ASK -> ask = value;
            default -> throw new IllegalArgumentException(field + " is not a decimal field");
        }
    }

    /** For logs and test failures (allocates). */
    @Override
    public String toString() {
        return "TickRecord{symbol=" + symbol() + ", timestampMs=" + timestampMs + ", price=" + price
                + ", volume=" + volume + ", bid=" + bid + ", ask=" + ask + ", bidSize=" + bidSize
                + ", askSize=" + askSize + '}';
    }
}
