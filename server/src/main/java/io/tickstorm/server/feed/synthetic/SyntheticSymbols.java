package io.tickstorm.server.feed.synthetic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic market's static parameters per symbol: asset class, base price and price decimals.
 *
 * <p>Symbols of the {@linkplain #DEFAULT_SYMBOLS built-in list} have realistic base prices; any other symbol gets
 * an asset class guessed from its shape ({@code EURUSD}-like pairs are FX, {@code XYZ-USD} is crypto, the rest are
 * equities) and a base price derived from a hash of its name, so it is the same on every replica. Immutable.
 */
public final class SyntheticSymbols {

    /** The built-in universe used when {@code tick-storm.feed.symbols} is empty: about 100 symbols. */
    public static final List<String> DEFAULT_SYMBOLS;

    private static final Map<String, Spec> KNOWN;

    private static final String CURRENCIES = "USD EUR GBP JPY CHF AUD CAD NZD SEK NOK DKK MXN CNH CNY HKD SGD ZAR TRY "
            + "PLN CZK HUF INR KRW BRL";

    // Built-in universe: "SYMBOL basePrice priceDecimals", comma separated, per asset class.
    private static final String EQUITIES = """
            AAPL 190 2, MSFT 420 2, NVDA 120 2, AMZN 185 2, GOOGL 170 2, META 500 2, TSLA 250 2, BRK.B 410 2,
            JPM 200 2, V 275 2, JNJ 155 2, WMT 68 2, PG 165 2, MA 460 2, UNH 520 2, HD 360 2, XOM 115 2, CVX 155 2,
            LLY 800 2, ABBV 170 2, KO 62 2, PEP 170 2, MRK 125 2, COST 850 2, AVGO 160 2, ORCL 140 2, CSCO 50 2,
            ADBE 520 2, CRM 270 2, NFLX 650 2, AMD 160 2, INTC 31 2, QCOM 170 2, TXN 195 2, IBM 185 2, BAC 38 2,
            WFC 58 2, GS 460 2, MS 100 2, C 63 2, DIS 95 2, NKE 95 2, MCD 290 2, SBUX 80 2, BA 180 2, CAT 340 2,
            GE 165 2, HON 205 2, UPS 140 2, T 17 2, VZ 40 2, PFE 29 2, TMO 580 2, ABT 105 2, DHR 250 2, PYPL 62 2,
            UBER 70 2, SHOP 75 2, PLTR 25 2, SNOW 150 2, F 12 2, GM 45 2, SAP 190 2, ASML 950 2, TSM 170 2, BABA 80 2,
            TM 200 2, RY 110 2
            """;

    private static final String ETFS = """
            SPY 540 2, QQQ 470 2, IWM 210 2, DIA 400 2, VTI 270 2, VOO 500 2, EEM 43 2, EFA 80 2, GLD 220 2, SLV 27 2,
            TLT 95 2, HYG 78 2, LQD 110 2, XLF 42 2, XLE 92 2, XLK 220 2, ARKK 48 2
            """;

    private static final String FX_PAIRS = """
            EURUSD 1.085 5, GBPUSD 1.27 5, USDJPY 151.5 3, USDCHF 0.90 5, AUDUSD 0.66 5, USDCAD 1.36 5, NZDUSD 0.61 5,
            EURGBP 0.855 5, EURJPY 164.2 3, GBPJPY 192.4 3, USDSEK 10.5 4, USDNOK 10.7 4, USDMXN 17.1 4,
            USDCNH 7.24 4
            """;

    private static final String CRYPTO_PAIRS = """
            BTC-USD 65000 2, ETH-USD 3400 2, SOL-USD 150 2, XRP-USD 0.52 4, ADA-USD 0.45 4, DOGE-USD 0.15 5,
            AVAX-USD 35 2, DOT-USD 7 3, LINK-USD 17 3, LTC-USD 85 2, MATIC-USD 0.7 4
            """;

    static {
        List<String> defaults = new ArrayList<>();
        Map<String, Spec> known = new HashMap<>();
        add(defaults, known, AssetClass.EQUITY, EQUITIES);
        add(defaults, known, AssetClass.ETF, ETFS);
        add(defaults, known, AssetClass.FX, FX_PAIRS);
        add(defaults, known, AssetClass.CRYPTO, CRYPTO_PAIRS);
        DEFAULT_SYMBOLS = List.copyOf(defaults);
        KNOWN = Map.copyOf(known);
    }

    private SyntheticSymbols() {
    }

    /** The parameters of {@code symbol}: from the built-in table, else guessed from its name. */
    static Spec spec(String symbol) {
        Spec known = KNOWN.get(symbol);
        return known != null ? known : guess(symbol);
    }

    /**
     * A stable 64-bit hash of a symbol's name (FNV-1a over its UTF-8 bytes, then mixed), the same on every JVM:
     * {@link String#hashCode()} is stable too, but 32 bits collide too easily to key random streams.
     */
    static long nameHash(String symbol) {
        long h = 0xcbf29ce484222325L;
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return SplitMix.mix(h);
    }

    private static Spec guess(String symbol) {
        double u = SplitMix.unit(nameHash(symbol));
        if (symbol.length() == 6 && symbol.chars().allMatch(Character::isLetter)
                && isCurrency(symbol.substring(0, 3)) && isCurrency(symbol.substring(3))) {
            boolean yenQuoted = symbol.endsWith("JPY");
            return new Spec(AssetClass.FX, yenQuoted ? 80 + 120 * u : 0.5 + 1.5 * u, yenQuoted ? 3 : 5);
        }
        if (symbol.endsWith("-USD") || symbol.endsWith("-USDT") || symbol.endsWith("-EUR")) {
            double price = Math.pow(10, -1 + 4 * u);
            return new Spec(AssetClass.CRYPTO, price, price >= 100 ? 2 : price >= 1 ? 3 : 5);
        }
        return new Spec(AssetClass.EQUITY, 5 * Math.pow(100, u), 2);
    }

    private static boolean isCurrency(String code) {
        return CURRENCIES.contains(code);
    }

    private static void add(List<String> defaults, Map<String, Spec> known, AssetClass assetClass, String table) {
        for (String entry : table.split(",")) {
            String[] parts = entry.trim().split("\\s+");
            defaults.add(parts[0]);
            known.put(parts[0], new Spec(assetClass, Double.parseDouble(parts[1]), Integer.parseInt(parts[2])));
        }
    }

    /** A symbol's static parameters: its asset class, the price its walk is centred on and its tick decimals. */
    record Spec(AssetClass assetClass, double basePrice, int priceDecimals) {
    }
}
