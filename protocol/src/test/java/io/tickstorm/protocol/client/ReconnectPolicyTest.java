package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private static final ReconnectPolicy POLICY = new ReconnectPolicy(true, Duration.ofMillis(250),
            Duration.ofSeconds(30), Duration.ofSeconds(30));

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        assertEquals(Duration.ofMillis(250), POLICY.delay(1, () -> 1.0));
        assertEquals(Duration.ofMillis(500), POLICY.delay(2, () -> 1.0));
        assertEquals(Duration.ofMillis(1_000), POLICY.delay(3, () -> 1.0));
        assertEquals(Duration.ofSeconds(30), POLICY.delay(9, () -> 1.0), "250 ms * 2^8 = 64 s, capped");
        assertEquals(Duration.ofSeconds(30), POLICY.delay(Integer.MAX_VALUE, () -> 1.0), "no overflow");
    }

    @Test
    void jitterTakesBetweenHalfAndAllOfTheDelay() {
        assertEquals(Duration.ofMillis(125), POLICY.delay(1, () -> 0.0));
        assertEquals(Duration.ofMillis(375), POLICY.delay(2, () -> 0.5));
        assertEquals(Duration.ofSeconds(15), POLICY.delay(20, () -> 0.0));
    }

    @Test
    void refusesACapBelowTheInitialDelay() {
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(true, Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }
}
