package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-loop heartbeat sweep, on an {@link EmbeddedChannel}'s loop with time moved by hand. */
class HeartbeatSweepTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(20);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Session> missed = new ArrayList<>();
    private HeartbeatSweep sweep;

    private class Session implements HeartbeatSweep.Watched {
        long last;
        int slot = -1;

        Session() {
            last = sweep.nowNanos();
        }

        @Override
        public long lastHeartbeatNanos() {
            return last;
        }

        @Override
        public void heartbeatMissed() {
            missed.add(this);
        }

        @Override
        public int sweepSlot() {
            return slot;
        }

        @Override
        public void sweepSlot(int slot) {
            this.slot = slot;
        }
    }

    private HeartbeatSweep sweep() {
        channel.freezeTime();
        sweep = new HeartbeatSweep(channel.eventLoop(), TIMEOUT);
        return sweep;
    }

    private void advanceSeconds(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void theSweepPeriodIsAFortiethOfTheTimeoutBetweenTenAndFiveHundredMilliseconds() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), HeartbeatSweep.periodFor(TimeUnit.SECONDS.toNanos(20)));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), HeartbeatSweep.periodFor(TimeUnit.MINUTES.toNanos(5)));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), HeartbeatSweep.periodFor(TimeUnit.SECONDS.toNanos(2)));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), HeartbeatSweep.periodFor(TimeUnit.MILLISECONDS.toNanos(100)));
    }

    @Test
    void onlyTheSessionsPastTheTimeoutAreMissedAndEachOnlyOnce() {
        HeartbeatSweep sweep = sweep();
        Session silent = new Session();
        Session beating = new Session();
        sweep.watch(silent);
        sweep.watch(beating);
        advanceSeconds(15);
        beating.last = sweep.nowNanos();
        advanceSeconds(4);
        assertTrue(missed.isEmpty(), "19 s: nobody is past 20 s yet");
        advanceSeconds(1);
        assertEquals(List.of(silent), missed, "20 s: the silent one, once");
        assertEquals(-1, silent.slot);
        assertEquals(1, sweep.size());
        advanceSeconds(20);
        assertEquals(List.of(silent, beating), missed);
        assertEquals(0, sweep.size());
    }

    @Test
    void aSessionIsMissedWithinOnePeriodOfItsDeadlineNeverBefore() {
        HeartbeatSweep sweep = sweep();
        Session session = new Session();
        sweep.watch(session);
        channel.advanceTimeBy(TIMEOUT - 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(missed.isEmpty());
        channel.advanceTimeBy(HeartbeatSweep.periodFor(TIMEOUT) + 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(session), missed);
    }

    @Test
    void theSweepStopsWhenNothingIsWatchedAndStartsAgainWithTheNextSession() {
        HeartbeatSweep sweep = sweep();
        Session first = new Session();
        sweep.watch(first);
        sweep.unwatch(first);
        sweep.unwatch(first);
        advanceSeconds(1);
        assertEquals(-1, channel.runScheduledPendingTasks(), "no sweep left scheduled once nothing is watched");
        Session second = new Session();
        sweep.watch(second);
        sweep.watch(second);
        assertEquals(1, sweep.size(), "watching twice is watching once");
        assertTrue(channel.runScheduledPendingTasks() > 0, "a sweep is scheduled again");
        advanceSeconds(21);
        assertEquals(List.of(second), missed);
        assertFalse(missed.contains(first));
    }

    @Test
    void aSessionThatFailsToCloseDoesNotStopTheSweep() {
        HeartbeatSweep sweep = sweep();
        Session failing = new Session() {
            @Override
            public void heartbeatMissed() {
                throw new IllegalStateException("close failed");
            }
        };
        Session other = new Session();
        sweep.watch(failing);
        sweep.watch(other);
        channel.advanceTimeBy(21, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(missed.isEmpty(), "the failure (logged by the loop) ended that sweep before the other session");
        advanceSeconds(1);
        assertEquals(List.of(other), missed, "the next sweep reaches the session after the failing one");
        assertEquals(0, sweep.size());
    }

    @Test
    void unwatchingFromTheMiddleKeepsEveryOtherSessionWatched() {
        HeartbeatSweep sweep = sweep();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Session session = new Session();
            sessions.add(session);
            sweep.watch(session);
        }
        for (int i = 0; i < 100; i += 3) {
            sweep.unwatch(sessions.get(i));
        }
        assertEquals(66, sweep.size());
        advanceSeconds(21);
        assertEquals(66, missed.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i % 3 != 0, missed.contains(sessions.get(i)), "session " + i);
        }
    }
}
