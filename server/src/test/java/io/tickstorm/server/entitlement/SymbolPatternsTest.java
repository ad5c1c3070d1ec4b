package io.tickstorm.server.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SymbolPatternsTest {

    private static SymbolPatterns of(String... patterns) {
        return SymbolPatterns.of(List.of(patterns));
    }

    @Test
    void exactNamesMatchOnlyThemselves() {
        SymbolPatterns patterns = of("AAPL", "MSFT");
        assertTrue(patterns.matches("AAPL"));
        assertTrue(patterns.matches("MSFT"));
        assertFalse(patterns.matches("AAP"));
        assertFalse(patterns.matches("AAPLX"));
        assertFalse(patterns.matches("GOOG"));
    }

    @Test
    void prefixPatternsMatchTheirPrefixAndEveryExtension() {
        SymbolPatterns patterns = of("FX.*", "EQ.US.*");
        assertTrue(patterns.matches("FX.EURUSD"));
        assertTrue(patterns.matches("FX."));
        assertTrue(patterns.matches("EQ.US.AAPL"));
        assertFalse(patterns.matches("FX"));
        assertFalse(patterns.matches("FXEURUSD"));
        assertFalse(patterns.matches("EQ.UK.VOD"));
        assertFalse(patterns.matches("EQ.U"));
        assertFalse(patterns.matches("A"));
        assertFalse(patterns.matches("ZZZ"));
    }

    @Test
    void starAloneIsEverySymbolAndAnEmptyListIsNone() {
        assertSame(SymbolPatterns.EVERYTHING, of("*"));
        assertSame(SymbolPatterns.EVERYTHING, of("AAPL", "*", "FX.*"));
        assertTrue(of("*").matches("ANYTHING"));
        assertSame(SymbolPatterns.NOTHING, of());
        assertTrue(of().isEmpty());
        assertFalse(of().matches("AAPL"));
    }

    @Test
    void equalSetsAreEqualWhateverTheOrderOrRedundancy() {
        assertEquals(of("FX.*"), of("FX.EURUSD", "FX.*", "FX.EU*"));
        assertEquals(of("FX.*").hashCode(), of("FX.EURUSD", "FX.*").hashCode());
        assertEquals(of("AAPL", "MSFT"), of("MSFT", "AAPL", "AAPL"));
        assertFalse(of("AAPL").equals(of("AAPL", "MSFT")));
        assertFalse(of("A*").equals(of("A")));
        assertEquals("AAPL, FX.*", of("FX.*", "AAPL", "FX.GBP").toString());
    }

    @Test
    void rejectsAnythingButSymbolsAndTrailingStars() {
        for (String bad : List.of("", "aapl", "FX.*.X", "*FX", "F*X", "**", "A B", "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOP*")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void coversTellsWhetherANewSetKeepsEverySymbolOfAnOldOne() {
        assertTrue(of("FX.*").covers(of("FX.EU*", "FX.GBPUSD")));
        assertTrue(of("*").covers(of("*")));
        assertTrue(of("AAPL", "FX.*").covers(SymbolPatterns.NOTHING));
        assertFalse(of("FX.EU*").covers(of("FX.*")));
        assertEquals("FX.*", of("FX.EU*").notCovered(of("FX.*")));
        assertEquals("*", of("FX.*").notCovered(of("*")));
        assertEquals("MSFT", of("AAPL").notCovered(of("AAPL", "MSFT")));
        assertNull(of("A*").notCovered(of("AAPL", "AB*")));
    }

    /** The sorted-prefix search agrees with a plain scan of the patterns on random symbols and pattern sets. */
    @Test
    void agreesWithANaiveMatcher() {
        Random random = new Random(42);
        String alphabet = "AB.C1";
        for (int round = 0; round < 200; round++) {
            List<String> patterns = new ArrayList<>();
            for (int i = random.nextInt(8); i >= 0; i--) {
                String word = word(random, alphabet, random.nextInt(4) + (random.nextBoolean() ? 0 : 1));
                patterns.add(random.nextBoolean() ? word + "*" : word.isEmpty() ? "A" : word);
            }
            SymbolPatterns compiled = SymbolPatterns.of(patterns);
            for (int i = 0; i < 50; i++) {
                String symbol = word(random, alphabet, 1 + random.nextInt(5));
                boolean expected = patterns.stream().anyMatch(p -> p.endsWith("*")
                        ? symbol.startsWith(p.substring(0, p.length() - 1)) : symbol.equals(p));
                assertEquals(expected, compiled.matches(symbol), patterns + " vs " + symbol);
            }
        }
    }

    private static String word(Random random, String alphabet, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return word.toString();
    }
}
