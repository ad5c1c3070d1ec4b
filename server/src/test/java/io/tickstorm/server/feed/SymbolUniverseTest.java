package io.tickstorm.server.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SymbolUniverseTest {

    private static int resolve(SymbolUniverse universe, String symbol) {
        // Resolve from the middle of a larger buffer, as a parser does.
        byte[] line = ("{\"symbol\":\"" + symbol + "\"}").getBytes(StandardCharsets.UTF_8);
        return universe.resolve(line, 11, symbol.length());
    }

    @Test
    void mapsIndexToSymbolAndBackWithPrecomputedUtf8() {
        SymbolUniverse universe = SymbolUniverse.of(List.of("MSFT", "AAPL", "BTC-USD"));
        assertEquals(3, universe.size());
        assertEquals(3, universe.capacity());
        assertFalse(universe.learns());
        assertEquals("AAPL", universe.symbol(1));
        assertEquals(1, universe.indexOf("AAPL"));
        assertEquals(-1, universe.indexOf("NOPE"));
        assertTrue(universe.contains("BTC-USD"));
        assertFalse(universe.contains("btc-usd"));
        assertArrayEquals("BTC-USD".getBytes(StandardCharsets.UTF_8), universe.symbolBytes(2));
        assertEquals(List.of("MSFT", "AAPL", "BTC-USD"), universe.symbols());
    }

    @Test
    void ordersSymbolsByNameWhateverTheirIndex() {
        SymbolUniverse universe = SymbolUniverse.of(List.of("MSFT", "AAPL", "BTC-USD", "A"));
        assertArrayEquals(new int[] {3, 1, 2, 0}, universe.byName());
    }

    @Test
    void aFixedUniverseResolvesItsSymbolsFromBytesAndNothingElse() {
        SymbolUniverse universe = SymbolUniverse.of(List.of("MSFT", "AAPL"));
        assertEquals(1, resolve(universe, "AAPL"));
        assertEquals(0, resolve(universe, "MSFT"));
        assertEquals(-1, resolve(universe, "IBM"));
        assertEquals(2, universe.size());
    }

    @Test
    void aLearningUniverseAddsNewSymbolsUpToItsCapacity() {
        SymbolUniverse universe = SymbolUniverse.learning(3);
        assertEquals(0, universe.size());
        assertTrue(universe.learns());
        assertEquals(0, resolve(universe, "ZED"));
        assertEquals(1, resolve(universe, "ABC"));
        assertEquals(0, resolve(universe, "ZED"));
        assertEquals(2, resolve(universe, "MMM"));
        assertEquals(-1, resolve(universe, "FULL"));
        assertEquals(List.of("ZED", "ABC", "MMM"), universe.symbols());
        assertEquals(1, universe.indexOf("ABC"));
        assertArrayEquals(new int[] {1, 2, 0}, universe.byName());
    }

    @Test
    void resolvesManySymbolsWithCollidingSlots() {
        SymbolUniverse universe = SymbolUniverse.learning(1000);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, resolve(universe, "S" + i));
        }
        for (int i = 999; i >= 0; i--) {
            assertEquals(i, resolve(universe, "S" + i));
        }
        int[] byName = universe.byName();
        for (int i = 1; i < byName.length; i++) {
            assertTrue(universe.symbol(byName[i - 1]).compareTo(universe.symbol(byName[i])) < 0);
        }
    }

    @Test
    void rejectsAnEmptyOrDuplicatedUniverse() {
        assertThrows(IllegalArgumentException.class, () -> SymbolUniverse.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> SymbolUniverse.of(List.of("A", "A")));
    }
}
