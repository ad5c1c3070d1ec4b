package io.tickstorm.server.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The market state's bar rules (PROTOCOL.md §6), driven directly with ticks and positions on a fake clock. */
class MarketStateTest {

    private static final long MS = 1_000_000L;
    /** 2026-12-01T08:00:00Z, a whole minute. */
    private static final long T0_MS = 1_796_112_000_000L;
    private static final long LATENESS_MS = 200;

    /** Records what the market state hands over, checking that history was appended first. */
    private static final class Recorder implements FeedListener {
        final List<BarSet> bars = new ArrayList<>();
        final List<String> tickSymbols = new ArrayList<>();
        final List<Double> tickPrices = new ArrayList<>();
        BarHistory history;
        boolean historyFirst = true;

        @Override
        public void onTicks(TickBlock block) {
            for (int i = 0; i < block.count(); i++) {
                tickSymbols.add(history == null ? "?" : String.valueOf(block.symbolIndex(i)));
                tickPrices.add(block.price(i));
            }
        }

        @Override
        public void onBars(BarSet set) {
            historyFirst &= history.latest(set.mode()) == set;
            bars.add(set);
        }

        /** Ticks handed over when each timer turn came. */
        final List<Integer> ticksAtPump = new ArrayList<>();

        @Override
        public long onPump(long nowEpochNanos) {
            ticksAtPump.add(tickPrices.size());
            return nowEpochNanos + 10 * MS;
        }

        List<BarSet> of(BarMode mode) {
            return bars.stream().filter(b -> b.mode() == mode).toList();
        }
    }

    private final Recorder recorder = new Recorder();
    private final SymbolUniverse universe = SymbolUniverse.learning(16);
    private final LatestTicks latest = new LatestTicks(16);
    private MarketState market;

    /** A market starting at T0 (no backfill) with the given lateness. */
    private MarketState market(long latenessMs) {
        FeedConfig config = new FeedConfig(1, List.of(), 1000, Duration.ofMinutes(10), Duration.ofHours(1),
                Duration.ZERO);
        BarHistory history = BarHistory.startingAt(T0_MS, config, false);
        recorder.history = history;
        MarketView view = new MarketView(universe, history, latest, () -> { });
        market = new MarketState(view, recorder, T0_MS * MS, latenessMs * MS, 1000 * MS, 8);
        return market;
    }

    private int symbol(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return universe.resolve(bytes, 0, bytes.length);
    }

    /** A tick at T0 + {@code atMs} with the quote straddling the price. */
    private void tick(String name, long atMs, double price, double volume) {
        tick(name, atMs, price, volume, TickSink.BOTH_BARS);
    }

    private void tick(String name, long atMs, double price, double volume, int bars) {
        market.tick(symbol(name), (T0_MS + atMs) * MS, price, volume, price - 0.01, price + 0.01, 100, 200, bars);
    }

    /** Moves the source's position to T0 + {@code atMs}. */
    private void positionAt(long atMs) {
        market.flushTicks();
        market.closeThrough((T0_MS + atMs) * MS, (T0_MS + atMs) * MS);
    }

    private BarSet second(int index) {
        return recorder.of(BarMode.SECOND).get(index);
    }

    @Test
    void aBarHoldsTheLastTickInSourceOrderAndTheSumOfVolumes() {
        market(LATENESS_MS);
        tick("AAPL", 100, 10.0, 1);
        tick("AAPL", 900, 12.0, 2);
        // Written last but stamped earlier: "last" is the source's order, not the timestamps'.
        tick("AAPL", 500, 11.0, 4);
        positionAt(1_000 + LATENESS_MS);
        BarSet bars = second(0);
        int aapl = universe.indexOf("AAPL");
        assertEquals(T0_MS + 1_000, bars.boundaryMs());
        assertEquals((T0_MS + 1_000) / 1_000, bars.sequence());
        assertEquals(11.0, bars.price(aapl));
        assertEquals(10.99, bars.bid(aapl));
        assertEquals(11.01, bars.ask(aapl));
        assertEquals(7.0, bars.volume(aapl));
        assertEquals(100, bars.bidSize(aapl));
        assertEquals(200, bars.askSize(aapl));
        assertTrue(recorder.historyFirst, "history appended before the listener is told");
    }

    @Test
    void anIntervalClosesOnlyOnceThePositionPassesItsEndPlusTheLateness() {
        market(LATENESS_MS);
        tick("AAPL", 100, 10.0, 1);
        positionAt(1_000 + LATENESS_MS - 1);
        assertEquals(0, recorder.bars.size(), "still within the lateness");
        // A tick of the first interval arriving after its end, within the lateness, still counts.
        tick("AAPL", 999, 10.5, 2);
        tick("AAPL", 1_050, 10.7, 8);
        positionAt(1_000 + LATENESS_MS);
        assertEquals(1, recorder.bars.size());
        assertEquals(10.5, second(0).price(universe.indexOf("AAPL")));
        assertEquals(3.0, second(0).volume(universe.indexOf("AAPL")));
        positionAt(2_000 + LATENESS_MS);
        assertEquals(10.7, second(1).price(universe.indexOf("AAPL")));
        assertEquals(8.0, second(1).volume(universe.indexOf("AAPL")));
        assertEquals(T0_MS * MS + 3_000 * MS + LATENESS_MS * MS, market.nextDeadlineNanos());
    }

    @Test
    void aLateTickGoesToRealtimeButNotIntoBars() {
        market(LATENESS_MS);
        tick("AAPL", 100, 10.0, 1);
        positionAt(1_000 + LATENESS_MS);
        tick("AAPL", 900, 99.0, 50);
        tick("AAPL", 1_500, 11.0, 2);
        positionAt(2_000 + LATENESS_MS);
        int aapl = universe.indexOf("AAPL");
        assertEquals(10.0, second(0).price(aapl));
        assertEquals(1.0, second(0).volume(aapl));
        assertEquals(11.0, second(1).price(aapl));
        assertEquals(2.0, second(1).volume(aapl), "the late tick's volume is in no bar");
        assertEquals(List.of(10.0, 99.0, 11.0), recorder.tickPrices, "every tick is delivered as it came");
        market.publishCounters();
        assertEquals(1, market.counters().count(FeedCounters.Result.LATE));
        assertEquals(2, market.counters().count(FeedCounters.Result.OK));
        // The REALTIME snapshot holds the last tick in source order.
        assertEquals(11.0, latest.price(aapl));
    }

    @Test
    void aTickTheSourceCallsLateIsLeftOutOfThatBarOnly() {
        market(LATENESS_MS);
        tick("AAPL", 100, 10.0, 1);
        tick("AAPL", 200, 20.0, 5, TickSink.MINUTE_BAR);
        tick("AAPL", 300, 30.0, 7, TickSink.NO_BARS);
        positionAt(60_000 + LATENESS_MS);
        int aapl = universe.indexOf("AAPL");
        assertEquals(10.0, second(0).price(aapl));
        assertEquals(1.0, second(0).volume(aapl));
        BarSet minute = recorder.of(BarMode.MINUTE).get(0);
        assertEquals(T0_MS + 60_000, minute.boundaryMs());
        assertEquals(20.0, minute.price(aapl));
        assertEquals(6.0, minute.volume(aapl));
        market.publishCounters();
        assertEquals(2, market.counters().count(FeedCounters.Result.LATE));
        assertEquals(30.0, latest.price(aapl));
    }

    @Test
    void aQuietIntervalCarriesThePreviousBarWithZeroVolume() {
        market(0);
        tick("AAPL", 100, 10.0, 3);
        positionAt(3_000);
        int aapl = universe.indexOf("AAPL");
        assertEquals(3, recorder.of(BarMode.SECOND).size());
        for (int i = 1; i < 3; i++) {
            assertTrue(second(i).has(aapl));
            assertEquals(10.0, second(i).price(aapl));
            assertEquals(9.99, second(i).bid(aapl));
            assertEquals(200, second(i).askSize(aapl));
            assertEquals(0.0, second(i).volume(aapl));
        }
    }

    @Test
    void aSymbolThatNeverHadATickIsLeftOutUntilItsFirst() {
        market(0);
        positionAt(1_000);
        assertEquals(0, second(0).byName().length, "an empty set still closes and carries its sequence");
        assertEquals((T0_MS + 1_000) / 1_000, second(0).sequence());
        tick("MSFT", 1_100, 400.0, 1);
        positionAt(2_000);
        tick("AAPL", 2_500, 10.0, 1);
        positionAt(3_000);
        int msft = universe.indexOf("MSFT");
        int aapl = universe.indexOf("AAPL");
        assertTrue(second(1).has(msft));
        assertFalse(second(1).has(aapl));
        assertArrayEquals(new int[] {msft}, second(1).byName());
        assertArrayEquals(new int[] {aapl, msft}, second(2).byName(), "ordered by name, not by first appearance");
        assertFalse(latest.seen(universe.capacity() - 1));
    }

    @Test
    void aJumpOfThePositionClosesEveryIntervalInOrderAndTheMinuteAfterItsLastSecond() {
        market(0);
        tick("AAPL", 500, 10.0, 1);
        positionAt(61_000);
        List<BarSet> seconds = recorder.of(BarMode.SECOND);
        assertEquals(61, seconds.size());
        for (int i = 0; i < seconds.size(); i++) {
            assertEquals(T0_MS + 1_000L * (i + 1), seconds.get(i).boundaryMs());
        }
        int minuteAt = recorder.bars.indexOf(recorder.of(BarMode.MINUTE).get(0));
        assertSame(seconds.get(59), recorder.bars.get(minuteAt - 1), "at a whole minute, SECOND first");
        assertEquals(1.0, recorder.of(BarMode.MINUTE).get(0).volume(universe.indexOf("AAPL")));
    }

    @Test
    void minuteBarsSumEveryTickOfTheMinute() {
        market(0);
        for (int s = 0; s < 60; s++) {
            tick("AAPL", s * 1_000L + 10, 10.0 + s, 0.1);
        }
        positionAt(60_000);
        BarSet minute = recorder.of(BarMode.MINUTE).get(0);
        double expected = 0;
        for (int s = 0; s < 60; s++) {
            expected += 0.1;
        }
        assertEquals(expected, minute.volume(universe.indexOf("AAPL")), "added tick by tick, in source order");
        assertEquals(69.0, minute.price(universe.indexOf("AAPL")));
    }

    @Test
    void theHorizonCoversTheLatenessAndOneIntervalAhead() {
        market(LATENESS_MS);
        long horizon = market.horizonNanos();
        assertTrue(horizon >= (T0_MS + 1_000 + LATENESS_MS + 1_000) * MS, "horizon " + horizon);
        tick("AAPL", horizon / MS - T0_MS, 5.0, 1);
        positionAt(10_000);
        market.publishCounters();
        assertEquals(1, market.counters().count(FeedCounters.Result.LATE), "beyond the horizon: counted, not kept");
    }

    @Test
    void ticksAreHandedOverInBlocksAndNotWhileRebuilding() {
        market(0);
        market.delivering(false);
        tick("AAPL", 100, 1.0, 1);
        positionAt(1_000);
        assertEquals(List.of(), recorder.tickPrices);
        assertEquals(List.of(), recorder.bars, "bars of a rebuild go to the history only");
        assertEquals(T0_MS + 1_000, recorder.history.latest(BarMode.SECOND).boundaryMs());
        market.delivering(true);
        for (int i = 0; i < 9; i++) {
            tick("AAPL", 1_100 + i, 2.0 + i, 1);
        }
        assertEquals(8, recorder.tickPrices.size(), "a full block of 8 is handed over at once");
        market.flushTicks();
        assertEquals(9, recorder.tickPrices.size());
        market.publishCounters();
        assertEquals(9, market.counters().liveTicks());
    }

    @Test
    void skippedRecordsAreCountedByReason() {
        market(0);
        market.malformed(MalformedReason.CROSSED_QUOTE);
        market.malformed(MalformedReason.CROSSED_QUOTE);
        market.malformed(MalformedReason.UNPARSEABLE);
        market.unknownSymbol();
        assertEquals(0, market.counters().count(FeedCounters.Result.MALFORMED), "not published yet");
        market.publishCounters();
        assertEquals(3, market.counters().count(FeedCounters.Result.MALFORMED));
        assertEquals(2, market.counters().malformedCount(MalformedReason.CROSSED_QUOTE));
        assertEquals(1, market.counters().count(FeedCounters.Result.UNKNOWN_SYMBOL));
    }

    @Test
    void theListenersTimerTurnComesOnceEveryTickWrittenSoFarIsHandedOver() {
        market(0);
        tick("AAA", 1, 10.0, 1);
        tick("BBB", 2, 20.0, 1);
        assertEquals(0, recorder.tickPrices.size(), "a block of 8 is not full yet");

        assertEquals((T0_MS + 15) * MS, market.pumped((T0_MS + 5) * MS), "the listener's wish is passed on");

        assertEquals(List.of(2), recorder.ticksAtPump);
    }
}
