package io.tickstorm.server.feed.file;

import io.tickstorm.server.feed.MalformedReason;

/**
 * Parses one line of a tick recording into a {@link TickRecord}, allocating nothing for a good line. Implementations
 * keep scratch state: one instance per thread.
 *
 * <p>Blank lines (nothing but spaces, tabs and CR) are not ticks and not errors either: a caller checks
 * {@link #isBlank} first and skips them without counting. Given a blank line, {@link #parse} reports it as
 * {@link MalformedReason#UNPARSEABLE}.
 */
public interface TickLineParser {

    /**
     * Parses {@code buf[offset, offset + length)}, one line without its line feed (a trailing CR is ignored), into
     * {@code out}, which is cleared first. Returns null for a good tick, else why the line is skipped; after a
     * failure {@code out} holds whatever was read and must not be used. The symbol in {@code out} refers into
     * {@code buf}.
     */
    MalformedReason parse(byte[] buf, int offset, int length, TickRecord out);

    /** Whether {@code buf[offset, offset + length)} holds only spaces, tabs, CR and LF (or nothing). */
    static boolean isBlank(byte[] buf, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte c = buf[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }
}
