package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.SubscriptionMode;
import java.nio.file.Path;
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
    void speaksTlsByDefaultTrustingTheJdkStoreAsTheServerAndTheCliDo() {
        LoadOptions o = parse("--user", "u");
        assertTrue(o.tls());
        assertNull(o.caFile());
        assertFalse(o.insecure());

        assertFalse(parse("--user", "u", "--no-tls").tls());
        assertTrue(parse("--user", "u", "--tls", "--ca-file", "ca.pem").tls());
        assertEquals(Path.of("ca.pem"), parse("--user", "u", "--ca-file", "ca.pem").caFile());
    }

    @Test
    void rejectsContradictoryTlsFlags() {
        assertMessage("--tls and --no-tls contradict each other", "--user", "u", "--tls", "--no-tls");
        assertMessage("--no-tls contradicts --ca-file, --insecure and --server-name",
                "--user", "u", "--no-tls", "--insecure");
        assertMessage("--ca-file and --insecure exclude each other", "--user", "u", "--ca-file", "x", "--insecure");
    }

    @Test
    void refusesAPasswordOnTheCommandLineAsTheCliDoes() {
        assertMessage("--password is not accepted: a password in the arguments shows in ps and shell history; set "
                + "TICK_STORM_PASSWORD or use --password-stdin", "--user", "u", "--password", "hunter2");
        assertMessage("--password is not accepted", "--user", "u", "--password=hunter2");
    }

    @Test
    void readsThePasswordFromTheEnvironmentOrTheFirstLineOfStdin() {
        assertEquals("from-env", LoadOptions.parse(new String[] {"--user", "u"},
                Map.of(LoadOptions.PASSWORD_ENV, "from-env"), () -> "unused").password());
        assertEquals("from-stdin", LoadOptions.parse(new String[] {"--user", "u", "--password-stdin"},
                Map.of(LoadOptions.PASSWORD_ENV, "from-env"), () -> "from-stdin").password());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--user", "u"}, Map.of(), () -> "unused"));
        assertEquals("no password: set TICK_STORM_PASSWORD or use --password-stdin", none.getMessage());
    }

    @Test
    void aServerPidFromACommandThatMatchedNothingOrSeveralSaysSo() {
        assertEquals(1234, parse("--user", "u", "--server-pid", "1234").serverPid());
        assertEquals(0, parse("--user", "u").serverPid());
        assertMessage("--server-pid: empty (did the command that finds it match nothing?", "--user", "u",
                "--server-pid", "");
        assertMessage("--server-pid: '12\n34' is not one PID (several processes matched: pgrep -n picks the newest)",
                "--user", "u", "--server-pid", "12\n34");
        assertMessage("--server-pid: 'abc' is not one PID", "--user", "u", "--server-pid", "abc");
    }

    @Test
    void progressEveryFiveSecondsByDefault() {
        assertEquals(5, parse("--user", "u").progressSeconds());
        assertEquals(0, parse("--user", "u", "--progress-seconds", "0").progressSeconds());
        assertMessage("--progress-seconds: -1 (expected >= 0)", "--user", "u", "--progress-seconds", "-1");
    }

    @Test
    void writesJsonOnlyWhenAsked() {
        assertNull(parse("--user", "u").jsonFile());
        assertEquals(Path.of("r.json"), parse("--user", "u", "--json", "r.json").jsonFile());
    }

    private static void assertMessage(String expectedStart, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(args));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
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
