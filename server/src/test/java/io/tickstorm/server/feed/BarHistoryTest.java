package io.tickstorm.server.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BarHistoryTest {

    private static final long FIRST_SECOND = 1_796_112_000_000L;
    private static final long FIRST_MINUTE = 1_796_112_000_000L;
    private static final SymbolUniverse UNIVERSE = SymbolUniverse.of(List.of("AAPL"));

    static BarSet bars(BarMode mode, long boundaryMs) {
        return new BarSet(mode, boundaryMs, boundaryMs * 1_000_000L, UNIVERSE, new double[] {1}, new double[] {0},
                new double[] {0.99}, new double[] {1.01}, new long[] {1}, new long[] {1}, new boolean[] {true},
                new int[] {0});
    }

    private static void appendSeconds(BarHistory history, int count) {
        long next = history.nextBoundaryMs(BarMode.SECOND);
        for (int i = 0; i < count; i++) {
            history.append(bars(BarMode.SECOND, next + i * 1000L));
        }
    }

    @Test
    void keepsOnlyTheLastCapacitySetsOfAMode() {
        BarHistory history = new BarHistory(4, 3, FIRST_SECOND, FIRST_MINUTE);
        appendSeconds(history, 10);
        assertEquals(4, history.retained(BarMode.SECOND));
        assertEquals(FIRST_SECOND + 6_000, history.oldestRetainedMs(BarMode.SECOND));
        assertEquals(FIRST_SECOND + 9_000, history.latest(BarMode.SECOND).boundaryMs());
        assertEquals(FIRST_SECOND + 10_000, history.nextBoundaryMs(BarMode.SECOND));
        assertEquals(0, history.retained(BarMode.MINUTE));
        assertNull(history.latest(BarMode.MINUTE));
        assertEquals(-1, history.oldestRetainedMs(BarMode.MINUTE));
    }

    @Test
    void sinceReturnsRetainedSetsAtOrAfterTheStartInOrder() {
        BarHistory history = new BarHistory(5, 3, FIRST_SECOND, FIRST_MINUTE);
        appendSeconds(history, 8);
        List<BarSet> all = history.since(BarMode.SECOND, 0);
        assertEquals(5, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(FIRST_SECOND + (3 + i) * 1000L, all.get(i).boundaryMs());
            assertEquals((FIRST_SECOND + (3 + i) * 1000L) / 1000, all.get(i).sequence());
        }
        List<BarSet> fromMid = history.since(BarMode.SECOND, FIRST_SECOND + 5_001);
        assertEquals(List.of(FIRST_SECOND + 6_000, FIRST_SECOND + 7_000),
                fromMid.stream().map(BarSet::boundaryMs).toList());
        assertEquals(1, history.since(BarMode.SECOND, FIRST_SECOND + 7_000).size());
        assertTrue(history.since(BarMode.SECOND, FIRST_SECOND + 7_001).isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> fromMid.add(bars(BarMode.SECOND, 0)));
    }

    @Test
    void rejectsASetThatIsNotTheNextBoundary() {
        BarHistory history = new BarHistory(5, 3, FIRST_SECOND, FIRST_MINUTE);
        appendSeconds(history, 2);
        assertThrows(IllegalArgumentException.class, () -> history.append(bars(BarMode.SECOND, FIRST_SECOND)));
        assertThrows(IllegalArgumentException.class,
                () -> history.append(bars(BarMode.SECOND, FIRST_SECOND + 3_000)));
        history.append(bars(BarMode.MINUTE, FIRST_MINUTE));
        assertThrows(IllegalArgumentException.class,
                () -> history.append(bars(BarMode.MINUTE, FIRST_MINUTE + 1_000)));
    }

    @Test
    void validatesStartTimesAgainstRetentionAndTheCurrentInterval() {
        BarHistory history = new BarHistory(5, 3, FIRST_SECOND, FIRST_MINUTE);
        appendSeconds(history, 8);
        long oldest = history.oldestRetainedMs(BarMode.SECOND);
        long next = history.nextBoundaryMs(BarMode.SECOND);
        // Reconnecting with "last seen + 1" after the last evicted bar loses nothing still retained: valid.
        assertTrue(history.acceptsStartTime(BarMode.SECOND, oldest - 1_000 + 1));
        assertFalse(history.acceptsStartTime(BarMode.SECOND, oldest - 1_000), "an evicted bar would be lost");
        assertTrue(history.acceptsStartTime(BarMode.SECOND, next), "end of the current interval");
        assertFalse(history.acceptsStartTime(BarMode.SECOND, next + 1), "later than the current interval");
        assertEquals(Optional.empty(), history.replay(BarMode.SECOND, next + 1));
        assertEquals(Optional.of(List.of()), history.replay(BarMode.SECOND, next));
        assertEquals(5, history.replay(BarMode.SECOND, oldest - 999).orElseThrow().size());
    }

    @Test
    void anEmptyHistoryAcceptsOnlyTheIntervalBeingBuilt() {
        BarHistory history = new BarHistory(5, 3, FIRST_SECOND, FIRST_MINUTE);
        assertTrue(history.acceptsStartTime(BarMode.MINUTE, FIRST_MINUTE));
        assertTrue(history.acceptsStartTime(BarMode.MINUTE, FIRST_MINUTE - 59_999));
        assertFalse(history.acceptsStartTime(BarMode.MINUTE, FIRST_MINUTE - 60_000));
        assertFalse(history.acceptsStartTime(BarMode.MINUTE, FIRST_MINUTE + 1));
        assertTrue(history.since(BarMode.MINUTE, 0).isEmpty());
    }

    @Test
    void latestIsTheSetJustAppended() {
        BarHistory history = new BarHistory(2, 2, FIRST_SECOND, FIRST_MINUTE);
        BarSet first = bars(BarMode.MINUTE, FIRST_MINUTE);
        history.append(first);
        assertSame(first, history.latest(BarMode.MINUTE));
        BarSet second = bars(BarMode.MINUTE, FIRST_MINUTE + 60_000);
        history.append(second);
        assertSame(second, history.latest(BarMode.MINUTE));
        assertEquals(List.of(first, second), history.since(BarMode.MINUTE, FIRST_MINUTE));
    }

    @Test
    void concurrentReadersAlwaysSeeAGapFreeRunEndingAtOrAfterWhatWasAppended() throws InterruptedException {
        BarHistory history = new BarHistory(16, 2, FIRST_SECOND, FIRST_MINUTE);
        int appends = 200_000;
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long lastLatest = Long.MIN_VALUE;
            while (history.nextBoundaryMs(BarMode.SECOND) < FIRST_SECOND + appends * 1000L && failure.get() == null) {
                List<BarSet> run = history.since(BarMode.SECOND, 0);
                for (int i = 1; i < run.size(); i++) {
                    if (run.get(i).boundaryMs() != run.get(i - 1).boundaryMs() + 1000) {
                        failure.set("gap in " + run);
                    }
                }
                if (!run.isEmpty()) {
                    long latest = run.get(run.size() - 1).boundaryMs();
                    if (latest < lastLatest || run.size() > 16) {
                        failure.set("went back or overfull: " + latest + " after " + lastLatest);
                    }
                    lastLatest = latest;
                }
            }
        }, "history-reader");
        reader.start();
        appendSeconds(history, appends);
        reader.join(30_000);
        assertFalse(reader.isAlive());
        assertNull(failure.get(), failure.get());
    }
}
