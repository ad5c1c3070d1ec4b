package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailedLoginThrottleTest {

    private static final long WINDOW = 60_000_000_000L;
    private static final long BLOCK = 300_000_000_000L;
    private static final long PENDING = 10_000_000_000L;

    private final FailedLoginThrottle throttle = new FailedLoginThrottle(3, WINDOW, BLOCK, PENDING, 100);

    private void fail(Object key, long now) {
        assertEquals(0, throttle.tryReserve(key, now), "reserved");
        throttle.release(key, true, now);
    }

    @Test
    void blocksAfterMaxFailuresWithinTheWindow() {
        long now = 1_000;
        fail("10.0.0.1", now);
        fail("10.0.0.1", now);
        assertEquals(0, throttle.blockedForNanos("10.0.0.1", now));

        assertEquals(0, throttle.tryReserve("10.0.0.1", now));
        assertEquals(BLOCK, throttle.release("10.0.0.1", true, now), "the third failure starts the block");

        assertEquals(BLOCK, throttle.blockedForNanos("10.0.0.1", now));
        assertEquals(BLOCK - 10, throttle.tryReserve("10.0.0.1", now + 10), "refused with the time left");
        assertEquals(0, throttle.tryReserve("10.0.0.2", now));
    }

    @Test
    void checksInFlightCountAgainstTheBudget() {
        assertEquals(0, throttle.tryReserve("a", 0));
        assertEquals(0, throttle.tryReserve("a", 0));
        assertEquals(0, throttle.tryReserve("a", 0));

        assertEquals(PENDING, throttle.tryReserve("a", 0), "three in flight hold the whole budget, for a while");
        assertEquals(0, throttle.blockedForNanos("a", 0), "not blocked yet: they may all succeed");

        throttle.release("a", false, 1);
        assertEquals(0, throttle.tryReserve("a", 1), "a success frees its reservation without counting");
    }

    @Test
    void aBurstGetsAtMostTheBudgetChecked() {
        int reserved = 0;
        for (int i = 0; i < 300; i++) {
            if (throttle.tryReserve("a", 0) == 0) {
                reserved++;
            }
        }
        assertEquals(3, reserved);
        for (int i = 0; i < reserved; i++) {
            throttle.release("a", true, 1);
        }
        assertEquals(BLOCK, throttle.blockedForNanos("a", 1));
    }

    @Test
    void successesNeverCountNorReset() {
        fail("a", 0);
        fail("a", 0);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, throttle.tryReserve("a", 0));
            assertEquals(0, throttle.release("a", false, 0));
        }
        fail("a", 0);

        assertTrue(throttle.blockedForNanos("a", 0) > 0);
    }

    @Test
    void forgetsFailuresWhenTheWindowEnds() {
        fail("a", 0);
        fail("a", 1);
        fail("a", WINDOW);

        assertEquals(0, throttle.blockedForNanos("a", WINDOW));
        fail("a", WINDOW + 1);
        assertEquals(0, throttle.blockedForNanos("a", WINDOW + 1));
        fail("a", WINDOW + 2);
        assertTrue(throttle.blockedForNanos("a", WINDOW + 2) > 0);
    }

    @Test
    void checksInFlightStayCountedAcrossTheEndOfTheWindow() {
        fail("a", 0);
        assertEquals(0, throttle.tryReserve("a", 0));
        assertEquals(0, throttle.tryReserve("a", 0));

        assertEquals(0, throttle.tryReserve("a", WINDOW), "the failure expired, the two in flight did not");
        assertEquals(PENDING, throttle.tryReserve("a", WINDOW));
    }

    @Test
    void failuresOfChecksSharedWithoutAReservationCountToo() {
        assertEquals(0, throttle.tryReserve("a", 0));
        throttle.recordFailure("a", 0);
        throttle.recordFailure("a", 0);

        assertEquals(BLOCK, throttle.release("a", true, 0), "the reserved check's failure is the third");
        assertEquals(0, throttle.recordFailure("a", 1), "a failure after the block began does not extend it");
        assertEquals(BLOCK, throttle.blockedForNanos("a", 0));
    }

    @Test
    void liftsTheBlockWhenItsDurationEnds() {
        long blockedAt = 5;
        for (int i = 0; i < 3; i++) {
            fail("a", blockedAt);
        }

        assertTrue(throttle.blockedForNanos("a", blockedAt + BLOCK - 1) > 0);
        assertEquals(0, throttle.blockedForNanos("a", blockedAt + BLOCK));
        assertEquals(0, throttle.tryReserve("a", blockedAt + BLOCK));
        throttle.release("a", true, blockedAt + BLOCK);
        assertEquals(0, throttle.blockedForNanos("a", blockedAt + BLOCK));
    }

    @Test
    void toleratesNanoTimeWrapAround() {
        long start = Long.MAX_VALUE - 10;
        for (int i = 0; i < 3; i++) {
            fail("a", start);
        }

        assertTrue(throttle.blockedForNanos("a", start + 20) > 0);
        assertEquals(0, throttle.blockedForNanos("a", start + BLOCK));
    }

    @Test
    void boundsTrackedKeysByEvictingTheOldest() {
        FailedLoginThrottle small = new FailedLoginThrottle(1, WINDOW, BLOCK, PENDING, 3);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, small.tryReserve("k" + i, i));
            small.release("k" + i, true, i);
        }

        assertEquals(3, small.trackedKeys());
        assertEquals(0, small.blockedForNanos("k0", 10));
        assertEquals(0, small.blockedForNanos("k1", 10));
        assertTrue(small.blockedForNanos("k4", 10) > 0);
    }

    @Test
    void dropsIdleEntriesAsNewAttemptsArrive() {
        for (int i = 0; i < 10; i++) {
            fail("old" + i, 0);
        }
        for (int i = 0; i < 10; i++) {
            fail("new" + i, WINDOW + 1);
        }

        assertEquals(10, throttle.trackedKeys());
    }

    @Test
    void aSuccessLeavesNothingTracked() {
        assertEquals(0, throttle.tryReserve("a", 0));
        throttle.release("a", false, 0);

        assertEquals(0, throttle.trackedKeys());
    }
}
