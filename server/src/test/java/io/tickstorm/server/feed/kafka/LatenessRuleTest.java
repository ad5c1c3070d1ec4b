package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.feed.TickSink;
import org.junit.jupiter.api.Test;

class LatenessRuleTest {

    /** 2026-12-01T08:00:00Z, a whole minute. */
    private static final long T0 = 1_796_112_000_000L;
    private static final long LATENESS_NANOS = 200_000_000L;

    private static int bars(long recordMs, long tickMs) {
        return LatenessRule.bars(recordMs, tickMs, LATENESS_NANOS);
    }

    @Test
    void aTickCountsWhileItsRecordIsStampedByTheIntervalsEndPlusTheLateness() {
        long tick = T0 + 30_500; // second [30, 31), minute [0, 60)
        assertEquals(TickSink.BOTH_BARS, bars(tick, tick));
        assertEquals(TickSink.BOTH_BARS, bars(T0 + 31_200, tick), "exactly at the deadline");
        assertEquals(TickSink.MINUTE_BAR, bars(T0 + 31_201, tick), "late for SECOND, judged apart from MINUTE");
        assertEquals(TickSink.MINUTE_BAR, bars(T0 + 60_200, tick));
        assertEquals(TickSink.NO_BARS, bars(T0 + 60_201, tick));
    }

    @Test
    void aTickStampedAheadOfItsRecordCountsUpToASecondAhead() {
        assertEquals(TickSink.BOTH_BARS, bars(T0, T0 + 1_000));
        assertEquals(TickSink.NO_BARS, bars(T0, T0 + 1_001));
    }

    @Test
    void timestampsAMinuteAheadAreMalformed() {
        assertFalse(LatenessRule.future(T0, T0 + 60_000, T0));
        assertTrue(LatenessRule.future(T0, T0 + 60_001, T0), "tick ahead of its record");
        assertFalse(LatenessRule.future(T0 + 60_000, T0, T0));
        assertTrue(LatenessRule.future(T0 + 60_001, T0 + 60_001, T0), "record ahead of the clock");
        assertFalse(LatenessRule.future(T0, T0 - 86_400_000, T0), "old ticks are late, not malformed");
    }
}
