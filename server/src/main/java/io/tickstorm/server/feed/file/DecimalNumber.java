package io.tickstorm.server.feed.file;

import java.nio.charset.StandardCharsets;

/**
 * A decimal number scanned from ASCII bytes in JSON's grammar ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?},
 * RFC 8259 §6), kept as sign, decimal mantissa and power of ten, then converted without creating a String.
 *
 * <p>Conversion to double is exact (bit-identical to {@link Double#parseDouble}) by Clinger's fast path: when the
 * mantissa is at most 2^53 and the power of ten at most 22 in magnitude, both are exact doubles and one IEEE
 * multiplication or division rounds correctly. The text {@code Double.toString} prints for prices with few digits
 * (189.25, 2.85557E8) always takes that path. Anything else (more than 15 or 16 significant digits, very large or
 * small exponents) falls back to {@code Double.parseDouble} on a String: correct, rare, and the only allocation.
 *
 * <p>Not thread-safe: one per parser.
 */
final class DecimalNumber {

    /** Largest mantissa a double holds exactly. */
    private static final long MAX_EXACT_MANTISSA = 1L << 53;
    /** Powers of ten that are exact doubles. */
    private static final double[] EXACT_POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    private static final int MAX_EXACT_POWER = EXACT_POWERS_OF_TEN.length - 1;
    /** Digits a long mantissa keeps (10^19 - 1 < 2^63); later digits only move the exponent. */
    private static final int MAX_MANTISSA_DIGITS = 18;
    /** Exponent digits beyond this magnitude change nothing (the value is 0 or infinite) and must not overflow. */
    private static final int EXPONENT_CLAMP = 100_000_000;

    private byte[] text;
    private int start;
    private int end;
    private long mantissa;
    private int exponent;
    private boolean negative;
    /** A non-zero digit was dropped from the mantissa: the value is not mantissa * 10^exponent exactly. */
    private boolean truncated;
    private long longValue;

    /**
     * Scans a number starting at {@code buf[from]} and ending at or before {@code limit}. Returns the index after
     * the number, or -1 if no number starts there or it breaks the grammar ({@code -}, {@code 1.}, {@code 1e},
     * {@code .5}). A leading {@code 0} followed by digits ends the number after the 0; the caller sees the next
     * digit as junk.
     */
    int scan(byte[] buf, int from, int limit) {
        int p = from;
        boolean minus = false;
        if (p < limit && buf[p] == '-') {
            minus = true;
            p++;
        }
        if (p >= limit) {
            return -1;
        }
        long m = 0;
        int digits = 0;
        int exp = 0;
        boolean dropped = false;
        int c = buf[p];
        if (c == '0') {
            p++;
        } else if (c >= '1' && c <= '9') {
            do {
                if (digits < MAX_MANTISSA_DIGITS) {
                    m = m * 10 + (c - '0');
                    digits++;
                } else {
                    exp++;
                    dropped |= c != '0';
                }
                p++;
            } while (p < limit && (c = buf[p]) >= '0' && c <= '9');
        } else {
            return -1;
        }
        if (p < limit && buf[p] == '.') {
            int fractionStart = ++p;
            while (p < limit && (c = buf[p]) >= '0' && c <= '9') {
                if (m == 0 && c == '0') {
                    exp--; // a leading zero of 0.000123: not significant
                } else if (digits < MAX_MANTISSA_DIGITS) {
                    m = m * 10 + (c - '0');
                    digits++;
                    exp--;
                } else {
                    dropped |= c != '0';
                }
                p++;
            }
            if (p == fractionStart) {
                return -1;
            }
        }
        if (p < limit && ((c = buf[p]) == 'e' || c == 'E')) {
            p++;
            boolean exponentMinus = false;
            if (p < limit && ((c = buf[p]) == '+' || c == '-')) {
                exponentMinus = c == '-';
                p++;
            }
            int exponentStart = p;
            int e = 0;
            while (p < limit && (c = buf[p]) >= '0' && c <= '9') {
                if (e < EXPONENT_CLAMP) {
                    e = e * 10 + (c - '0');
                }
                p++;
            }
            if (p == exponentStart) {
                return -1;
            }
            exp += exponentMinus ? -e : e;
        }
        text = buf;
        start = from;
        end = p;
        mantissa = m;
        exponent = exp;
        negative = minus;
        truncated = dropped;
        return p;
    }

    /** The scanned number as the nearest double, exactly as {@link Double#parseDouble} rounds it. */
    double toDouble() {
        if (!truncated) {
            if (mantissa == 0) {
                return negative ? -0.0 : 0.0;
            }
            if (mantissa <= MAX_EXACT_MANTISSA) {
                double value = exactProduct();
                if (value >= 0) {
                    return negative ? -value : value;
                }
            }
        }
        return Double.parseDouble(new String(text, start, end - start, StandardCharsets.ISO_8859_1));
    }

    /** mantissa * 10^exponent when one correctly rounded operation on exact doubles gives it, else -1. */
    private double exactProduct() {
        int exp = exponent;
        if (exp == 0) {
            return mantissa;
        }
        if (exp < 0) {
            return exp >= -MAX_EXACT_POWER ? mantissa / EXACT_POWERS_OF_TEN[-exp] : -1;
        }
        if (exp <= MAX_EXACT_POWER) {
            return mantissa * EXACT_POWERS_OF_TEN[exp];
        }
        // 1.5E25: move the surplus powers into the mantissa while it stays exact, then one multiplication.
        long scaled = mantissa;
        while (exp > MAX_EXACT_POWER && scaled <= MAX_EXACT_MANTISSA / 10) {
            scaled *= 10;
            exp--;
        }
        return exp == MAX_EXACT_POWER ? scaled * EXACT_POWERS_OF_TEN[MAX_EXACT_POWER] : -1;
    }

    /**
     * Converts the scanned number to a long if it is an integer of at most 18 significant digits (1714564801000,
     * 300.0, 3E2), then {@link #longValue()} holds it; false for a fraction (300.5) or a longer integer.
     */
    boolean toLong() {
        if (truncated) {
            // A non-zero digit past the 18th: a fraction, or an integer of 19 or more significant digits, which no
            // timestamp in milliseconds or size reaches (10^18 ms is 31 million years).
            return false;
        }
        long value = mantissa;
        int exp = exponent;
        if (value != 0) {
            for (; exp < 0; exp++) {
                if (value % 10 != 0) {
                    return false;
                }
                value /= 10;
            }
            for (; exp > 0; exp--) {
                if (value > Long.MAX_VALUE / 10) {
                    return false;
                }
                value *= 10;
            }
        }
        longValue = negative ? -value : value;
        return true;
    }

    /** The value {@link #toLong()} produced. */
    long longValue() {
        return longValue;
    }
}
