package io.tickstorm.server.feed.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.feed.BarHistory;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.feed.BarSet;
import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.FeedCounters;
import io.tickstorm.server.feed.FeedListener;
import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.MarketView;
import io.tickstorm.server.feed.RecordingSink;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickBlock;
import io.tickstorm.server.feed.TickFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The synthetic source driven by the feed thread on a fake clock: the market core's guarantees with the one source
 * whose ticks are known in advance (bars are recomputed from the model and compared).
 */
class SyntheticFeedTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    /** 2026-12-01T08:00:00Z, a whole minute. */
    private static final long MINUTE_START = 1_796_112_000_000L * MS;

    /** Records every tick and bar set in delivery order, checking the ordering guarantees as it goes. */
    static final class Recorder implements FeedListener {
        final TickFeed[] feed = new TickFeed[1];
        final TickBlock ticks = new TickBlock(400_000);
        final List<BarSet> bars = new ArrayList<>();
        final List<String> problems = new ArrayList<>();

        @Override
        public void onTicks(TickBlock block) {
            for (int i = 0; i < block.count(); i++) {
                long previous = i > 0 ? block.timestampNanos(i - 1)
                        : ticks.count() > 0 ? ticks.timestampNanos(ticks.count() - 1) : Long.MIN_VALUE;
                if (block.timestampNanos(i) < previous) {
                    problems.add("ticks out of time order at " + block.timestampNanos(i));
                }
            }
            if (!bars.isEmpty() && block.timestampNanos(0) < bars.get(bars.size() - 1).boundaryMs() * MS) {
                problems.add("tick before an already closed boundary");
            }
            ticks.appendFrom(block, 0, block.count());
        }

        @Override
        public void onBars(BarSet set) {
            if (feed[0] != null && feed[0].history().latest(set.mode()) != set) {
                problems.add("bars delivered before they were appended to history");
            }
            bars.add(set);
        }

        List<BarSet> of(BarMode mode) {
            return bars.stream().filter(b -> b.mode() == mode).toList();
        }
    }

    /** A feed whose clock is {@code now[0]}, with its history rebuilt. */
    private static TickFeed feed(FeedConfig config, Recorder recorder, long[] now) {
        TickFeed feed = feed(config, (FeedListener) recorder, now);
        recorder.feed[0] = feed;
        return feed;
    }

    private static TickFeed feed(FeedConfig config, FeedListener listener, long[] now) {
        return feed(config, listener, () -> now[0]);
    }

    private static TickFeed feed(FeedConfig config, FeedListener listener, EpochNanoClock clock) {
        SymbolUniverse universe = SymbolUniverse.of(config.symbols());
        BarHistory history = BarHistory.startingAt(clock.epochNanos() / MS, config, true);
        MarketView view = new MarketView(universe, history, new LatestTicks(universe.capacity()), () -> { });
        TickFeed feed = new TickFeed(new SyntheticSource(new SyntheticMarket(config, universe)), view, listener, clock,
                1024);
        feed.rebuildHistory();
        return feed;
    }

    private static SyntheticMarket market(TickFeed feed) {
        return ((SyntheticSource) feed.source()).market();
    }

    /** Tick {@code k} of the model, as the source writes it. */
    private static RecordingSink.Tick tick(SyntheticMarket market, long k) {
        RecordingSink sink = new RecordingSink(market.universe());
        market.write(k, sink);
        return sink.tick(0);
    }

    private static FeedConfig config(long seed, List<String> symbols, long rate, Duration backfill) {
        return new FeedConfig(seed, symbols, rate, Duration.ofMinutes(3), Duration.ofMinutes(30), backfill);
    }

    private static void pumpTo(TickFeed feed, long[] now, long endNanos, long stepNanos) {
        while (now[0] < endNanos) {
            now[0] = Math.min(endNanos, now[0] + stepNanos);
            feed.pump(now[0]);
        }
    }

    private static void assertSameBars(BarSet expected, BarSet actual) {
        assertEquals(expected.mode(), actual.mode());
        assertEquals(expected.boundaryMs(), actual.boundaryMs());
        assertEquals(expected.sequence(), actual.sequence());
        for (int s = 0; s < expected.size(); s++) {
            String where = expected.mode() + " " + expected.boundaryMs() + " symbol " + s;
            assertEquals(expected.price(s), actual.price(s), where);
            assertEquals(expected.volume(s), actual.volume(s), where);
            assertEquals(expected.bid(s), actual.bid(s), where);
            assertEquals(expected.ask(s), actual.ask(s), where);
            assertEquals(expected.bidSize(s), actual.bidSize(s), where);
            assertEquals(expected.askSize(s), actual.askSize(s), where);
        }
    }

    @Test
    void feedsStartedAtDifferentMomentsProduceIdenticalBars() {
        FeedConfig config = config(77, SyntheticSymbols.DEFAULT_SYMBOLS, 1000, Duration.ofMinutes(2));
        long[] nowA = {MINUTE_START + 3_217 * MS};
        long[] nowB = {MINUTE_START + 97_531 * MS + 123};
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        TickFeed feedA = feed(config, a, nowA);
        pumpTo(feedA, nowA, nowB[0], 7 * MS);
        TickFeed feedB = feed(config, b, nowB);
        long end = MINUTE_START + 185_000 * MS;
        pumpTo(feedA, nowA, end, 13 * MS);
        pumpTo(feedB, nowB, end, 250 * MS);

        for (BarMode mode : BarMode.values()) {
            Map<Long, BarSet> byBoundary = new HashMap<>();
            feedA.history().since(mode, 0).forEach(set -> byBoundary.put(set.boundaryMs(), set));
            int compared = 0;
            for (BarSet set : feedB.history().since(mode, 0)) {
                BarSet other = byBoundary.get(set.boundaryMs());
                if (other != null) {
                    assertSameBars(other, set);
                    compared++;
                }
            }
            assertTrue(compared >= (mode == BarMode.SECOND ? 180 : 3), mode + " compared " + compared);
        }
        // B's first live bars (after its start) equal A's live bars: the partial interval was rebuilt.
        BarSet firstLiveB = b.of(BarMode.SECOND).get(0);
        BarSet sameInA = a.of(BarMode.SECOND).stream()
                .filter(set -> set.boundaryMs() == firstLiveB.boundaryMs()).findFirst().orElseThrow();
        assertSameBars(sameInA, firstLiveB);
        BarSet firstLiveMinuteB = b.of(BarMode.MINUTE).get(0);
        assertSameBars(feedA.history().since(BarMode.MINUTE, firstLiveMinuteB.boundaryMs()).get(0),
                firstLiveMinuteB);
        assertEquals(List.of(), a.problems);
        assertEquals(List.of(), b.problems);
    }

    @Test
    void anotherSeedGivesOtherBars() {
        long[] now1 = {MINUTE_START + 5_500 * MS};
        long[] now2 = {MINUTE_START + 5_500 * MS};
        TickFeed one = feed(config(1, List.of("AAPL", "MSFT"), 100, Duration.ofSeconds(5)), new Recorder(), now1);
        TickFeed two = feed(config(2, List.of("AAPL", "MSFT"), 100, Duration.ofSeconds(5)), new Recorder(), now2);
        BarSet a = one.history().latest(BarMode.SECOND);
        BarSet b = two.history().latest(BarMode.SECOND);
        assertEquals(a.boundaryMs(), b.boundaryMs());
        assertNotEquals(a.price(0), b.price(0));
    }

    @Test
    void secondBarsSummariseTheTicksOfTheirInterval() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START + 250 * MS};
        TickFeed feed = feed(config(5, List.of("AAPL", "EURUSD", "BTC-USD", "SPY"), 2000, Duration.ZERO),
                recorder, now);
        pumpTo(feed, now, MINUTE_START + 6_500 * MS, 3 * MS);
        List<BarSet> seconds = recorder.of(BarMode.SECOND);
        assertEquals(6, seconds.size());
        TickBlock ticks = recorder.ticks;
        for (BarSet set : seconds.subList(1, seconds.size())) {
            long end = set.boundaryMs() * MS;
            long start = end - SECOND;
            for (int s = 0; s < 4; s++) {
                double volume = 0;
                int last = -1;
                for (int i = 0; i < ticks.count(); i++) {
                    long t = ticks.timestampNanos(i);
                    if (ticks.symbolIndex(i) == s && t >= start && t < end) {
                        volume += ticks.volume(i);
                        last = i;
                    }
                }
                assertTrue(last >= 0);
                assertEquals(volume, set.volume(s), 1e-9 * volume, "volume");
                assertEquals(ticks.price(last), set.price(s), "last trade");
                assertEquals(ticks.bid(last), set.bid(s));
                assertEquals(ticks.ask(last), set.ask(s));
                assertEquals(ticks.bidSize(last), set.bidSize(s));
                assertEquals(ticks.askSize(last), set.askSize(s));
            }
        }
        assertEquals(List.of(), recorder.problems);
    }

    @Test
    void theFirstLiveBarIncludesTicksFromBeforeTheStart() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START + 700 * MS};
        TickFeed feed = feed(config(5, List.of("AAPL"), 1000, Duration.ZERO), recorder, now);
        pumpTo(feed, now, MINUTE_START + SECOND, 10 * MS);
        SyntheticMarket market = market(feed);
        double expectedVolume = 0;
        // The market state adds volumes tick by tick in source order: the same sum, bit for bit.
        for (long k = market.firstTickAtOrAfter(MINUTE_START); k < market.firstTickAtOrAfter(MINUTE_START + SECOND);
                k++) {
            expectedVolume += market.volume(0, market.volumeLots(k, 0));
        }
        BarSet first = recorder.of(BarMode.SECOND).get(0);
        assertEquals(MINUTE_START / MS + 1000, first.boundaryMs());
        assertEquals(expectedVolume, first.volume(0));
        assertTrue(recorder.ticks.count() < 400, "only live ticks are delivered: " + recorder.ticks.count());
    }

    @Test
    void aQuietSymbolCarriesItsLastTradeWithZeroVolume() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START + 100 * MS};
        List<String> symbols = new ArrayList<>(SyntheticSymbols.DEFAULT_SYMBOLS);
        // 3 ticks a second over ~110 symbols: almost every symbol is quiet in almost every second.
        TickFeed feed = feed(config(8, symbols, 3, Duration.ofSeconds(30)), recorder, now);
        pumpTo(feed, now, MINUTE_START + 4_100 * MS, 50 * MS);
        SyntheticMarket market = market(feed);
        int quiet = 0;
        for (BarSet set : feed.history().since(BarMode.SECOND, 0)) {
            long lastK = market.firstTickAtOrAfter(set.boundaryMs() * MS) - 1;
            for (int s = 0; s < set.size(); s++) {
                long k = lastK;
                while (market.symbolOf(k) != s) {
                    k--;
                }
                RecordingSink.Tick tick = tick(market, k);
                assertEquals(tick.price(), set.price(s));
                assertEquals(tick.bid(), set.bid(s));
                assertEquals(tick.askSize(), set.askSize(s));
                if (tick.timestampNanos() < set.boundaryMs() * MS - SECOND) {
                    assertEquals(0.0, set.volume(s));
                    quiet++;
                } else {
                    assertTrue(set.volume(s) > 0);
                }
            }
        }
        assertTrue(quiet > 1000, "quiet bars " + quiet);
    }

    @Test
    void aLateWakeUpClosesEveryMissedBoundaryInOrder() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START - 2_500 * MS};
        TickFeed feed = feed(config(3, List.of("AAPL", "MSFT", "SPY"), 500, Duration.ZERO), recorder, now);
        feed.pump(now[0]);
        now[0] = MINUTE_START + 61_200 * MS;
        feed.pump(now[0]);
        List<BarSet> bars = recorder.bars;
        List<BarSet> seconds = recorder.of(BarMode.SECOND);
        assertEquals(64, seconds.size());
        for (int i = 0; i < seconds.size(); i++) {
            assertEquals(MINUTE_START / MS - 2_000 + i * 1000L, seconds.get(i).boundaryMs());
            assertEquals(seconds.get(i).boundaryMs() / 1000, seconds.get(i).sequence());
            assertEquals(now[0], seconds.get(i).closedAtNanos());
        }
        List<BarSet> minutes = recorder.of(BarMode.MINUTE);
        assertEquals(List.of(MINUTE_START / MS, MINUTE_START / MS + 60_000),
                minutes.stream().map(BarSet::boundaryMs).toList());
        assertEquals(MINUTE_START / MS / 60_000, minutes.get(0).sequence());
        // At a whole minute the SECOND set comes first, then the MINUTE set of the same boundary.
        int minuteAt = bars.indexOf(minutes.get(1));
        assertEquals(BarMode.SECOND, bars.get(minuteAt - 1).mode());
        assertEquals(minutes.get(1).boundaryMs(), bars.get(minuteAt - 1).boundaryMs());
        assertEquals(List.of(), recorder.problems);
        assertEquals(now[0] + 1, feed.positionNanos());
    }

    @Test
    void minuteVolumeIsTheSumOfItsSeconds() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START - 30 * SECOND};
        TickFeed feed = feed(config(4, List.of("AAPL", "EURUSD"), 200, Duration.ZERO), recorder, now);
        pumpTo(feed, now, MINUTE_START + 61 * SECOND, 100 * MS);
        BarSet minute = recorder.of(BarMode.MINUTE).get(1);
        assertEquals(MINUTE_START / MS + 60_000, minute.boundaryMs());
        for (int s = 0; s < 2; s++) {
            double seconds = 0;
            for (BarSet set : recorder.of(BarMode.SECOND)) {
                if (set.boundaryMs() > MINUTE_START / MS && set.boundaryMs() <= minute.boundaryMs()) {
                    seconds += set.volume(s);
                }
            }
            assertEquals(seconds, minute.volume(s), 1e-9 * seconds);
        }
        BarSet secondAtMinute = recorder.of(BarMode.SECOND).stream()
                .filter(set -> set.boundaryMs() == minute.boundaryMs()).findFirst().orElseThrow();
        assertEquals(secondAtMinute.price(0), minute.price(0));
    }

    @Test
    void backfillFillsHistoryUpToTheRetentionAtOnce() {
        long[] now = {MINUTE_START + 10 * 60 * SECOND + 400 * MS};
        FeedConfig config = new FeedConfig(6, List.of("AAPL", "MSFT"), 100, Duration.ofMinutes(2),
                Duration.ofMinutes(30), Duration.ofMinutes(5));
        TickFeed feed = feed(config, new Recorder(), now);
        BarHistory history = feed.history();
        assertEquals(120, history.retained(BarMode.SECOND));
        assertEquals(5, history.retained(BarMode.MINUTE));
        assertEquals(MINUTE_START / MS + 600_000, history.latest(BarMode.SECOND).boundaryMs());
        assertEquals(MINUTE_START / MS + 600_000, history.latest(BarMode.MINUTE).boundaryMs());
        assertEquals(MINUTE_START / MS + 360_000, history.oldestRetainedMs(BarMode.MINUTE));
        assertEquals(0, feed.ticksGenerated());
        assertTrue(feed.counters().count(FeedCounters.Result.OK) >= 5 * 60 * 100);
        assertEquals(0, feed.counters().count(FeedCounters.Result.LATE));
    }

    @Test
    void generatesAMillionTicksPerSecond() {
        long[] now = {MINUTE_START + 300 * MS};
        FeedConfig config = config(9, SyntheticSymbols.DEFAULT_SYMBOLS, 1_000_000, Duration.ZERO);
        int aapl = SymbolUniverse.of(config.symbols()).indexOf("AAPL");
        long[] counted = new long[3];
        List<BarSet> seconds = new ArrayList<>();
        FeedListener listener = new FeedListener() {
            @Override
            public void onTicks(TickBlock block) {
                assertTrue(block.count() <= 1024);
                counted[0] += block.count();
                for (int i = 0; i < block.count(); i++) {
                    long t = block.timestampNanos(i);
                    if (block.symbolIndex(i) == aapl && t >= MINUTE_START + SECOND && t < MINUTE_START + 2 * SECOND) {
                        counted[1] += (long) block.volume(i);
                    }
                }
            }

            @Override
            public void onBars(BarSet bars) {
                seconds.add(bars);
            }
        };
        TickFeed feed = feed(config, listener, now);
        pumpTo(feed, now, MINUTE_START + 2_100 * MS, 5 * MS);
        assertEquals(feed.ticksGenerated(), counted[0]);
        assertEquals(1_800_000, counted[0]);
        BarSet second = seconds.get(1);
        assertEquals(MINUTE_START / MS + 2_000, second.boundaryMs());
        assertEquals((double) counted[1], second.volume(aapl));
    }

    @Test
    void keepsTheLatestTickOfEverySymbolInSourceOrder() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START + 100 * MS};
        FeedConfig config = config(10, List.of("AAPL", "MSFT", "SPY", "QQQ"), 400, Duration.ZERO);
        SymbolUniverse universe = SymbolUniverse.of(config.symbols());
        LatestTicks latest = new LatestTicks(universe.capacity());
        MarketView view = new MarketView(universe, BarHistory.startingAt(now[0] / MS, config, true), latest,
                () -> { });
        TickFeed feed = new TickFeed(new SyntheticSource(new SyntheticMarket(config, universe)), view, recorder,
                () -> now[0], 1024);
        feed.rebuildHistory();
        pumpTo(feed, now, MINUTE_START + 900 * MS, 20 * MS);
        TickBlock ticks = recorder.ticks;
        for (int s = 0; s < 4; s++) {
            assertTrue(latest.seen(s));
            for (int i = ticks.count() - 1; i >= 0; i--) {
                if (ticks.symbolIndex(i) == s) {
                    assertEquals(ticks.timestampNanos(i), latest.timestampNanos(s));
                    assertEquals(ticks.price(i), latest.price(s));
                    assertEquals(ticks.askSize(i), latest.askSize(s));
                    break;
                }
            }
        }
    }

    @Test
    void aThrowingListenerIsCountedAndTheFeedGoesOn() {
        long[] now = {MINUTE_START + 100 * MS};
        FeedListener broken = new FeedListener() {
            @Override
            public void onTicks(TickBlock block) {
                throw new IllegalStateException("broken on purpose");
            }

            @Override
            public void onBars(BarSet bars) {
                throw new IllegalStateException("broken on purpose");
            }
        };
        TickFeed feed = feed(config(1, List.of("AAPL"), 100, Duration.ZERO), broken, now);
        pumpTo(feed, now, MINUTE_START + 3_100 * MS, 500 * MS);
        assertEquals(MINUTE_START / MS + 3_000, feed.history().latest(BarMode.SECOND).boundaryMs());
        assertTrue(feed.listenerFailures() >= 3 + 6);
        assertEquals(300, feed.ticksGenerated());
    }

    @Test
    void theFeedThreadPumpsOnTheSystemClockUntilClosed() throws InterruptedException {
        CountDownLatch bar = new CountDownLatch(1);
        CountDownLatch ticks = new CountDownLatch(100);
        AtomicReference<String> threadName = new AtomicReference<>();
        FeedListener listener = new FeedListener() {
            @Override
            public void onTicks(TickBlock block) {
                threadName.set(Thread.currentThread().getName());
                for (int i = 0; i < block.count(); i++) {
                    ticks.countDown();
                }
            }

            @Override
            public void onBars(BarSet bars) {
                bar.countDown();
            }
        };
        try (TickFeed feed = feed(config(1, List.of("AAPL", "MSFT"), 1000, Duration.ZERO), listener,
                EpochNanoClock.system())) {
            feed.start();
            assertThrows(IllegalStateException.class, feed::start);
            assertThrows(IllegalStateException.class, () -> feed.pump(System.currentTimeMillis() * MS));
            assertTrue(ticks.await(10, TimeUnit.SECONDS), "ticks flow");
            assertTrue(bar.await(10, TimeUnit.SECONDS), "a bar closes");
            assertTrue(feed.isRunning());
            assertEquals(TickFeed.THREAD_NAME, threadName.get());
            feed.close();
            assertFalse(feed.isRunning());
            long generated = feed.ticksGenerated();
            Thread.sleep(20);
            assertEquals(generated, feed.ticksGenerated(), "no ticks after close");
        }
    }

    @Test
    void historyOfTheFeedIsTheSameObjectTheListenerSees() {
        Recorder recorder = new Recorder();
        long[] now = {MINUTE_START + 900 * MS};
        TickFeed feed = feed(config(2, List.of("AAPL"), 10, Duration.ZERO), recorder, now);
        pumpTo(feed, now, MINUTE_START + 2_000 * MS, 100 * MS);
        assertSame(recorder.bars.get(recorder.bars.size() - 1), feed.history().latest(BarMode.SECOND));
    }
}
