package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailedLoginThrottleTest {

    private static final long WINDOW = 60_000_000_000L;
    private static final long BLOCK = 300_000_000_000L;

    private final FailedLoginThrottle throttle = new FailedLoginThrottle(3, WINDOW, BLOCK, 100);

    @Test
    void blocksAfterMaxAttemptsFailuresWithinTheWindow() {
        long now = 1_000;
        for (int i = 0; i < 2; i++) {
            throttle.recordFailure("10.0.0.1", now);
            assertFalse(throttle.isBlocked("10.0.0.1", now));
        }
        throttle.recordFailure("10.0.0.1", now);

        assertTrue(throttle.isBlocked("10.0.0.1", now));
        assertFalse(throttle.isBlocked("10.0.0.2", now));
    }

    @Test
    void forgetsFailuresWhenTheWindowEnds() {
        throttle.recordFailure("a", 0);
        throttle.recordFailure("a", 1);
        throttle.recordFailure("a", WINDOW);

        assertFalse(throttle.isBlocked("a", WINDOW));
        throttle.recordFailure("a", WINDOW + 1);
        assertFalse(throttle.isBlocked("a", WINDOW + 1));
        throttle.recordFailure("a", WINDOW + 2);
        assertTrue(throttle.isBlocked("a", WINDOW + 2));
    }

    @Test
    void liftsTheBlockWhenItsDurationEnds() {
        long blockedAt = 5;
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("a", blockedAt);
        }

        assertTrue(throttle.isBlocked("a", blockedAt + BLOCK - 1));
        assertFalse(throttle.isBlocked("a", blockedAt + BLOCK));
        assertEquals(0, throttle.trackedKeys());
        throttle.recordFailure("a", blockedAt + BLOCK);
        assertFalse(throttle.isBlocked("a", blockedAt + BLOCK));
    }

    @Test
    void failuresWhileBlockedDoNotExtendTheBlock() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("a", 0);
        }
        throttle.recordFailure("a", BLOCK - 1);

        assertFalse(throttle.isBlocked("a", BLOCK));
    }

    @Test
    void toleratesNanoTimeWrapAround() {
        long start = Long.MAX_VALUE - 10;
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("a", start);
        }

        assertTrue(throttle.isBlocked("a", start + 20));
        assertFalse(throttle.isBlocked("a", start + BLOCK));
    }

    @Test
    void boundsTrackedKeysByEvictingTheOldest() {
        FailedLoginThrottle small = new FailedLoginThrottle(1, WINDOW, BLOCK, 3);
        for (int i = 0; i < 5; i++) {
            small.recordFailure("k" + i, i);
        }

        assertEquals(3, small.trackedKeys());
        assertFalse(small.isBlocked("k0", 10));
        assertFalse(small.isBlocked("k1", 10));
        assertTrue(small.isBlocked("k4", 10));
    }

    @Test
    void dropsExpiredEntriesAsNewFailuresArrive() {
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure("old" + i, 0);
        }
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure("new" + i, WINDOW + 1);
        }

        assertEquals(10, throttle.trackedKeys());
    }
}
