package io.tickstorm.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import org.junit.jupiter.api.Test;

class TickFormatTest {

    private static String json(String value) {
        StringBuilder out = new StringBuilder();
        TickFormat.appendString(out, value);
        return out.toString();
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersInJsonStrings() {
        assertEquals("\"a\\\"b\\\\c\"", json("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001f\"", json("\n\r\t\b\f\u0000\u001f"));
        assertEquals("\"\\u2028\\u2029é€\"", json("\u2028\u2029é€"));
    }

    @Test
    void writesNonFiniteNumbersAsNull() {
        StringBuilder out = new StringBuilder();
        TickFormat.appendNumber(out, Double.NaN);
        out.append(',');
        TickFormat.appendNumber(out, Double.POSITIVE_INFINITY);
        out.append(',');
        TickFormat.appendNumber(out, 1.5e-7);
        assertEquals("null,null,1.5E-7", out.toString());
    }

    @Test
    void printsOneLinePerTickOfTheBatch() {
        DataBatch batch = DataBatch.newBuilder()
                .setBatchSequence(-1)
                .addTicks(Tick.newBuilder().setSymbol("A\"B").setMode(SubscriptionMode.REALTIME))
                .addTicks(Tick.newBuilder().setSymbol("C"))
                .build();
        StringBuilder out = new StringBuilder();
        TickFormat.JSON.appendBatch(out, batch);
        assertEquals("{\"symbol\":\"A\\\"B\",\"timestamp_ms\":0,\"price\":0.0,\"volume\":0.0,\"bid\":0.0,"
                + "\"ask\":0.0,\"bid_size\":0,\"ask_size\":0,\"mode\":\"REALTIME\",\"batch_sequence\":4294967295,"
                + "\"is_snapshot\":false}\n"
                + "{\"symbol\":\"C\",\"timestamp_ms\":0,\"price\":0.0,\"volume\":0.0,\"bid\":0.0,\"ask\":0.0,"
                + "\"bid_size\":0,\"ask_size\":0,\"mode\":\"SUBSCRIPTION_MODE_UNSPECIFIED\","
                + "\"batch_sequence\":4294967295,\"is_snapshot\":false}\n", out.toString());
    }
}
