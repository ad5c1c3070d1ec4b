package io.tickstorm.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.client.ServerAddress;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliArgumentsTest {

    @Test
    void defaultsMatchTheServer() throws Exception {
        CliArguments arguments = CliArguments.parse(new String[0]);
        assertEquals(List.of(new ServerAddress("127.0.0.1", 8080)), arguments.addresses());
        assertFalse(arguments.reconnect());
        assertTrue(arguments.tls());
        assertEquals(SubscriptionMode.SECOND, arguments.mode());
        assertEquals(List.of(), arguments.symbols());
        assertEquals(0, arguments.count());
        assertNull(arguments.duration());
        assertEquals(TickFormat.TEXT, arguments.format());
        assertFalse(arguments.passwordStdin());
    }

    @Test
    void acceptsValuesInlineOrAsTheNextArgument() throws Exception {
        CliArguments arguments = CliArguments.parse(new String[] {
            "--host=tick.example", "--port", "9443", "--symbols", " AAPL, ,MSFT ", "--mode=REALTIME",
            "--start-time", "1700000000000", "--no-tls", "--tls"});
        assertEquals(List.of(new ServerAddress("tick.example", 9443)), arguments.addresses());
        assertEquals(List.of("AAPL", "MSFT"), arguments.symbols());
        assertEquals(SubscriptionMode.REALTIME, arguments.mode());
        assertEquals(1_700_000_000_000L, arguments.startTimeMs());
        assertTrue(arguments.tls(), "the last of --tls/--no-tls wins");
    }

    @Test
    void parsesDurationsWithUnits() throws Exception {
        assertEquals(Duration.ofMillis(250), CliArguments.parse(new String[] {"--duration", "250ms"}).duration());
        assertEquals(Duration.ofSeconds(10), CliArguments.parse(new String[] {"--duration", "10s"}).duration());
        assertEquals(Duration.ofSeconds(7), CliArguments.parse(new String[] {"--duration", "7"}).duration());
        assertEquals(Duration.ofMinutes(5), CliArguments.parse(new String[] {"--duration", "5m"}).duration());
        assertEquals(Duration.ofHours(1), CliArguments.parse(new String[] {"--duration", "1h"}).duration());
        assertThrows(CliUsageException.class,
                () -> CliArguments.parse(new String[] {"--duration", "99999999999999999h"}));
    }

    @Test
    void parsesConflationIntervalsWithABareNumberInMilliseconds() throws Exception {
        assertNull(CliArguments.parse(new String[0]).conflate());
        assertEquals(Duration.ofMillis(500),
                CliArguments.parse(new String[] {"--mode", "realtime", "--conflate", "500ms"}).conflate());
        assertEquals(Duration.ofSeconds(2),
                CliArguments.parse(new String[] {"--mode=realtime", "--conflate=2s"}).conflate());
        assertEquals(Duration.ofMillis(250),
                CliArguments.parse(new String[] {"--mode", "realtime", "--conflate", "250"}).conflate());
        for (String bad : new String[] {"9ms", "61s", "1m", "0.5s", "-5", "x", "99999999999999"}) {
            assertThrows(CliUsageException.class,
                    () -> CliArguments.parse(new String[] {"--mode", "realtime", "--conflate", bad}), bad);
        }
        assertThrows(CliUsageException.class, () -> CliArguments.parse(new String[] {"--conflate", "500ms"}),
                "SECOND by default");
        assertThrows(CliUsageException.class, () -> CliArguments.parse(
                new String[] {"--mode", "realtime", "--start-time", "5", "--conflate", "500ms"}));
    }

    @Test
    void switchesTakeNoValue() {
        CliUsageException failure = assertThrows(CliUsageException.class,
                () -> CliArguments.parse(new String[] {"--json=yes"}));
        assertEquals("--json takes no value", failure.getMessage());
    }

    @Test
    void upperCasesSymbols() throws Exception {
        assertEquals(List.of("AAPL", "BRK.B"), CliArguments.parse(new String[] {"--symbols", "aapl,Brk.b"}).symbols());
    }

    @Test
    void hostsAddUpAcrossRepeatedFlagsAndCommaListsEachWithItsOwnPortOrPort() throws Exception {
        CliArguments arguments = CliArguments.parse(new String[] {
            "--host", "a.example,b.example:9001", "--host=[::1]:9002", "--host", "::1", "--port", "9443",
            "--reconnect"});
        assertEquals(List.of(new ServerAddress("a.example", 9443), new ServerAddress("b.example", 9001),
                new ServerAddress("::1", 9002), new ServerAddress("::1", 9443)), arguments.addresses());
        assertTrue(arguments.reconnect());
        assertEquals("[::1]:9002", arguments.addresses().get(2).toString());
        CliUsageException bad = assertThrows(CliUsageException.class,
                () -> CliArguments.parse(new String[] {"--host", "a.example:http"}));
        assertEquals("--host: 'a.example:http': port must be 1..65535, not 'http'", bad.getMessage());
        assertThrows(CliUsageException.class, () -> CliArguments.parse(new String[] {"--host", " , "}));
    }

    @Test
    void startTimeTakesEpochMillisIsoInstantsOffsetsAndRelativeTimes() throws Exception {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        assertEquals(1_700_000_000_000L, startTime("1700000000000", now));
        assertEquals(now.toEpochMilli(), startTime("2026-12-07T10:00:00Z", now));
        assertEquals(now.toEpochMilli(), startTime("2026-12-07T11:00:00+01:00", now));
        assertEquals(now.toEpochMilli() + 250, startTime("2026-12-07T10:00:00.250Z", now));
        assertEquals(now.minusSeconds(30).toEpochMilli(), startTime("-30s", now));
        assertEquals(now.minusSeconds(300).toEpochMilli(), startTime("-5m", now));
        assertEquals(now.minusSeconds(7200).toEpochMilli(), startTime("-2h", now));
        assertEquals(now.toEpochMilli() - 1500, startTime("-1500ms", now));
        CliUsageException bad = assertThrows(CliUsageException.class, () -> startTime("yesterday", now));
        assertTrue(bad.getMessage().startsWith("--start-time: expected epoch milliseconds, an ISO-8601 time"),
                bad.getMessage());
        assertThrows(CliUsageException.class, () -> startTime("2026-12-07T10:00:00", now), "no zone: ambiguous");
        assertThrows(CliUsageException.class, () -> startTime("0", now));
    }

    private static long startTime(String value, Instant now) throws CliUsageException {
        return CliArguments.parse(new String[] {"--start-time", value}, now).startTimeMs();
    }

    @Test
    void versionIsASwitch() throws Exception {
        assertTrue(CliArguments.parse(new String[] {"--version"}).version());
    }
}
