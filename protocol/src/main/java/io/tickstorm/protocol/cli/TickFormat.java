package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.Tick;
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
                    .append(" price=").append(tick.getPrice())
                    .append(" volume=").append(tick.getVolume())
                    .append(" bid=").append(tick.getBid())
                    .append(" ask=").append(tick.getAsk())
                    .append(" bid_size=").append(tick.getBidSize())
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
            out.append(value);
        } else {
            out.append("null");
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
