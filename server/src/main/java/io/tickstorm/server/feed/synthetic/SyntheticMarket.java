package io.tickstorm.server.feed.synthetic;

import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickSink;

/**
 * A deterministic synthetic market: every tick is a pure function of (seed, symbols, rate, tick index), and the
 * tick index is a pure function of time, so two servers configured alike produce the same ticks and the same bars
 * for the same instant without talking to each other, whenever each of them started.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li><b>Clock.</b> Tick {@code k} (a global index since the epoch) happens at
 *       {@code t_k = floor(k * 1e9 / rate)} epoch nanoseconds, computed exactly in integers by splitting {@code k}
 *       into whole seconds and a remainder; {@link #firstTickAtOrAfter(long)} inverts it.</li>
 *   <li><b>Symbol.</b> Ticks go round-robin over the universe in rounds of {@code N = symbols} ticks: round
 *       {@code r = k / N} visits the symbols in a seed-derived permutation rotated by a hashed offset of {@code r}.
 *       Every symbol trades exactly once per round, so "the last trade of symbol s at or before tick k" is O(1)
 *       ({@link #lastTickOfSymbolAtOrBefore(int, long)}): bars of quiet symbols never scan history.</li>
 *   <li><b>Price path.</b> {@code base * exp(volatility * W(t))}, where {@code W} sums 24 octaves of hashed value
 *       noise with periods from 2^20 ns (about 1 ms) to 2^43 ns (about 2.4 h), each octave linearly interpolating
 *       between hashed values in [-1, 1) at its cell edges and weighted by the square root of its period. Its
 *       increments over a horizon h have a variance close to proportional to h, like a random walk, but it stays
 *       within a few percent of the base price (the longest octave bounds it) and can be evaluated directly at any
 *       {@code t} in O(octaves).</li>
 *   <li><b>Trades and quotes.</b> The path at {@code t_k} is rounded to the symbol's price tick; the quote straddles
 *       it with a per-symbol spread (plus up to 7/8 of it again, per tick) and the trade prints at the bid or the
 *       ask. Volumes and sizes come from one hash of (seed, k). So {@code 0 < bid < ask}, {@code bid <= price <=
 *       ask}, volumes and sizes are positive and every price is finite.</li>
 * </ul>
 * Random values come from SplitMix64 mixing of keys derived from (seed, symbol name, octave, cell) or (seed, k), so
 * a symbol's path depends on the seed and its name only, not on its position in the list. Floating point is
 * reproducible across JVMs: plain arithmetic is strict in Java 17 and the one transcendental function is
 * {@link StrictMath#exp(double)}; volumes are integers of lots until the final scaling.
 *
 * <p>Immutable and safe to use from any thread; nothing here allocates per tick.
 */
public final class SyntheticMarket {

    /** Octaves of value noise in the price path. */
    static final int OCTAVES = 24;
    /** log2 of the shortest octave's period in nanoseconds. */
    static final int FIRST_OCTAVE_SHIFT = 20;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final double[] OCTAVE_AMPLITUDE = new double[OCTAVES];
    private static final double[] OCTAVE_INVERSE_PERIOD = new double[OCTAVES];

    static {
        for (int o = 0; o < OCTAVES; o++) {
            double periodNanos = (double) (1L << (FIRST_OCTAVE_SHIFT + o));
            OCTAVE_AMPLITUDE[o] = StrictMath.sqrt(periodNanos / NANOS_PER_SECOND);
            OCTAVE_INVERSE_PERIOD[o] = 1.0 / periodNanos;
        }
    }

    private final FeedConfig config;
    private final SymbolUniverse universe;
    private final int symbolCount;
    private final long rate;
    private final int[] symbolAtPosition;
    private final int[] positionOfSymbol;
    private final long rotationKey;
    private final long tickKey;
    private final long[] octaveKeys;
    private final double[] volatility;
    private final double[] basePrice;
    private final double[] priceScale;
    private final long[] spreadTicks;
    private final AssetClass[] assetClass;
    private final long[] volumeMultiplier;
    private final double[] volumeDivisor;
    private final long[] sizeUnit;

    /** The market of {@code config}'s rate and seed over the fixed {@code universe}. */
    public SyntheticMarket(FeedConfig config, SymbolUniverse universe) {
        this.config = config;
        this.universe = universe;
        this.symbolCount = universe.size();
        this.rate = config.ticksPerSecond();
        long seedKey = SplitMix.derive(config.seed(), 0x7469636B73746F72L);
        this.rotationKey = SplitMix.derive(seedKey, 1);
        this.tickKey = SplitMix.derive(seedKey, 2);
        this.symbolAtPosition = permutation(SplitMix.derive(seedKey, 3), symbolCount);
        this.positionOfSymbol = new int[symbolCount];
        for (int p = 0; p < symbolCount; p++) {
            positionOfSymbol[symbolAtPosition[p]] = p;
        }
        this.octaveKeys = new long[symbolCount * OCTAVES];
        this.volatility = new double[symbolCount];
        this.basePrice = new double[symbolCount];
        this.priceScale = new double[symbolCount];
        this.spreadTicks = new long[symbolCount];
        this.assetClass = new AssetClass[symbolCount];
        this.volumeMultiplier = new long[symbolCount];
        this.volumeDivisor = new double[symbolCount];
        this.sizeUnit = new long[symbolCount];
        for (int s = 0; s < symbolCount; s++) {
            initSymbol(s, SplitMix.derive(seedKey, SyntheticSymbols.nameHash(universe.symbol(s))));
        }
    }

    private void initSymbol(int s, long symbolKey) {
        for (int o = 0; o < OCTAVES; o++) {
            octaveKeys[s * OCTAVES + o] = SplitMix.derive(symbolKey, o + 1);
        }
        SyntheticSymbols.Spec spec = SyntheticSymbols.spec(universe.symbol(s));
        AssetClass kind = spec.assetClass();
        double base = spec.basePrice();
        assetClass[s] = kind;
        basePrice[s] = base;
        priceScale[s] = StrictMath.pow(10, spec.priceDecimals());
        volatility[s] = kind.minVolatility()
                + (kind.maxVolatility() - kind.minVolatility()) * SplitMix.unit(SplitMix.derive(symbolKey, 101));
        double spreadBps = kind.spreadBasisPoints() * (0.5 + SplitMix.unit(SplitMix.derive(symbolKey, 102)));
        spreadTicks[s] = Math.max(1, Math.round(base * spreadBps * 1e-4 * priceScale[s]));
        switch (kind) {
            case FX -> {
                volumeMultiplier[s] = 1_000;
                volumeDivisor[s] = 1;
                sizeUnit[s] = 100_000;
            }
            case CRYPTO -> {
                // A lot is worth about 5 units of the quote currency, a size unit about 1000.
                int lotExponent = (int) Math.round(StrictMath.log10(5 / base));
                volumeMultiplier[s] = lotExponent > 0 ? (long) StrictMath.pow(10, lotExponent) : 1;
                volumeDivisor[s] = lotExponent < 0 ? StrictMath.pow(10, -lotExponent) : 1;
                sizeUnit[s] = Math.max(1, (long) StrictMath.pow(10, Math.round(StrictMath.log10(1000 / base))));
            }
            default -> {
                volumeMultiplier[s] = 1;
                volumeDivisor[s] = 1;
                sizeUnit[s] = 100;
            }
        }
    }

    /** The configuration this market was built from. */
    public FeedConfig config() {
        return config;
    }

    /** The symbols, in the index order used by every array of this package. */
    public SymbolUniverse universe() {
        return universe;
    }

    /** Ticks per second across all symbols. */
    public long ticksPerSecond() {
        return rate;
    }

    /** Epoch nanoseconds of tick {@code k}: {@code floor(k * 1e9 / rate)}, exact. */
    public long tickTimeNanos(long k) {
        long seconds = Math.floorDiv(k, rate);
        long remainder = k - seconds * rate;
        return seconds * NANOS_PER_SECOND + remainder * NANOS_PER_SECOND / rate;
    }

    /** The index of the first tick whose time is at or after {@code epochNanos}. */
    public long firstTickAtOrAfter(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        long nanos = epochNanos - seconds * NANOS_PER_SECOND;
        return seconds * rate + (nanos * rate + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }

    /** The symbol index of tick {@code k}. */
    public int symbolOf(long k) {
        long round = Math.floorDiv(k, symbolCount);
        int position = (int) (k - round * symbolCount);
        return symbolAtPosition[(position + rotation(round)) % symbolCount];
    }

    /** The index of the last tick of {@code symbol} at or before tick {@code k}, in O(1). */
    public long lastTickOfSymbolAtOrBefore(int symbol, long k) {
        long round = Math.floorDiv(k, symbolCount);
        int position = (int) (k - round * symbolCount);
        int symbolPosition = positionInRound(symbol, round);
        if (symbolPosition <= position) {
            return round * symbolCount + symbolPosition;
        }
        return (round - 1) * symbolCount + positionInRound(symbol, round - 1);
    }

    /** The symbol's price path at {@code epochNanos}, before rounding to its tick. */
    public double pathPrice(int symbol, long epochNanos) {
        int keyBase = symbol * OCTAVES;
        double w = 0;
        for (int o = 0; o < OCTAVES; o++) {
            int shift = FIRST_OCTAVE_SHIFT + o;
            long cell = epochNanos >> shift;
            long key = octaveKeys[keyBase + o];
            w = addOctave(w, o, epochNanos, shift, signedUnit(SplitMix.at(key, cell)),
                    signedUnit(SplitMix.at(key, cell + 1)));
        }
        return basePrice[symbol] * StrictMath.exp(volatility[symbol] * w);
    }

    /** {@link #pathPrice(int, long)}, bit for bit, reusing the octave values cached in {@code cache}. */
    public double pathPrice(int symbol, long epochNanos, PricePathCache cache) {
        int keyBase = symbol * OCTAVES;
        long[] cells = cache.cell;
        double[] low = cache.low;
        double[] high = cache.high;
        double w = 0;
        for (int o = 0; o < OCTAVES; o++) {
            int shift = FIRST_OCTAVE_SHIFT + o;
            long cell = epochNanos >> shift;
            int slot = keyBase + o;
            if (cells[slot] != cell) {
                long key = octaveKeys[slot];
                // Moving one cell forward, the old right edge is the new left edge: one hash instead of two.
                low[slot] = cells[slot] == cell - 1 ? high[slot] : signedUnit(SplitMix.at(key, cell));
                high[slot] = signedUnit(SplitMix.at(key, cell + 1));
                cells[slot] = cell;
            }
            w = addOctave(w, o, epochNanos, shift, low[slot], high[slot]);
        }
        return basePrice[symbol] * StrictMath.exp(volatility[symbol] * w);
    }

    private static double addOctave(double w, int o, long epochNanos, int shift, double v0, double v1) {
        double fraction = (epochNanos & ((1L << shift) - 1)) * OCTAVE_INVERSE_PERIOD[o];
        return w + OCTAVE_AMPLITUDE[o] * (v0 + (v1 - v0) * fraction);
    }

    /** The volume of tick {@code k} (of {@code symbol}, its symbol) in whole lots; see {@link #volume}. */
    public long volumeLots(long k, int symbol) {
        return lots(SplitMix.at(tickKey, k), symbol);
    }

    /** {@code lots} of {@code symbol} as a traded quantity (shares, currency units, coins). */
    public double volume(int symbol, long lots) {
        return lots * volumeMultiplier[symbol] / volumeDivisor[symbol];
    }

    /** The symbol's volatility in log price per square root of a second. */
    public double volatility(int symbol) {
        return volatility[symbol];
    }

    /** Writes tick {@code k} into {@code sink}, counting in both its bars. */
    public void write(long k, TickSink sink) {
        int s = symbolOf(k);
        long t = tickTimeNanos(k);
        write(k, s, t, pathPrice(s, t), sink);
    }

    /**
     * Writes the {@code count} ticks from {@code firstK} on into {@code sink}, in order, with the price paths
     * evaluated through {@code cache} (several times cheaper for consecutive runs; same results; null evaluates
     * them directly).
     */
    public void write(long firstK, int count, TickSink sink, PricePathCache cache) {
        long second = Math.floorDiv(firstK, rate);
        long remainder = firstK - second * rate;
        long round = Math.floorDiv(firstK, symbolCount);
        int position = (int) (firstK - round * symbolCount);
        int rotation = rotation(round);
        for (int i = 0; i < count; i++) {
            long k = firstK + i;
            long t = second * NANOS_PER_SECOND + remainder * NANOS_PER_SECOND / rate;
            int s = symbolAtPosition[(position + rotation) % symbolCount];
            write(k, s, t, cache == null ? pathPrice(s, t) : pathPrice(s, t, cache), sink);
            if (++remainder == rate) {
                remainder = 0;
                second++;
            }
            if (++position == symbolCount) {
                position = 0;
                rotation = rotation(++round);
            }
        }
    }

    private void write(long k, int s, long t, double path, TickSink sink) {
        double scale = priceScale[s];
        long midTicks = Math.round(path * scale);
        long h = SplitMix.at(tickKey, k);
        long spread = spreadTicks[s] + spreadTicks[s] * ((h >>> 60) & 7) / 8;
        long bidTicks = Math.max(1, midTicks - spread / 2);
        long askTicks = bidTicks + spread;
        long tradeTicks = h < 0 ? askTicks : bidTicks;
        long bidSize = sizeUnit[s] * (1 + ((h >>> 20) & 1023) % 50);
        long askSize = sizeUnit[s] * (1 + ((h >>> 30) & 1023) % 50);
        sink.tick(s, t, tradeTicks / scale, volume(s, lots(h, s)), bidTicks / scale, askTicks / scale, bidSize,
                askSize, TickSink.BOTH_BARS);
    }

    /** Trade size in lots from the low bits of the tick hash: round and odd lots for stocks, 1..1000 lots else. */
    private long lots(long h, int symbol) {
        int bits = (int) (h & 0xFFFFF);
        return switch (assetClass[symbol]) {
            case EQUITY, ETF -> (bits & 1023) < 820 ? 100L * (1 + bits % 10) : 1 + bits % 99;
            case FX -> 1 + bits % 1000;
            case CRYPTO -> 1 + bits % 20_000;
        };
    }

    private int positionInRound(int symbol, long round) {
        return Math.floorMod(positionOfSymbol[symbol] - rotation(round), symbolCount);
    }

    private int rotation(long round) {
        return SplitMix.below(SplitMix.at(rotationKey, round), symbolCount);
    }

    private static double signedUnit(long h) {
        return (h >> 11) * 0x1.0p-52;
    }

    private static int[] permutation(long key, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = SplitMix.below(SplitMix.at(key, i), i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
