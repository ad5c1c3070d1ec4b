package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalNumberTest {

    private final DecimalNumber number = new DecimalNumber();

    /** Scans all of {@code text} and converts it, failing if the scan stops early. */
    private double parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(bytes.length, number.scan(bytes, 0, bytes.length), text);
        return number.toDouble();
    }

    private void assertSameAsParseDouble(String text) {
        double expected = Double.parseDouble(text);
        double actual = parse(text);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> text + ": expected " + expected + " got " + actual);
    }

    @Test
    void convertsEveryDoubleToStringOutputBitForBit() {
        SplittableRandom random = new SplittableRandom(20260101);
        int checked = 0;
        while (checked < 100_000) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(value)) {
                assertSameAsParseDouble(Double.toString(value));
                checked++;
            }
        }
    }

    @Test
    void convertsRealisticPricesBitForBit() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            int decimals = random.nextInt(0, 9);
            double scale = Math.pow(10, decimals);
            double price = Math.round(random.nextDouble(0, 100_000) * scale) / scale;
            assertSameAsParseDouble(Double.toString(price));
            assertSameAsParseDouble(Double.toString(price * 1e-3 + price)); // often 16-17 digits: the fallback
        }
    }

    @Test
    void convertsRandomDecimalStringsOfUpToSeventeenDigitsBitForBit() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder();
            if (random.nextBoolean()) {
                text.append('-');
            }
            int digits = random.nextInt(1, 18);
            int point = random.nextInt(0, digits + 1); // digits before the point
            for (int d = 0; d < digits; d++) {
                if (d == point && d > 0) {
                    text.append('.');
                }
                char digit = (char) ('0' + random.nextInt(10));
                text.append(d == 0 && digit == '0' && point > 1 ? '1' : digit);
            }
            if (point == 0) {
                text.insert(text.charAt(0) == '-' ? 1 : 0, "0.");
            }
            int exponentKind = random.nextInt(4);
            if (exponentKind == 1) {
                text.append('E').append(random.nextInt(-30, 31));
            } else if (exponentKind == 2) {
                text.append(random.nextBoolean() ? 'e' : 'E').append(random.nextBoolean() ? "+" : "")
                        .append(random.nextInt(0, 340));
            } else if (exponentKind == 3) {
                text.append("e-").append(random.nextInt(0, 345));
            }
            assertSameAsParseDouble(text.toString());
        }
    }

    @Test
    void convertsEdgeValuesBitForBit() {
        String[] edges = {
            "0", "-0", "0.0", "-0.0", "0e5", "-0E-5", "0.000", "1", "-1", "10", "189.25", "2.85557E8", "1.0E-5",
            "0.1", "0.2", "0.30000000000000004", "1e22", "1e23", "1.5E25", "9.999999999999999E22",
            "9007199254740991", "9007199254740992", "9007199254740993", "18014398509481985", "123456789012345678",
            "1234567890123456789", "12345678901234567890123456789", "0.12345678901234567890123",
            "4.9E-324", "2.4703282292062327E-324", "2.2250738585072014E-308", "2.225073858507201E-308",
            "1.7976931348623157E308", "1.7976931348623158E308", "1e308", "1e309", "1e400", "-1e400", "1e-400",
            "0.000001", "1E-22", "3E-23", "1714564801000", "67012.5", "1.08437", "100000.0", "1.5E7",
            "1e99999999999", "1e-99999999999", "0.0000000000000000000000000000000000000001",
        };
        for (String edge : edges) {
            assertSameAsParseDouble(edge);
        }
    }

    @Test
    void rejectsTextOutsideJsonNumberGrammar() {
        for (String bad : new String[] {"", "-", "1.", ".5", "1e", "1e+", "1E-", "+1", "abc", "Infinity", "-x"}) {
            byte[] bytes = bad.getBytes(StandardCharsets.US_ASCII);
            assertEquals(-1, number.scan(bytes, 0, bytes.length), bad);
        }
    }

    @Test
    void stopsAtTheFirstByteThatCannotContinueTheNumber() {
        byte[] bytes = "01,12.5}3e2x-7 ".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, number.scan(bytes, 0, bytes.length)); // "0", then "1" is junk for the caller
        assertEquals(7, number.scan(bytes, 3, bytes.length));
        assertEquals(12.5, number.toDouble());
        assertEquals(11, number.scan(bytes, 8, bytes.length));
        assertEquals(300.0, number.toDouble());
        assertEquals(14, number.scan(bytes, 12, bytes.length));
        assertEquals(-7.0, number.toDouble());
    }

    @Test
    void convertsIntegralNumbersToLong() {
        assertLong(1714564801000L, "1714564801000");
        assertLong(300, "300.0");
        assertLong(300, "3E2");
        assertLong(300, "3000e-1");
        assertLong(-5, "-5");
        assertLong(0, "0");
        assertLong(0, "-0.0");
        assertLong(0, "0e-99999");
        assertLong(1_000_000_000_000_000_000L, "1e18");
        assertLong(999_999_999_999_999_999L, "999999999999999999");
        for (String notLong : new String[] {"300.5", "1e-5", "0.1", "1e19", "1e300", "1234567890123456789"}) {
            byte[] bytes = notLong.getBytes(StandardCharsets.US_ASCII);
            assertEquals(bytes.length, number.scan(bytes, 0, bytes.length));
            assertFalse(number.toLong(), notLong);
        }
    }

    private void assertLong(long expected, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(bytes.length, number.scan(bytes, 0, bytes.length));
        assertTrue(number.toLong(), text);
        assertEquals(expected, number.longValue(), text);
    }
}
