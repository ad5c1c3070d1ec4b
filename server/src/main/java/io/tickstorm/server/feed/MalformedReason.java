package io.tickstorm.server.feed;

/**
 * Why a source skipped a record (a line of a file, a Kafka record): counted by reason in
 * {@code tick_storm_feed_malformed_total{reason}} and never fatal (PROTOCOL.md §6). The labels are the metric's
 * label values: bounded, stable, snake_case.
 */
public enum MalformedReason {

    /** Not a JSON object, a CSV row with the wrong number of columns, a bad protobuf, bytes that are not UTF-8. */
    UNPARSEABLE("unparseable"),
    /** A required field (symbol, timestamp_ms, price, volume, bid, ask) is absent or null. */
    MISSING_FIELD("missing_field"),
    /** The symbol does not match {@code ^[A-Z0-9._-]{1,16}$}. */
    BAD_SYMBOL("bad_symbol"),
    /** A number that is not finite, a negative price, volume or size, or a field of the wrong type. */
    BAD_NUMBER("bad_number"),
    /** A quote with bid above ask. */
    CROSSED_QUOTE("crossed_quote"),
    /** A timestamp absurdly far ahead of the server's clock (Kafka: more than 60 s). */
    FUTURE_TIMESTAMP("future_timestamp"),
    /** A line longer than the reader's buffer. */
    LINE_TOO_LONG("line_too_long");

    private final String label;

    MalformedReason(String label) {
        this.label = label;
    }

    /** The metric label value. */
    public String label() {
        return label;
    }
}
