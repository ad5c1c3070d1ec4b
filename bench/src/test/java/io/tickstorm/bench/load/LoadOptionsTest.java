package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.SubscriptionMode;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    private static LoadOptions parse(String... args) {
        return LoadOptions.parse(args, Map.of(LoadOptions.PASSWORD_ENV, "secret"));
    }

    @Test
    void laterFlagsOverrideEarlierOnesSoWorkersCanBeGivenOverrides() {
        LoadOptions o = parse("--user", "u", "--connections", "10", "--connections", "20", "--mode", "realtime");
        assertEquals(20, o.connections());
        assertEquals(SubscriptionMode.REALTIME, o.mode());
        assertEquals("secret", o.password());
    }

    @Test
    void splitsConnectionsOverWorkersWhenOneProcessMayNotHoldThemAll() {
        LoadOptions o = parse("--user", "u", "--connections", "19872", "--max-per-worker", "10000");
        assertEquals(2, o.effectiveWorkers());
        assertEquals(9936, o.connectionsOf(0, 2));
        assertEquals(9936, o.connectionsOf(1, 2));
        assertEquals(9936, o.firstConnectionOf(1, 2));
        assertEquals(2, o.sourceAddresses());
    }

    @Test
    void givesTheRemainderToTheFirstWorkers() {
        LoadOptions o = parse("--user", "u", "--connections", "7", "--workers", "3");
        assertEquals(3, o.connectionsOf(0, 3));
        assertEquals(2, o.connectionsOf(2, 3));
        assertEquals(5, o.firstConnectionOf(2, 3));
    }

    @Test
    void correctsForCoordinatedOmissionOnlyInThePeriodicModes() {
        assertEquals(1_000_000L, parse("--user", "u", "--mode", "SECOND").expectedIntervalMicros());
        assertEquals(60_000_000L, parse("--user", "u", "--mode", "MINUTE").expectedIntervalMicros());
        assertEquals(0L, parse("--user", "u", "--mode", "REALTIME").expectedIntervalMicros());
    }

    @Test
    void rejectsTlsWithoutATrustChoiceNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--user", "u", "--tls"));
        assertTrue(e.getMessage().contains("--ca-file"), e.getMessage());
    }

    @Test
    void conflatesOnlyRealtimeFromTenMillisecondsToAMinute() {
        assertEquals(0, parse("--user", "u", "--mode", "REALTIME").conflateMs());
        assertEquals(500, parse("--user", "u", "--mode", "REALTIME", "--conflate-ms", "500").conflateMs());
        for (String[] bad : new String[][] {{"--mode", "SECOND", "--conflate-ms", "500"},
                {"--mode", "REALTIME", "--conflate-ms", "9"}, {"--mode", "REALTIME", "--conflate-ms", "60001"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parse(Stream.concat(Stream.of("--user", "u"), Arrays.stream(bad)).toArray(String[]::new)));
            assertTrue(e.getMessage().contains("--conflate-ms"), e.getMessage());
        }
    }

    @Test
    void rejectsUnknownFlags() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--user", "u", "--conections", "5"));
        assertTrue(e.getMessage().contains("--conections"), e.getMessage());
    }
}
