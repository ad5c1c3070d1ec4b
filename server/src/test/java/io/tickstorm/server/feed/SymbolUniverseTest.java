package io.tickstorm.server.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SymbolUniverseTest {

    @Test
    void defaultUniverseHasAboutAHundredDistinctValidSymbolsOfEveryClass() {
        List<String> symbols = SymbolUniverse.DEFAULT_SYMBOLS;
        assertTrue(symbols.size() >= 90 && symbols.size() <= 120, "size " + symbols.size());
        assertEquals(symbols.size(), new HashSet<>(symbols).size());
        for (String symbol : symbols) {
            assertTrue(FeedConfig.SYMBOL_PATTERN.matcher(symbol).matches(), symbol);
        }
        SymbolUniverse universe = new SymbolUniverse(symbols);
        HashSet<AssetClass> classes = new HashSet<>();
        for (int i = 0; i < universe.size(); i++) {
            classes.add(universe.assetClass(i));
            assertTrue(universe.basePrice(i) > 0, symbols.get(i));
        }
        assertEquals(AssetClass.values().length, classes.size());
        assertEquals(AssetClass.CRYPTO, universe.assetClass(universe.indexOf("BTC-USD")));
        assertEquals(AssetClass.FX, universe.assetClass(universe.indexOf("EURUSD")));
        assertEquals(5, universe.priceDecimals(universe.indexOf("EURUSD")));
    }

    @Test
    void mapsIndexToSymbolAndBackWithPrecomputedUtf8() {
        SymbolUniverse universe = new SymbolUniverse(List.of("MSFT", "AAPL", "BTC-USD"));
        assertEquals(3, universe.size());
        assertEquals("AAPL", universe.symbol(1));
        assertEquals(1, universe.indexOf("AAPL"));
        assertEquals(-1, universe.indexOf("NOPE"));
        assertTrue(universe.contains("BTC-USD"));
        assertFalse(universe.contains("btc-usd"));
        assertArrayEquals("BTC-USD".getBytes(StandardCharsets.UTF_8), universe.symbolBytes(2));
        assertEquals(List.of("MSFT", "AAPL", "BTC-USD"), universe.symbols());
    }

    @Test
    void guessesTheClassAndAStableBasePriceOfUnknownSymbols() {
        SymbolUniverse universe = new SymbolUniverse(List.of("EURPLN", "ZZZ-USD", "ACME", "USDTRY"));
        assertEquals(AssetClass.FX, universe.assetClass(0));
        assertEquals(AssetClass.CRYPTO, universe.assetClass(1));
        assertEquals(AssetClass.EQUITY, universe.assetClass(2));
        assertEquals(2, universe.priceDecimals(2));
        SymbolUniverse again = new SymbolUniverse(List.of("ACME"));
        assertEquals(universe.basePrice(2), again.basePrice(0));
        assertTrue(universe.basePrice(2) >= 5 && universe.basePrice(2) <= 500);
    }

    @Test
    void rejectsAnEmptyUniverse() {
        assertThrows(IllegalArgumentException.class, () -> new SymbolUniverse(List.of()));
    }
}
