package io.tickstorm.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthStateTest {

    private final AtomicBoolean breach = new AtomicBoolean();
    private final AtomicBoolean loopsLive = new AtomicBoolean(true);
    private final AtomicBoolean memoryStuck = new AtomicBoolean();
    private final HealthState health = new HealthState(breach::get, loopsLive::get, memoryStuck::get, () -> true);

    @Test
    void liveUnlessTheLoopsHangOrMemoryIsStuckInBreach() {
        assertTrue(health.live());
        assertEquals(List.of(), health.notLiveReasons());

        memoryStuck.set(true);
        assertFalse(health.live());
        assertEquals(List.of("memory breach with no connections"), health.notLiveReasons());

        loopsLive.set(false);
        assertEquals(List.of("memory breach with no connections", "event loops not responding"),
                health.notLiveReasons());
        memoryStuck.set(false);
        assertFalse(health.live());
        assertEquals(List.of("event loops not responding"), health.notLiveReasons());
    }

    @Test
    void aBreachAloneTurnsReadinessOffButNotLiveness() {
        health.markStarted();
        breach.set(true);
        assertFalse(health.ready());
        assertTrue(health.live(), "readiness behaviour is unchanged; liveness needs the idle rule");
        breach.set(false);
        assertTrue(health.ready());
    }

    @Test
    void anAddedConditionKeepsReadinessOffWithItsReasonUntilItIsMet() {
        AtomicBoolean users = new AtomicBoolean();
        health.notReadyWhile(() -> users.get() ? null : "no users");
        health.markStarted();
        assertFalse(health.ready());
        assertEquals(List.of("no users"), health.notReadyReasons());
        assertTrue(health.live());
        users.set(true);
        assertTrue(health.ready());
        assertEquals(List.of(), health.notReadyReasons());
    }
}
