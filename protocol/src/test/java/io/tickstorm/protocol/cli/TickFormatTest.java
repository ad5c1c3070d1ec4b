package io.tickstorm.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("null,null,0.00000015", out.toString());
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

    @Test
    void printsLargeAndTinyNumbersAsPlainDecimalsNeverWithAnExponent() {
        assertEquals("285557000.0", decimal(2.85557E8));
        assertEquals("10000000.0", decimal(1e7));
        assertEquals("9999999.5", decimal(9_999_999.5));
        assertEquals("123456789012.25", decimal(123_456_789_012.25));
        assertEquals("-285557000.0", decimal(-2.85557E8));
        assertEquals("0.0001", decimal(1e-4));
        assertEquals("1500.0", decimal(1500));
        assertEquals("0.0", decimal(0));
        assertEquals("189.25", decimal(189.25));
    }

    private static String decimal(double value) {
        StringBuilder out = new StringBuilder();
        TickFormat.appendDecimal(out, value);
        return out.toString();
    }

    @Test
    void textAndJsonPrintVolumesAsPlainDecimals() {
        DataBatch batch = DataBatch.newBuilder()
                .addTicks(Tick.newBuilder().setSymbol("SPY").setVolume(2.85557E8).setPrice(4.5e7))
                .build();
        StringBuilder text = new StringBuilder();
        TickFormat.TEXT.appendBatch(text, batch);
        assertTrue(text.toString().contains(" price=45000000.0 volume=285557000.0 "), text.toString());
        StringBuilder json = new StringBuilder();
        TickFormat.JSON.appendBatch(json, batch);
        assertTrue(json.toString().contains("\"price\":45000000.0,\"volume\":285557000.0,"), json.toString());
        assertFalse(text.toString().matches("(?s).*\\dE\\d.*"), text.toString());
    }
}
