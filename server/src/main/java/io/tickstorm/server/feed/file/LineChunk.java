package io.tickstorm.server.feed.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A block of whole lines read from a tick input, handed by the {@link TickLineReader}'s thread to the feed thread
 * and given back with {@link TickLineReader#release} for reuse. The feed thread walks its lines without
 * allocating:
 *
 * <pre>
 * while (chunk.nextLine()) {
 *     if (chunk.lineTooLong()) { count LINE_TOO_LONG at chunk.lineNumber(); continue; }
 *     parser.parse(chunk.data(), chunk.lineOffset(), chunk.lineLength(), record);
 * }
 * </pre>
 *
 * A line is returned without its LF or a CR before it. Line numbers are the input's, from 1 at the start of every
 * {@link #pass()}. A line longer than the chunk is skipped by the reader and appears here as a one-line
 * stand-in for which {@link #lineTooLong()} is true, so the lines after it keep their numbers. The last line of
 * an input may lack its LF.
 *
 * <p>Owned by one thread at a time: filled by the reader thread, then read by the consumer until released.
 */
public final class LineChunk {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;

    final byte[] data;
    private int length;
    private long firstLineNumber;
    private int pass;
    private boolean firstOfPass;
    private boolean firstLineTooLong;
    private boolean endOfInput;
    /** Between delivery and release: catches a chunk released twice. */
    boolean delivered;

    private int next;
    private int lineOffset;
    private int lineLength;
    private long lineNumber;
    private boolean lineTooLong;

    LineChunk(int capacityBytes) {
        this.data = new byte[capacityBytes];
    }

    /** Reader thread: starts filling this chunk. */
    void begin(int pass, boolean firstOfPass, long firstLineNumber) {
        this.pass = pass;
        this.firstOfPass = firstOfPass;
        this.firstLineNumber = firstLineNumber;
        this.firstLineTooLong = false;
        this.endOfInput = false;
        this.length = 0;
    }

    /** Reader thread: the first line (a one-byte stand-in) stands for a line too long to hold. */
    void markFirstLineTooLong() {
        firstLineTooLong = true;
    }

    /** Reader thread: the chunk holds {@code length} bytes of lines, and maybe is the last one. */
    void seal(int length, boolean endOfInput) {
        this.length = length;
        this.endOfInput = endOfInput;
        rewind();
    }

    /** The bytes the line offsets refer into. */
    public byte[] data() {
        return data;
    }

    /** Bytes of lines in {@link #data()}, from 0. */
    public int length() {
        return length;
    }

    /** The input's number for the first line of this chunk (1-based, restarting each pass). */
    public long firstLineNumber() {
        return firstLineNumber;
    }

    /** Which pass over the input this chunk belongs to: 1, then 2, 3, ... when looping. */
    public int pass() {
        return pass;
    }

    /** Whether this chunk starts a pass: its first line is line 1 of the input (for CSV, the header). */
    public boolean firstOfPass() {
        return firstOfPass;
    }

    /**
     * Whether this is the last chunk: the input ended (or failed: see {@link TickLineReader#failure()}) and no
     * chunk follows. It may hold no line.
     */
    public boolean endOfInput() {
        return endOfInput;
    }

    /** Moves to the next line; false when there is none left. */
    public boolean nextLine() {
        int start = next;
        if (start >= length) {
            return false;
        }
        int lineFeed = indexOfNewline(data, start, length);
        int stop = lineFeed < 0 ? length : lineFeed;
        next = lineFeed < 0 ? length : lineFeed + 1;
        if (stop > start && data[stop - 1] == '\r') {
            stop--;
        }
        lineTooLong = start == 0 && firstLineTooLong;
        lineNumber = lineNumber < 0 ? firstLineNumber : lineNumber + 1;
        lineOffset = start;
        lineLength = stop - start;
        return true;
    }

    /** Goes back before the first line. */
    public void rewind() {
        next = 0;
        lineNumber = -1;
        lineOffset = 0;
        lineLength = 0;
        lineTooLong = false;
    }

    /** Where the current line starts in {@link #data()}. */
    public int lineOffset() {
        return lineOffset;
    }

    /** The current line's length, without LF or CR. */
    public int lineLength() {
        return lineLength;
    }

    /** The current line's number in the input. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Whether the current line stands in for a line longer than the chunk (its bytes are gone). */
    public boolean lineTooLong() {
        return lineTooLong;
    }

    /** High bit set in exactly the bytes of {@code word} that are LF (the exact form of the has-zero-byte trick). */
    private static long lineFeedBits(long word) {
        long x = word ^ LINE_FEEDS;
        return ~(((x & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | x | LOW_SEVEN_BITS);
    }

    /** Index of the first LF in {@code buf[from, to)}, or -1; eight bytes per step. */
    static int indexOfNewline(byte[] buf, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long bits = lineFeedBits((long) LONGS.get(buf, i));
            if (bits != 0) {
                return i + (Long.numberOfTrailingZeros(bits) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last LF in {@code buf[from, to)}, or -1. */
    static int lastIndexOfNewline(byte[] buf, int from, int to) {
        int i = to - Long.BYTES;
        for (; i >= from; i -= Long.BYTES) {
            long bits = lineFeedBits((long) LONGS.get(buf, i));
            if (bits != 0) {
                return i + Long.BYTES - 1 - (Long.numberOfLeadingZeros(bits) >>> 3);
            }
        }
        for (int j = i + Long.BYTES - 1; j >= from; j--) {
            if (buf[j] == '\n') {
                return j;
            }
        }
        return -1;
    }

    /** Number of LFs in {@code buf[from, to)}. */
    static int countNewlines(byte[] buf, int from, int to) {
        int count = 0;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            count += Long.bitCount(lineFeedBits((long) LONGS.get(buf, i)));
        }
        for (; i < to; i++) {
            if (buf[i] == '\n') {
                count++;
            }
        }
        return count;
    }
}
