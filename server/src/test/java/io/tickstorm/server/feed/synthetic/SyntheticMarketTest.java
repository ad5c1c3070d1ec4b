package io.tickstorm.server.feed.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.RecordingSink;
import io.tickstorm.server.feed.SymbolUniverse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticMarketTest {

    /** 2026-12-01T08:00:00.123456789Z. */
    static final long T0 = 1_796_112_000_123_456_789L;

    static SyntheticMarket market(long seed, List<String> symbols, long rate) {
        return new SyntheticMarket(new FeedConfig(seed, symbols, rate, Duration.ofMinutes(10), Duration.ofHours(24),
                Duration.ZERO), SymbolUniverse.of(symbols));
    }



    @Test
    void tickClockAndItsInverseAgreeExactlyAtEveryRate() {
        for (long rate : new long[] {1, 3, 7, 1000, 999_983, 2_000_000, FeedConfig.MAX_TICKS_PER_SECOND}) {
            SyntheticMarket market = market(1, List.of("A"), rate);
            for (long t = T0 - 2_000_000_000L; t < T0 + 2_000_000_000L; t += 123_456_789L) {
                long k = market.firstTickAtOrAfter(t);
                assertTrue(market.tickTimeNanos(k) >= t, "rate " + rate + " t " + t);
                assertTrue(market.tickTimeNanos(k - 1) < t, "rate " + rate + " t " + t);
                assertEquals(k, market.firstTickAtOrAfter(market.tickTimeNanos(k)));
            }
            long second = market.firstTickAtOrAfter(1_796_112_000_000_000_000L);
            assertEquals(1_796_112_000L * rate, second, "a whole second starts a whole number of ticks");
            assertEquals(rate, market.firstTickAtOrAfter(1_796_112_001_000_000_000L) - second);
        }
    }

    @Test
    void everySymbolTradesExactlyOncePerRound() {
        SyntheticMarket market = market(7, SyntheticSymbols.DEFAULT_SYMBOLS, 1000);
        int n = market.universe().size();
        long firstRound = market.firstTickAtOrAfter(T0) / n;
        boolean rotated = false;
        int[] previous = null;
        for (long round = firstRound; round < firstRound + 50; round++) {
            int[] order = new int[n];
            Set<Integer> seen = new HashSet<>();
            for (int p = 0; p < n; p++) {
                order[p] = market.symbolOf(round * n + p);
                seen.add(order[p]);
            }
            assertEquals(n, seen.size());
            rotated |= previous != null && previous[0] != order[0];
            previous = order;
        }
        assertTrue(rotated, "rounds start at different symbols");
    }

    @Test
    void lastTickOfASymbolMatchesABackwardScan() {
        SyntheticMarket market = market(3, List.of("A", "B", "C", "D", "E", "F", "G"), 50);
        long base = market.firstTickAtOrAfter(T0);
        for (long k = base; k < base + 500; k++) {
            for (int s = 0; s < 7; s++) {
                long scan = k;
                while (market.symbolOf(scan) != s) {
                    scan--;
                }
                assertEquals(scan, market.lastTickOfSymbolAtOrBefore(s, k));
            }
        }
    }

    @Test
    void ticksAreSaneOverManyTicks() {
        SyntheticMarket market = market(11, SyntheticSymbols.DEFAULT_SYMBOLS, 5000);
        SymbolUniverse universe = market.universe();
        int n = universe.size();
        RecordingSink block = new RecordingSink(null);
        double[] min = new double[n];
        double[] max = new double[n];
        java.util.Arrays.fill(min, Double.MAX_VALUE);
        long k0 = market.firstTickAtOrAfter(T0);
        long ticks = 0;
        // 200 blocks over 160 s of market time at 5000 ticks/s.
        for (int b = 0; b < 200; b++) {
            block.clear();
            market.write(k0 + (long) b * 4096, 4096, block, null);
            for (int i = 0; i < block.count(); i++) {
                int s = block.symbolIndex(i);
                double price = block.price(i);
                assertTrue(Double.isFinite(price) && price > 0, "price " + price);
                assertTrue(block.bid(i) > 0 && block.bid(i) < block.ask(i), "bid/ask");
                assertTrue(block.bid(i) <= price && price <= block.ask(i), "price within the quote");
                assertTrue(block.volume(i) > 0 && block.bidSize(i) > 0 && block.askSize(i) > 0);
                double base = SyntheticSymbols.spec(universe.symbol(s)).basePrice();
                assertTrue(Math.abs(price / base - 1) < 0.5, universe.symbol(s) + " " + price);
                min[s] = Math.min(min[s], price);
                max[s] = Math.max(max[s], price);
                ticks++;
            }
        }
        assertEquals(200 * 4096, ticks);
        for (int s = 0; s < n; s++) {
            assertTrue(max[s] > min[s], universe.symbol(s) + " never moved");
        }
    }

    @Test
    void equityVolumesAreOneToAThousandShares() {
        SyntheticMarket market = market(5, List.of("AAPL"), 1000);
        long k0 = market.firstTickAtOrAfter(T0);
        Set<Long> distinct = new HashSet<>();
        for (long k = k0; k < k0 + 10_000; k++) {
            long lots = market.volumeLots(k, 0);
            assertTrue(lots >= 1 && lots <= 1000, "lots " + lots);
            distinct.add(lots);
        }
        assertTrue(distinct.contains(100L) && distinct.size() > 50);
    }

    @Test
    void sameSeedGivesIdenticalTicksAndAnotherSeedDiffers() {
        SyntheticMarket a = market(42, SyntheticSymbols.DEFAULT_SYMBOLS, 1000);
        SyntheticMarket b = market(42, SyntheticSymbols.DEFAULT_SYMBOLS, 1000);
        SyntheticMarket c = market(43, SyntheticSymbols.DEFAULT_SYMBOLS, 1000);
        RecordingSink ba = new RecordingSink(null);
        RecordingSink bb = new RecordingSink(null);
        RecordingSink bc = new RecordingSink(null);
        long k0 = a.firstTickAtOrAfter(T0);
        ba.clear();
        a.write(k0, 1000, ba, null);
        bb.clear();
        b.write(k0, 1000, bb, null);
        bc.clear();
        c.write(k0, 1000, bc, null);
        int differences = 0;
        for (int i = 0; i < 1000; i++) {
            assertEquals(ba.symbolIndex(i), bb.symbolIndex(i));
            assertEquals(ba.timestampNanos(i), bb.timestampNanos(i));
            assertEquals(ba.price(i), bb.price(i));
            assertEquals(ba.volume(i), bb.volume(i));
            assertEquals(ba.bid(i), bb.bid(i));
            assertEquals(ba.ask(i), bb.ask(i));
            assertEquals(ba.bidSize(i), bb.bidSize(i));
            assertEquals(ba.askSize(i), bb.askSize(i));
            differences += ba.symbolIndex(i) != bc.symbolIndex(i) || ba.price(i) != bc.price(i) ? 1 : 0;
        }
        assertTrue(differences > 900, "another seed gives another market: " + differences);
    }

    @Test
    void aSymbolsPathDependsOnSeedAndNameNotOnItsPositionInTheList() {
        SyntheticMarket first = market(9, List.of("AAPL", "MSFT"), 1000);
        SyntheticMarket second = market(9, List.of("SPY", "MSFT", "AAPL"), 1000);
        for (long t = T0; t < T0 + 5_000_000_000L; t += 77_777_777L) {
            assertEquals(first.pathPrice(0, t), second.pathPrice(2, t));
        }
        assertEquals(first.volatility(1), second.volatility(1));
    }

    @Test
    void runsOfTicksMatchTickByTickComputation() {
        SyntheticMarket market = market(2, List.of("AAPL", "EURUSD", "BTC-USD"), 997);
        long k0 = market.firstTickAtOrAfter(T0) - 5;
        RecordingSink filled = new RecordingSink(null);
        RecordingSink single = new RecordingSink(null);
        filled.clear();
        market.write(k0, 600, filled, null);
        for (int i = 0; i < 600; i++) {
            market.write(k0 + i, single);
            assertEquals(single.symbolIndex(i), filled.symbolIndex(i));
            assertEquals(single.timestampNanos(i), filled.timestampNanos(i));
            assertEquals(market.tickTimeNanos(k0 + i), filled.timestampNanos(i));
            assertEquals(single.price(i), filled.price(i));
            assertEquals(single.volume(i), filled.volume(i));
            int s = filled.symbolIndex(i);
            long tickLots = market.volumeLots(k0 + i, s);
            assertEquals(market.volume(s, tickLots), filled.volume(i));
            assertNotEquals(0, tickLots);
        }
    }

    @Test
    void pricesSitOnTheSymbolsTickGrid() {
        SyntheticMarket market = market(4, List.of("EURUSD", "AAPL"), 1000);
        RecordingSink block = new RecordingSink(null);
        block.clear();
        market.write(market.firstTickAtOrAfter(T0), 2000, block, null);
        for (int i = 0; i < block.count(); i++) {
            String symbol = market.universe().symbol(block.symbolIndex(i));
            double scale = Math.pow(10, SyntheticSymbols.spec(symbol).priceDecimals());
            double ticks = block.price(i) * scale;
            assertEquals(Math.rint(ticks), ticks, 1e-6);
        }
    }

    @Test
    void cachedPathEvaluationIsBitIdenticalEvenAfterJumpsInTime() {
        SyntheticMarket market = market(12, List.of("AAPL", "BTC-USD", "EURUSD"), 100_000);
        PricePathCache cache = new PricePathCache(3);
        RecordingSink cached = new RecordingSink(null);
        RecordingSink direct = new RecordingSink(null);
        long k0 = market.firstTickAtOrAfter(T0);
        long[] starts = {k0, k0 + 2048, k0 + 4096, k0 + 50_000_000, k0 - 3_000_000_000L, k0 + 4096 + 17};
        for (long start : starts) {
            cached.clear();
            market.write(start, 2048, cached, cache);
            direct.clear();
        market.write(start, 2048, direct, null);
            for (int i = 0; i < 2048; i++) {
                assertEquals(direct.price(i), cached.price(i));
                assertEquals(direct.bid(i), cached.bid(i));
                int s = direct.symbolIndex(i);
                long t = direct.timestampNanos(i);
                assertEquals(market.pathPrice(s, t), market.pathPrice(s, t, cache));
            }
        }
    }
}
