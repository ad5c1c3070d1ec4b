package io.tickstorm.server.feed.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.feed.FeedConfig;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticSymbolsTest {

    @Test
    void defaultUniverseHasAboutAHundredDistinctValidSymbolsOfEveryClass() {
        List<String> symbols = SyntheticSymbols.DEFAULT_SYMBOLS;
        assertTrue(symbols.size() >= 90 && symbols.size() <= 120, "size " + symbols.size());
        assertEquals(symbols.size(), new HashSet<>(symbols).size());
        HashSet<AssetClass> classes = new HashSet<>();
        for (String symbol : symbols) {
            assertTrue(FeedConfig.SYMBOL_PATTERN.matcher(symbol).matches(), symbol);
            classes.add(SyntheticSymbols.spec(symbol).assetClass());
            assertTrue(SyntheticSymbols.spec(symbol).basePrice() > 0, symbol);
        }
        assertEquals(AssetClass.values().length, classes.size());
        assertEquals(AssetClass.CRYPTO, SyntheticSymbols.spec("BTC-USD").assetClass());
        assertEquals(AssetClass.FX, SyntheticSymbols.spec("EURUSD").assetClass());
        assertEquals(5, SyntheticSymbols.spec("EURUSD").priceDecimals());
    }

    @Test
    void guessesTheClassAndAStableBasePriceOfUnknownSymbols() {
        assertEquals(AssetClass.FX, SyntheticSymbols.spec("EURPLN").assetClass());
        assertEquals(AssetClass.CRYPTO, SyntheticSymbols.spec("ZZZ-USD").assetClass());
        assertEquals(AssetClass.EQUITY, SyntheticSymbols.spec("ACME").assetClass());
        assertEquals(AssetClass.FX, SyntheticSymbols.spec("USDTRY").assetClass());
        assertEquals(2, SyntheticSymbols.spec("ACME").priceDecimals());
        double base = SyntheticSymbols.spec("ACME").basePrice();
        assertEquals(base, SyntheticSymbols.spec("ACME").basePrice());
        assertTrue(base >= 5 && base <= 500);
    }
}
