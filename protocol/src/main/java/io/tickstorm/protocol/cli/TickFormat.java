package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.Tick;
import java.math.BigDecimal;
import java.time.Instant;

/** How {@link TickClientCli} prints ticks: one line per tick, with its batch's sequence and snapshot flag. */
enum TickFormat {

    /**
     * Human-readable: {@code AAPL 2024-05-01T12:00:01Z price=189.25 volume=1200.0 bid=189.24 ask=189.26 bid_size=300
     * ask_size=200 mode=SECOND batch_sequence=1714564801 snapshot=false}.
     */
    TEXT {
        @Override
        void appendTick(StringBuilder out, DataBatch batch, Tick tick) {
            out.append(tick.getSymbol())
                    .append(' ').append(Instant.ofEpochMilli(tick.getTimestampMs()))
                    .append(" price=");
            appendDecimal(out, tick.getPrice());
            appendDecimal(out.append(" volume="), tick.getVolume());
            appendDecimal(out.append(" bid="), tick.getBid());
            appendDecimal(out.append(" ask="), tick.getAsk());
            out.append(" bid_size=").append(tick.getBidSize())
                    .append(" ask_size=").append(tick.getAskSize())
                    .append(" mode=").append(tick.getMode().name())
                    .append(" batch_sequence=").append(Integer.toUnsignedLong(batch.getBatchSequence()))
                    .append(" snapshot=").append(batch.getIsSnapshot())
                    .append('\n');
        }
    },

    /**
     * JSON lines, one object per tick with the proto field names: symbol, timestamp_ms, price, volume, bid, ask,
     * bid_size, ask_size, mode (its name), batch_sequence, is_snapshot. A non-finite price is {@code null}.
     */
    JSON {
        @Override
        void appendTick(StringBuilder out, DataBatch batch, Tick tick) {
            out.append("{\"symbol\":");
            appendString(out, tick.getSymbol());
            out.append(",\"timestamp_ms\":").append(tick.getTimestampMs());
            appendNumber(out.append(",\"price\":"), tick.getPrice());
            appendNumber(out.append(",\"volume\":"), tick.getVolume());
            appendNumber(out.append(",\"bid\":"), tick.getBid());
            appendNumber(out.append(",\"ask\":"), tick.getAsk());
            out.append(",\"bid_size\":").append(tick.getBidSize());
            out.append(",\"ask_size\":").append(tick.getAskSize());
            out.append(",\"mode\":");
            appendString(out, tick.getMode().name());
            out.append(",\"batch_sequence\":").append(Integer.toUnsignedLong(batch.getBatchSequence()));
            out.append(",\"is_snapshot\":").append(batch.getIsSnapshot());
            out.append("}\n");
        }
    };

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Double.toString uses plain notation for magnitudes in [10^-3, 10^7) (its javadoc). */
    private static final double PLAIN_MIN = 1e-3;
    private static final double PLAIN_LIMIT = 1e7;

    /** Appends one line per tick of {@code batch}. */
    void appendBatch(StringBuilder out, DataBatch batch) {
        for (int i = 0, n = batch.getTicksCount(); i < n; i++) {
            appendTick(out, batch, batch.getTicks(i));
        }
    }

    abstract void appendTick(StringBuilder out, DataBatch batch, Tick tick);

    /** JSON has no NaN or infinity. */
    static void appendNumber(StringBuilder out, double value) {
        if (Double.isFinite(value)) {
            appendDecimal(out, value);
        } else {
            out.append("null");
        }
    }

    /**
     * {@code value} in plain decimal notation, never exponent notation ({@code 285557000.0}, not {@code 2.85557E8}),
     * with the same shortest digits as {@link Double#toString} and at least one fractional digit. Allocation-free
     * except for values Double.toString would print with an exponent (below 10^-3 or from 10^7 on).
     */
    static void appendDecimal(StringBuilder out, double value) {
        double magnitude = Math.abs(value);
        if (!Double.isFinite(value) || magnitude == 0 || (magnitude >= PLAIN_MIN && magnitude < PLAIN_LIMIT)) {
            out.append(value);
            return;
        }
        String plain = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        out.append(plain);
        if (plain.indexOf('.') < 0) {
            out.append(".0");
        }
    }

    /** A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped. */
    static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // U+2028/U+2029 are legal JSON but break JavaScript consumers of JSON lines.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
